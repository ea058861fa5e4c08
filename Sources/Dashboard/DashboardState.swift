import CofferCore
import CofferStore
import TerminalUI

/// The dashboard's tabs (SPEC §9).
public enum MainTab: Int, CaseIterable, Sendable {
    case billing, team, usage, spending

    /// The tab's title.
    public var title: String {
        switch self {
        case .billing: "Billing"
        case .team: "Team"
        case .usage: "Usage"
        case .spending: "Spending"
        }
    }
}

/// What the Billing tab shows.
public struct BillingSnapshot: Sendable, Equatable {
    public let subscription: SubscriptionView
    public let balance: BalanceReport
    public let packs: PackPurchaseState
    /// Start trial or Proceed to payment, and whether the viewer may (R10, R7).
    public let checkout: CheckoutOffer
    /// The paid plans of the catalog, for the plan selector.
    public let plans: [Plan]
    /// What the workspace spent per day over the runway's 30 days (the sparkline, SPEC §9).
    public let spending: DailySpending

    /// A snapshot of the billing facts.
    public init(subscription: SubscriptionView, balance: BalanceReport, packs: PackPurchaseState, checkout: CheckoutOffer, plans: [Plan],
                spending: DailySpending) {
        (self.subscription, self.balance, self.packs, self.checkout, self.plans) = (subscription, balance, packs, checkout, plans)
        self.spending = spending
    }

    /// True when the plan module shows the plan selector: no paid plan running (SPEC §9).
    public var offersPlans: Bool { subscription.status == nil || subscription.ended || subscription.status == .unpaid }

}

/// Credits spent on each UTC day of a range, oldest first (`UsageQueries.dailyCredits`).
public struct DailySpending: Sendable, Equatable {
    /// The days, as day numbers since the epoch.
    public let days: ClosedRange<Int64>
    /// One total per day of `days`.
    public let credits: [Credits]

    /// The series of `credits` over `days`.
    public init(days: ClosedRange<Int64>, credits: [Credits]) { (self.days, self.credits) = (days, credits) }

    /// The sum of the days (nil if it would overflow).
    public var total: Credits? { try? Credits.sum(credits) }

    /// The day that spent most (the latest of equals) and what it spent; nil when nothing was spent.
    public var peak: (day: Int64, credits: Credits)? {
        guard let index = credits.indices.max(by: { credits[$0] <= credits[$1] }), credits[index] > .zero else { return nil }
        return (days.lowerBound + Int64(index), credits[index])
    }
}

/// The Billing tab's own choices: the plan and interval in the selector, the pack size.
public struct BillingChoices: Sendable, Equatable {
    /// An index into `BillingSnapshot.plans`.
    public var plan = 0
    /// Yearly instead of the plan's first interval.
    public var yearly = false
    /// An index into `PackPurchaseState.packSizes`.
    public var pack = 1
    /// How many packs of that size (R23: several at once).
    public var packCount: Int64 = 1
}

/// The members table: rows, the cursor and the marked rows (multi-select).
public struct TeamView: Sendable, Equatable {
    public var members: [MemberView] = []
    public var table = TableState()

    /// The emails a bulk action applies to: the marked rows, or the row under the cursor.
    public var targets: [String] {
        let marked = table.marked.sorted().filter(members.indices.contains).map { members[$0].email }
        if !marked.isEmpty { return marked }
        return members.indices.contains(table.selected) ? [members[table.selected].email] : []
    }

    /// The member under the cursor.
    public var current: MemberView? { members.indices.contains(table.selected) ? members[table.selected] : nil }
}

/// Everything the dashboard shows; changed only by `reduce`.
public struct DashboardState: Sendable {
    /// Who is looking, in which workspace (changes with the workspace switcher).
    public var viewer: Actor
    /// The screen size, for mouse hit-testing (the view draws into whatever buffer it gets).
    public var size = Size(width: 80, height: 24)
    /// The clock as of the last tick (the store's, so `COFFER_NOW` holds here too).
    public var now: Timestamp = 0
    public var tab: MainTab = .billing
    public var billing: BillingSnapshot?
    public var choices = BillingChoices()
    public var team = TeamView()
    public var usage = UsageState()
    /// Where the credits of the Usage view's range went (nil until it arrives).
    public var spending: SpendingReport?
    /// A dialog, prompt, list, sheet or help over the screen; it takes every key until it closes.
    public var modal: Modal?
    /// The modal whose change is under way: if the store refuses it, it opens again with what was typed (#19.10).
    public var asked: Modal?
    /// Effects under way (a loading state instead of a frozen screen).
    public var loading = 0
    public var status = StatusLine()
    public var quit = false

    /// The state a dashboard opens in for `viewer`.
    public init(viewer: Actor) { self.viewer = viewer }

    /// Whether the viewer sees the User column (R7).
    public var showsUsers: Bool { Permissions.allows(viewer.role, .seeUsageUsers) }

    /// The viewer's own row in the members table.
    public var me: MemberView? { team.members.first { $0.email == viewer.email } }

    /// Whether the viewer may run `action` (R7); the view greys out what they may not.
    public func may(_ action: CofferCore.Action) -> Bool { Permissions.allows(viewer.role, action) }
}

/// A width and height in cells.
public struct Size: Sendable, Equatable {
    public var width: Int
    public var height: Int

    /// A size of `width` × `height`.
    public init(width: Int, height: Int) { (self.width, self.height) = (width, height) }
}
