@testable import Dashboard
@testable import CofferStore
import CofferCore
import Foundation
import Testing
import TerminalUI

/// Viewers, loaded data and a renderer shared by the dashboard's tests.
enum Fixture {
    static let now: Timestamp = 1_795_000_000 // 2026-11-18T…Z
    static let owner = Actor(userID: 1, email: "ada@acme.test", workspaceID: 1, workspaceSlug: "acme", workspaceName: "Acme",
                             role: .primaryOwner, pending: false)
    static let member = Actor(userID: 2, email: "max@acme.test", workspaceID: 1, workspaceSlug: "acme", workspaceName: "Acme",
                              role: .member, pending: false)

    /// The shipped catalog's paid plans.
    static let plans: [Plan] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/coffer/Resources/plans.json")
        return try! Catalog.load(json: Data(contentsOf: file), source: "plans.json").plans.filter { !$0.isFree }
    }()

    static func subscription(_ status: SubscriptionStatus?, card: String? = "4242", ended: Bool = false,
                             features: [String] = ["All models", "Shared credit pool"]) -> SubscriptionView {
        SubscriptionView(tier: status == nil ? "free" : "pro", name: status == nil ? "Free" : "Pro", description: "For teams that share credits.",
                         features: features, status: status, interval: status == nil ? nil : .monthly, seats: 3,
                         strategy: "per_team", pricePerSeatCents: 9_900, periodPriceCents: 29_700, periodEnd: now + 12 * UTC.day,
                         nextRefresh: now + 12 * UTC.day, cancelAtPeriodEnd: false, scheduledPlan: nil, trialEnd: nil,
                         remainingCredits: .whole(12), cardLast4: card, assigned: true, ended: ended, upcoming: upcoming(status))
    }

    /// What falls due for a subscription of `status` (as `SubscriptionSchedule.upcomingEvents` words it).
    static func upcoming(_ status: SubscriptionStatus?) -> [UpcomingEvent] {
        let end = now + 12 * UTC.day
        switch status {
        case .active?: return [UpcomingEvent(.creditsRefresh(granted: true), at: end), UpcomingEvent(.charge(.renewal, cents: 29_700), at: end)]
        case .pastDue?: return [UpcomingEvent(.charge(.retry(2), cents: 29_700), at: now + 2 * UTC.day),
                                UpcomingEvent(.creditsRefresh(granted: false), at: end)]
        case .trialing?: return [UpcomingEvent(.trialEnds, at: end), UpcomingEvent(.charge(.firstPeriod, cents: 29_700), at: end),
                                 UpcomingEvent(.creditsRefresh(granted: true), at: now + 20 * UTC.day)]
        default: return []
        }
    }

    /// Thirty days of spending that add up to the runway's $600.000: nothing at weekends, a peak mid-month.
    static let spending: DailySpending = {
        let weights = (0..<30).map { $0 % 7 >= 5 ? 0 : 1 + Int64($0 * 5 % 9) }
        var credits = weights.map { $0 * 600_000 / weights.reduce(0, +) }
        credits[29] += 600_000 - credits.reduce(0, +)
        return DailySpending(days: Runway.days(endingAt: now), credits: credits.map(Credits.init(millicredits:)))
    }()

    static func balance(pool: Int64 = 1_234_567) -> BalanceReport {
        BalanceReport(workspace: "acme", wallets: [WalletBalance(kind: .teamPool, holder: "Acme", asset: .credits, balance: pool, unlimited: false)],
                      nextRefresh: now + 12 * UTC.day,
                      recharge: [RechargeState(seat: nil, settings: RechargeSettings(enabled: true, threshold: .whole(100), amount: .whole(500), maxPeriodSpend: nil),
                                               spentThisPeriod: .zero)],
                      rechargeLog: [], alertThreshold: .whole(200), alerts: [],
                      runway: Runway(balance: Credits(millicredits: pool), spentLast30Days: .whole(600), now: now),
                      expiringSoon: (Credits(millicredits: 45_500), now + 3 * UTC.day))
    }

    static func billing(_ status: SubscriptionStatus? = .active, viewer: Actor = owner, history: Bool = true) -> BillingSnapshot {
        let paid = status != nil
        let offer = CheckoutOffer(trial: !history, refusal: viewer.role == .primaryOwner ? nil : "Only the primary owner can change the subscription")
        return BillingSnapshot(subscription: subscription(status), balance: balance(),
                               packs: PackPurchaseState.of(paidPlan: paid, status: status, role: viewer.role), checkout: offer, plans: plans,
                               spending: spending)
    }

    static func member(_ name: String, _ email: String, _ role: Role, _ access: AccessType, pending: Bool = false, limit: Int64? = nil) -> MemberView {
        MemberView(name: name, email: email, role: role, access: access, pending: pending, multiplier: access == .seat ? 1 : nil,
                   limit: limit.map(Credits.whole), usedThisPeriod: Credits(millicredits: 312_500),
                   remaining: limit.map { Credits(millicredits: $0 * 1_000 - 312_500) }, effectivePlan: access == .personal ? "Starter" : "Pro")
    }

    static let members = [
        member("Ada Lovelace", "ada@acme.test", .primaryOwner, .seat),
        member("Grace Hopper", "grace@acme.test", .owner, .seat, limit: 1_500),
        member("Max Mustermann", "max@acme.test", .member, .credits, limit: 50),
        member("Lin 林", "lin@acme.test", .member, .personal),
        member("", "new@acme.test", .member, .seat, pending: true),
    ]

    static func row(_ key: String, credits: Int64, user: String?, title: String? = nil, time: Timestamp = now - 3_600) -> UsageRow {
        UsageRow(key: key, title: title ?? "Title \(key)", messages: Quantity(milliunits: 2_000), credits: Credits(millicredits: credits), user: user,
                 billingType: .message, apiKey: "ci-bot", importType: .brand, url: "https://example.test/\(key)", detail: "Pro · monthly", time: time, cursor: UsageCursor(value: time, id: 1))
    }

    static let rows = (1...30).map { row("conv-\($0)", credits: Int64($0) * 1_250, user: $0 % 2 == 0 ? "ada@acme.test" : "max@acme.test",
                                          time: now - Int64($0) * 3_600) }

    /// A state with every tab's data loaded, on `tab`.
    static func loaded(_ viewer: Actor, tab: MainTab, size: Size = Size(width: 120, height: 40)) -> DashboardState {
        var state = DashboardState(viewer: viewer)
        _ = reduce(&state, .tick(now))
        _ = reduce(&state, .resize(size))
        _ = reduce(&state, .billingLoaded(billing(viewer: viewer)))
        _ = reduce(&state, .membersLoaded(members))
        state.loading = 0
        _ = reduce(&state, .key(.char(["1", "2", "3", "4"][tab.rawValue])))
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: rows, next: nil), UsageSummary(count: 30, messages: Quantity(milliunits: 60_000), credits: Credits(millicredits: 581_250))))
        _ = reduce(&state, .spendingLoaded(state.usage.view, spending(viewer)))
        state.loading = 0
        return state
    }

    /// Last 30 days' spending as `viewer` sees it: a weekly rhythm, a pack bought on the 12th day, four
    /// members (a member: only their own) and five services.
    static func spending(_ viewer: Actor) -> SpendingReport {
        let first = UTC.dayNumber(now) - 30
        var pool: Int64 = 1_400_000
        let days = (0...30).map { index -> SpendingReport.Day in
            let credits = Int64((index * 37 % 11) + (index % 7 == 5 ? 0 : 3)) * 2_750
            pool += (index == 12 ? 500_000 : 0) - credits
            return SpendingReport.Day(start: (first + Int64(index)) * UTC.day, credits: Credits(millicredits: credits),
                                      poolBalance: Credits(millicredits: pool))
        }
        func share(_ key: String, _ name: String, _ credits: Int64, _ charges: Int64) -> SpendingReport.Share {
            SpendingReport.Share(key: key, name: name, credits: Credits(millicredits: credits), charges: charges)
        }
        let ownOnly = viewer.role == .member
        let members = ownOnly ? [share("max@acme.test", "Max Mustermann", 312_500, 84)]
            : [share("ada@acme.test", "Ada Lovelace", 612_250, 140), share("grace@acme.test", "Grace Hopper", 401_500, 96),
               share("max@acme.test", "Max Mustermann", 312_500, 84), share("lin@acme.test", "Lin 林", 86_750, 12)]
        let total = members.reduce(0) { $0 + $1.credits.millicredits }, charges = members.reduce(0) { $0 + $1.charges }
        let services = [share("veo-2", "Veo 2", total * 5 / 10, charges / 8), share("gpt-4o", "GPT-4o", total * 2 / 10, charges / 2),
                        share("claude-sonnet-4", "Claude Sonnet 4", total * 15 / 100, charges / 4),
                        share("brand-import", "Brand import", total - total * 85 / 100 - 250, charges / 16),
                        share("mcp-http-call", "MCP-HTTP call", 250, charges - charges / 8 - charges / 2 - charges / 4 - charges / 16)]
        let tabs = [share("Conversations", "Conversations", total * 85 / 100, charges * 7 / 8),
                    share("MCP-HTTP Calls", "MCP-HTTP Calls", 250, charges / 16),
                    share("Import Usage", "Import Usage", total - total * 85 / 100 - 250, charges - charges * 7 / 8 - charges / 16)]
        return try! SpendingReport(from: now - 30 * UTC.day, to: now + 1, days: days, tabs: tabs, members: members, services: services, ownOnly: ownOnly)
    }

    /// The screen as text (and, with `styles`, its style layer).
    static func render(_ state: DashboardState, width: Int, height: Int, colors: Int = 256, styles: Bool = false, ascii: Bool = false) -> String {
        var buffer = Buffer(width: width, height: height)
        var environment = ["LANG": ascii ? "C" : "C.UTF-8"]
        if colors == 0 { environment["NO_COLOR"] = "1" }
        DashboardView.render(state, into: &buffer, theme: Theme.detect(colorCount: colors, environment: environment))
        return buffer.snapshot(styles: styles)
    }
}
