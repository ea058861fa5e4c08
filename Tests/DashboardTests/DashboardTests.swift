@testable import Dashboard
import CofferCore
@testable import CofferStore
import Foundation
import Testing
import TerminalUI

/// The dashboard's reducer, action by action, and what it renders (SPEC §9).
@Suite("Dashboard reducer and view (SPEC §9)")
struct DashboardTests {
    static let viewer = Actor(userID: 1, email: "ada@acme.test", workspaceID: 1, workspaceSlug: "acme", workspaceName: "Acme",
                              role: .primaryOwner, pending: false)
    static let member = Actor(userID: 2, email: "max@acme.test", workspaceID: 1, workspaceSlug: "acme", workspaceName: "Acme",
                              role: .member, pending: false)

    static func row(_ key: String, credits: Int64, user: String?) -> UsageRow {
        UsageRow(key: key, title: "Title \(key)", messages: 2_000, credits: credits, user: user, billingType: "message", apiKey: nil,
                 importType: nil, url: nil, detail: nil, time: 1_790_000_000, cursor: UsageCursor(value: 1, id: 1))
    }

    @Test("Tabs: Tab, Shift-Tab and 1–3 switch tabs and ask for that tab's data")
    func tabs() {
        var state = DashboardState(viewer: Self.viewer)
        #expect(reduce(&state, .key(.tab)) == [.loadMembers] && state.tab == .team && state.loading == 1)
        #expect(reduce(&state, .key(.char("3"))) == [.loadUsage(UsageView(tab: .conversations, range: .last30))] && state.tab == .usage)
        #expect(reduce(&state, .key(.backTab)) == [.loadMembers] && state.tab == .team)
        #expect(reduce(&state, .key(.char("1"))) == [.loadBilling] && state.tab == .billing)
    }

    @Test("Usage: [ and ] step the date range; left/right switch the records tab; stale answers are ignored")
    func usageNavigation() {
        var state = DashboardState(viewer: Self.viewer)
        _ = reduce(&state, .key(.char("3")))
        #expect(reduce(&state, .key(.char("["))) == [.loadUsage(UsageView(tab: .conversations, range: .last7))])
        #expect(reduce(&state, .key(.char("["))).isEmpty, "already the narrowest")
        _ = reduce(&state, .usageLoaded(UsageView(tab: .conversations, range: .last7), UsagePage(rows: [], next: nil), UsageSummary(count: 0, messages: 0, credits: 0)))
        #expect(state.summary != nil)
        #expect(reduce(&state, .key(.char("]"))) == [.loadUsage(UsageView(tab: .conversations, range: .last30))])
        #expect(state.summary == nil && state.page == nil, "the old range's figures are gone until the new ones arrive")
        #expect(reduce(&state, .key(.right)) == [.loadUsage(UsageView(tab: .calls, range: .last30))] && state.view.tab == .calls)
        let page = UsagePage(rows: [Self.row("c-1", credits: 40, user: "ada@acme.test")], next: nil)
        _ = reduce(&state, .usageLoaded(UsageView(tab: .conversations, range: .last30), page, UsageSummary(count: 1, messages: 2_000, credits: 40)))
        #expect(state.page == nil, "an answer for another tab is stale")
        _ = reduce(&state, .usageLoaded(UsageView(tab: .calls, range: .last30), page, UsageSummary(count: 1, messages: 0, credits: 40)))
        #expect(state.page == page)
    }

    @Test("Team: p and o switch oneself; a refusal shows the domain's message; q quits; ? shows help")
    func teamAndGeneral() {
        var state = DashboardState(viewer: Self.member)
        #expect(reduce(&state, .key(.char("p"))).isEmpty, "only on the Team tab")
        _ = reduce(&state, .key(.char("2")))
        #expect(reduce(&state, .key(.char("p"))) == [.switchAccess(toPersonal: true)])
        #expect(reduce(&state, .failed("You are already on Personal access")).isEmpty)
        #expect(state.status.message == "You are already on Personal access")
        #expect(reduce(&state, .done("You are on Seat access")) == [.loadMembers, .loadBilling])
        _ = reduce(&state, .key(.char("?")))
        #expect(state.help)
        _ = reduce(&state, .key(.char("x")))
        #expect(!state.help, "any key closes help")
        _ = reduce(&state, .key(.char("q")))
        #expect(state.quit)
        #expect(reduce(&state, .tick) == [.pollChanges])
    }

    static func render(_ state: DashboardState, width: Int, height: Int, colors: Int = 256) -> String {
        var buffer = Buffer(width: width, height: height)
        let theme = Theme.detect(colorCount: colors, environment: colors == 0 ? ["NO_COLOR": "1", "LANG": "C.UTF-8"] : ["LANG": "C.UTF-8"])
        DashboardView.render(state, into: &buffer, theme: theme)
        return buffer.snapshot()
    }

    @Test("R7: the User column shows for owners, not for members; the summary bar names the tab's totals", arguments: [(120, 40), (80, 24), (40, 12)])
    func usageView(width: Int, height: Int) {
        let page = UsagePage(rows: [Self.row("conv-1", credits: 40, user: "ada@acme.test")], next: nil)
        for viewer in [Self.viewer, Self.member] {
            var state = DashboardState(viewer: viewer)
            _ = reduce(&state, .key(.char("3")))
            _ = reduce(&state, .usageLoaded(UsageView(tab: .conversations, range: .last30), page, UsageSummary(count: 1, messages: 2_000, credits: 40)))
            let screen = Self.render(state, width: width, height: height)
            #expect(screen.contains("Messages 2"), "\(width)×\(height)")
            if width >= 80 {
                #expect(screen.contains("User") == (viewer.role != .member), "\(viewer.role) \(width)×\(height)")
                #expect(screen.contains("$0.040"))
            }
            #expect(screen.split(separator: "\n").count <= height)
        }
    }

