import CofferCore
import CofferStore

/// What an effect changed, as the engine reports it: facts, not words. The dashboard words it
/// for the status line (``message``).
public enum DashboardOutcome: Sendable, Equatable {
    /// The viewer switched themself to `access` (Personal, or back to the team's).
    case accessSwitched(AccessType)
    /// `count` packs of `amount` credits were bought; the team pool now holds `balance`.
    case packBought(count: Int64, amount: Credits, balance: Credits)
    /// A checkout ran: the plan's name and the subscription's status after it.
    case subscribed(plan: String, status: SubscriptionStatus?)
    /// A card ending in `last4` is now the payment method; `retried` is the subscription's status after
    /// an outstanding payment was retried on it (nil when none was outstanding).
    case cardSaved(last4: String, retried: SubscriptionStatus? = nil)
    /// The outstanding payment was tried again; the subscription's status after it.
    case paymentRetried(SubscriptionStatus?)
    /// `email` has a pending seat.
    case invited(String)
    /// A seat moved from one email to another.
    case seatMoved(from: String, to: String)
    /// `email`'s seat was removed.
    case seatRemoved(String)
    /// Every one of the members now has the change.
    case membersChanged([String], MemberChange)
}

/// A change made to members in bulk (R26's batch rule).
public enum MemberChange: Sendable, Equatable {
    case access(AccessType)
    /// A credit limit per period; nil: none.
    case limit(Credits?)
}

/// A bulk change that some members refused: what was applied stands, the first refusal is named.
public struct BulkRefusal: Sendable, Equatable {
    /// How many members the change was applied to, of how many asked.
    public let applied: Int
    public let total: Int
    /// The first member who refused, and the store's reason.
    public let email: String
    public let reason: String

    /// A refusal of `email` for `reason`, after `applied` of `total` changes stood.
    public init(applied: Int, total: Int, email: String, reason: String) {
        (self.applied, self.total, self.email, self.reason) = (applied, total, email, reason)
    }
}

extension DashboardOutcome {
    /// The status line's words for it.
    public var message: String {
        switch self {
        case .accessSwitched(let access): "You are on \(access.title) access"
        case .packBought(let count, let amount, let balance):
            "Bought \(count == 1 ? "a" : "\(count) ×") \(Money.wholeDollars(amount.millicredits / 1_000)) credit pack\(count == 1 ? "" : "s"): the team pool holds \(balance)"
        case .subscribed(let plan, let status): "\(plan): \(status?.title ?? "Active")"
        case .cardSaved(let last4, nil): "Card ending \(last4) saved"
        case .cardSaved(let last4, let status?) where status.isActive:
            "Card ending \(last4) saved; the outstanding payment went through: the subscription is \(status.title) again"
        case .cardSaved(let last4, let status?):
            "Card ending \(last4) saved, but the outstanding payment failed again: the subscription is \(status.title)"
        case .paymentRetried(let status): "Payment retried: \(status?.title ?? "Active")"
        case .invited(let email): "Invited \(email): their seat is pending until they accept"
        case .seatMoved(let from, let to): "Moved \(from)'s seat to \(to)"
        case .seatRemoved(let email): "Removed \(email)'s seat"
        case .membersChanged(let emails, .access(let access)): "\(describe(emails)): \(access.title) access"
        case .membersChanged(let emails, .limit(let limit)): "\(describe(emails)): limit \(limit?.description ?? "none")"
        }
    }
}

extension BulkRefusal {
    /// The status line's words: the first refusal, after how many changes stood when some did.
    public var message: String {
        (applied == 0 ? "" : "\(applied) of \(total) changed; ") + "\(email): \(reason)"
    }
}

extension Choice {
    /// The workspace switcher's list: the viewer's workspaces, with their role in each.
    static func workspaces(_ workspaces: [WorkspaceSummary]) -> Choice {
        Choice(purpose: .workspace, title: "Switch workspace",
               labels: workspaces.map { "\($0.name) (\($0.slug)) · \($0.role?.title ?? "")" }, values: workspaces.map(\.slug))
    }

    /// The type filter of `tab` over `values` (billing types, API keys, import types or adjustment types), after "All".
    static func typeFilter(_ tab: UsageTab, values: [String]) -> Choice {
        let labels = tab == .adjustments ? values.map { AdjustmentType(rawValue: $0)?.title ?? $0 } : values
        let name = UsageView(tab: tab).typeFilterName
        return Choice(purpose: .typeFilter(tab), title: "Filter by \(tab == .calls ? name : name.lowercased())",
                      labels: ["All"] + labels, values: [nil] + values)
    }
}
