import CofferCore
import CofferStore

/// One seat in `seats list --json` and `GET /v1/billing-team/seats`; `multiplier` is a number,
/// as in `members list --json`.
public struct SeatJSON: Encodable, Sendable {
    let email, role, state: String
    let multiplier: Int64
    let added_at: String

    /// The JSON of a seat.
    public init(_ seat: SeatView) {
        email = seat.email; role = seat.role.rawValue; state = seat.state; multiplier = seat.multiplier; added_at = UTC.iso(seat.addedAt)
    }
}

/// One item of a seat batch (R26): `done`, or `refused` with R26's message.
public struct SeatItemJSON: Encodable, Sendable {
    let item, status: String
    let error: String?

    /// The JSON of an item's outcome.
    public init(_ result: SeatItemResult) {
        item = result.item; status = result.error == nil ? "done" : "refused"; error = result.error
    }
}

/// Seed 003's billing team (`GET /v1/billing-team`, R39): amounts as exact decimal strings (R1).
public struct BillingTeamJSON: Encodable, Sendable {
    let seats_limit, seats_count: Int64
    let auto_recharge_enabled: Bool
    let recharge_threshold_amount, recharge_amount, current_period_spend, currency: String
    let max_period_spend: String?

    /// The JSON of a billing-team view.
    public init(_ team: BillingTeamView) {
        seats_limit = team.seatsLimit; seats_count = team.seatsCount; auto_recharge_enabled = team.recharge.enabled
        recharge_threshold_amount = team.recharge.threshold.plain; recharge_amount = team.recharge.amount.plain
        max_period_spend = team.recharge.maxPeriodSpend?.plain; current_period_spend = team.currentPeriodSpend.plain; currency = team.currency
    }

    /// Every key, `max_period_spend` as null when there is no cap.
    public func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey {
            case seats_limit, seats_count, auto_recharge_enabled, recharge_threshold_amount, recharge_amount, max_period_spend,
                 current_period_spend, currency
        }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(seats_limit, forKey: .seats_limit)
        try container.encode(seats_count, forKey: .seats_count)
        try container.encode(auto_recharge_enabled, forKey: .auto_recharge_enabled)
        try container.encode(recharge_threshold_amount, forKey: .recharge_threshold_amount)
        try container.encode(recharge_amount, forKey: .recharge_amount)
        try container.encode(max_period_spend, forKey: .max_period_spend)
        try container.encode(current_period_spend, forKey: .current_period_spend)
        try container.encode(currency, forKey: .currency)
    }
}