    @Test("R11: Billing names the status beside its colour and shows the balance to three decimals")
    func billingView() throws {
        var state = DashboardState(viewer: Self.viewer)
        let subscription = SubscriptionView(
            tier: "pro", name: "Pro", description: "For teams.", features: ["All models"], status: .pastDue, interval: .monthly, seats: 3,
            strategy: "per_team", pricePerSeatCents: 9_900, periodPriceCents: 29_700, periodEnd: 1_790_000_000, nextRefresh: 1_790_000_000,
            cancelAtPeriodEnd: false, scheduledPlan: nil, trialEnd: nil, remainingCredits: .whole(12), cardLast4: "4242", assigned: true, ended: false)
        let balance = BalanceReport(workspace: "acme", wallets: [WalletBalance(kind: .teamPool, holder: "Acme", asset: .credits, balance: 12_480, unlimited: false)],
                                    nextRefresh: 1_790_000_000, recharge: [], rechargeLog: [], alertThreshold: nil, alerts: [])
        _ = reduce(&state, .billingLoaded(BillingSnapshot(subscription: subscription, balance: balance,
                                                          packs: PackPurchaseState.of(paidPlan: true, status: .pastDue, role: .primaryOwner))))
        for colors in [256, 0] {
            let screen = Self.render(state, width: 120, height: 30, colors: colors)
            #expect(screen.contains("Past due") && screen.contains("$12.480"))
            #expect(screen.contains("Your subscription is Past due: packs can be bought again once it is active"))
        }
    }

    @Test("Usage: / types a search that Enter applies and Esc clears; s and S sort; Enter opens the detail sheet, Esc closes it")
    func searchSortDetail() {
        var state = DashboardState(viewer: Self.viewer)
        _ = reduce(&state, .key(.char("3")))
        #expect(reduce(&state, .key(.char("/"))).isEmpty && state.editingSearch != nil)
        for c in "plan" { _ = reduce(&state, .key(.char(c))) }
        var expected = UsageView(tab: .conversations, range: .last30)
        expected.search = "plan"
        #expect(reduce(&state, .key(.enter)) == [.loadUsage(expected)] && state.editingSearch == nil)
        expected.sortField = 1
        #expect(reduce(&state, .key(.char("s"))) == [.loadUsage(expected)])
        expected.descending = false
        #expect(reduce(&state, .key(.char("S"))) == [.loadUsage(expected)])
        let page = UsagePage(rows: [Self.row("conv-7", credits: 40, user: nil)], next: nil)
        _ = reduce(&state, .usageLoaded(expected, page, UsageSummary(count: 1, messages: 2_000, credits: 40)))
        #expect(reduce(&state, .key(.enter)) == [.loadDetail("conv-7")])
        _ = reduce(&state, .detailLoaded("conv-7", []))
        #expect(state.detail?.conversation == "conv-7")
        #expect(Self.render(state, width: 100, height: 30).contains("Billing detail · conv-7"))
        _ = reduce(&state, .key(.escape))
        #expect(state.detail == nil)
        expected = UsageView(tab: .conversations, range: .last30)
        expected.sortField = 1
        expected.descending = false
        #expect(reduce(&state, .key(.escape)) == [.loadUsage(expected)], "Esc clears the search")
    }

    @Test("R23: b asks before it charges (Cancel by default), +/- choose the pack; a disabled button says why")
    func buyPack() {
        var state = DashboardState(viewer: Self.viewer)
        func snapshot(_ packs: PackPurchaseState) -> BillingSnapshot {
            let subscription = SubscriptionView(
                tier: "pro", name: "Pro", description: "", features: [], status: .active, interval: .monthly, seats: 1, strategy: "per_team",
                pricePerSeatCents: 9_900, periodPriceCents: 9_900, periodEnd: nil, nextRefresh: nil, cancelAtPeriodEnd: false, scheduledPlan: nil,
                trialEnd: nil, remainingCredits: .zero, cardLast4: nil, assigned: true, ended: false)
            return BillingSnapshot(subscription: subscription, balance: BalanceReport(workspace: "acme", wallets: [], nextRefresh: nil, recharge: [],
                                   rechargeLog: [], alertThreshold: nil, alerts: []), packs: packs)
        }
        _ = reduce(&state, .billingLoaded(snapshot(PackPurchaseState.of(paidPlan: false, status: nil, role: .primaryOwner))))
        #expect(reduce(&state, .key(.char("b"))).isEmpty && state.confirmingPack == nil)
        #expect(state.status.message == "Subscribe to a plan first to purchase credit packs")
        _ = reduce(&state, .billingLoaded(snapshot(PackPurchaseState.of(paidPlan: true, status: .active, role: .primaryOwner))))
        _ = reduce(&state, .key(.char("+")))
        #expect(state.packIndex == 2)
        _ = reduce(&state, .key(.char("b")))
        #expect(state.confirmingPack == DialogState(confirmFocused: false))
        let screen = Self.render(state, width: 100, height: 30)
        #expect(screen.contains("Buy a $50.000 credit pack for") && screen.contains("$50.00, charged to the card on file?"))
        #expect(screen.contains("[ Cancel ]"))
        #expect(reduce(&state, .key(.enter)).isEmpty && state.confirmingPack == nil, "Enter on the default cancels")
        _ = reduce(&state, .key(.char("b")))
        _ = reduce(&state, .key(.left))
        #expect(reduce(&state, .key(.enter)) == [.buyPack(.whole(50))])
    }
}
