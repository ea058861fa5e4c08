import CofferCore

/// The billing team of seed 003 (`GET /v1/billing-team`, R39): seats against the paid count and
/// the team's auto-recharge settings with this credit period's spend.
public struct BillingTeamView: Sendable, Equatable {
    /// Paid seats (the owner's included, R26); the Free plan's maximum without a subscription.
    public let seatsLimit: Int64
    /// Seats held, reserved or pending, × multiplier (R26).
    public let seatsCount: Int64
    /// The team's auto-recharge (R34); disabled at $0 when never set.
    public let recharge: RechargeSettings
    /// What auto-recharge spent in the current credit period.
    public let currentPeriodSpend: Credits
    /// Credits are US dollars (SPEC §1).
    public let currency = "USD"
}

/// The billing-team view over a store.
public struct BillingTeam: Sendable {
    let store: CofferStore

    /// The billing-team use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The actor's team: seats and auto-recharge, in one snapshot.
    public func show(actor: Actor) throws -> BillingTeamView {
        try Permissions.require(actor.role, .viewBilling)
        return try store.snapshot { sql in
            let (limit, live) = try TeamRules.seatLimit(sql, workspace: actor.workspaceID, catalog: store.catalog)
            let period = try TeamRules.creditPeriod(sql, workspace: actor.workspaceID, now: store.now, live: live)
            let team = try Balances.rechargeStates(sql, workspace: actor.workspaceID, periodStart: period.start).first { $0.seat == nil }
            return BillingTeamView(seatsLimit: limit, seatsCount: try TeamRules.seatsTaken(sql, workspace: actor.workspaceID),
                                   recharge: team?.settings ?? RechargeSettings(enabled: false, threshold: .zero, amount: .zero, maxPeriodSpend: nil),
                                   currentPeriodSpend: team?.spentThisPeriod ?? .zero)
        }
    }
}
