import CofferCore
import CofferStore

/// A usage result in JSON, as `consume --json` prints it and `POST /v1/events` returns it
/// (snake_case; amounts as exact decimal strings, R1).
public struct UsageResultJSON: Encodable, Sendable {
    /// One draw from one grant.
    public struct Draw: Encodable, Sendable { let wallet, asset, amount: String; let grant: Int64 }
    let event_id, service, member, credits, units, value, balance: String
    let wallets: [String]
    let draws: [Draw]
    let unlimited, duplicate: Bool
    let recharge: String?

    /// The JSON of a result.
    public init(_ r: UsageResult) {
        event_id = r.eventID; service = r.service; member = r.member
        credits = r.credits.plain; units = r.units.plain
        value = r.value.plain; balance = r.balance.plain
        wallets = r.wallets; unlimited = r.unlimited; duplicate = r.duplicate; recharge = r.recharge
        draws = r.draws.map {
            Draw(wallet: $0.wallet, asset: $0.amount.asset.code, amount: UsageTextFormat.export.amount($0.amount), grant: $0.grant)
        }
    }

    /// Writes the result as `JSONEncoder` (keys sorted) would: into `json`, as one object.
    public func write(into json: inout JSONBytes) {
        json.openObject()
        json.key("balance"); json.string(balance)
        json.key("credits"); json.string(credits)
        json.key("draws"); json.openArray()
        for draw in draws {
            json.openObject()
            json.key("amount"); json.string(draw.amount)
            json.key("asset"); json.string(draw.asset)
            json.key("grant"); json.int(draw.grant)
            json.key("wallet"); json.string(draw.wallet)
            json.closeObject()
        }
        json.closeArray()
        json.key("duplicate"); json.bool(duplicate)
        json.key("event_id"); json.string(event_id)
        json.key("member"); json.string(member)
        json.field("recharge", recharge)
        json.key("service"); json.string(service)
        json.key("units"); json.string(units)
        json.key("unlimited"); json.bool(unlimited)
        json.key("value"); json.string(value)
        json.key("wallets"); json.openArray()
        for wallet in wallets { json.string(wallet) }
        json.closeArray()
        json.closeObject()
    }
}
