/// A wallet in the route of a debit (R29).
public enum PayingWallet: Equatable, Sendable {
    /// The member's own personal wallet.
    case personal
    /// The primary owner's personal allowance of an owner-only item (R9a).
    case ownerAllowance
    /// The member's seat wallet (PER_SEAT, Seat access).
    case seat
    /// The workspace's team pool.
    case teamPool
}

/// Who pays when a member uses a service (R29), as a pure function.
public enum WhoPays {
    /// The wallets to draw from, in order. The first wallet that can pay (allowance first, then
    /// credits) pays; a PER_SEAT seat wallet is followed by the team pool.
    public static func route(access: AccessType, perSeat: Bool, isPrimaryOwner: Bool, ownerOnlyItem: Bool,
                             teamMayUse: Bool) -> [PayingWallet] {
        if access == .personal || !teamMayUse { return [.personal] }
        var route: [PayingWallet] = isPrimaryOwner && ownerOnlyItem ? [.ownerAllowance] : []
        route += perSeat && access == .seat ? [.seat, .teamPool] : [.teamPool]
        return route
    }

    /// Whether the team plan lets the team use a service: models, calls and imports always;
    /// a plain consumable only with a team allowance item for it (R28–R29).
    public static func teamMayUse(_ service: Service, teamItems: [AllowanceItem]) -> Bool {
        service.kind != .consumable || teamItems.contains { $0.service == service.slug && $0.isTeamAllowed }
    }
}

/// Auto-recharge settings of a wallet (R34).
public struct RechargeSettings: Equatable, Sendable {
    public var enabled: Bool
    public var threshold: Credits
    public var amount: Credits
    /// The most recharges may spend per credit period; nil = no cap, zero = no recharges.
    public var maxPeriodSpend: Credits?

    /// Settings with each value spelled out.
    public init(enabled: Bool, threshold: Credits, amount: Credits, maxPeriodSpend: Credits?) {
        (self.enabled, self.threshold, self.amount, self.maxPeriodSpend) = (enabled, threshold, amount, maxPeriodSpend)
    }
}

/// What auto-recharge does before a debit (R35–R36).
public enum RechargeDecision: Equatable, Sendable {
    /// Nothing to do: disabled, or the wallet stays at or above the threshold.
    case none
    /// Buy this many credits (or, for an allowance, whole units) for `cost` credits' worth.
    case recharge(units: Int64, cost: Credits)
    /// Refused, with R36's message; recorded even if the debit then fails.
    case refused(String)

    /// Decides one recharge. `value` is the paying wallet's value (credits, or allowance units
    /// × unit price), `needed` the debit's value, `unitPrice` set for an allowance (R35).
    public static func decide(_ settings: RechargeSettings?, value: Credits, needed: Credits, spentThisPeriod: Credits,
                              unitPrice: Credits? = nil) -> RechargeDecision {
        guard let settings, settings.enabled else { return .none }
        guard value.millicredits - needed.millicredits < settings.threshold.millicredits else { return .none }
        var units = settings.amount.millicredits
        var cost = settings.amount
        if let unitPrice {
            guard unitPrice.millicredits > 0 else { return .none }
            units = settings.amount.millicredits / unitPrice.millicredits * FixedPoint.scale
            cost = Credits(millicredits: units / FixedPoint.scale * unitPrice.millicredits)
            guard units > 0 else { return .none }
        }
        if let cap = settings.maxPeriodSpend {
            if spentThisPeriod >= cap { return .refused("Billing period limit reached") }
            if spentThisPeriod.millicredits + cost.millicredits > cap.millicredits {
                return .refused("No budget available for recharge")
            }
        }
        return .recharge(units: units, cost: cost)
    }
}

/// Low-balance alerts (R24): one per crossing below the amount, not one per debit.
public enum LowBalanceAlert {
    /// Whether a debit that took a wallet from `before` (after any auto-recharge) to `after`
    /// crossed below `threshold`.
    public static func crossed(before: Credits, after: Credits, threshold: Credits?) -> Bool {
        guard let threshold else { return false }
        return before >= threshold && after < threshold
    }
}
