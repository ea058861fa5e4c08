import CofferCore
import CofferStore
import Foundation

/// A usage row in JSON: one key per column of its tab, named after the column (`Message Count`
/// → `message_count`, `Updated At` → `updated_at`); amounts as strings with three decimals,
/// counts as numbers, times ISO-8601 UTC (SPEC §8). A missing value is `null`.
public struct UsageRowJSON: Encodable, Sendable {
    let fields: [(key: String, value: JSONValue)]

    /// The JSON of a row of `tab` (the User column only when the row has a user, R7).
    public init(_ r: UsageRow, tab: UsageTab) {
        let values: [String: JSONValue] = [
            "conversation_id": .text(r.key), "call_id": .text(r.key), "task_id": .text(r.key), "type": .text(r.key),
            "title": .text(r.title), "message_count": .number(r.messages ?? .zero), "credits": .text(r.credits.plain),
            "amount": .text(r.credits.plain), "user": .text(r.user), "billing_type": .text(r.billingType?.rawValue),
            "api_key_name": .text(r.apiKey), "import_type": .text(r.importType?.rawValue), "import_url": .text(r.url),
            "detail": .text(r.detail), "updated_at": .text(UTC.iso(r.time)), "created_at": .text(UTC.iso(r.time)),
        ]
        fields = UsageTable(tab: tab, showsUsers: r.user != nil).columns.map { ($0.jsonKey, values[$0.jsonKey] ?? .text(nil)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        for field in fields { try container.encode(field.value, forKey: JSONKey(field.key)) }
    }
}

/// A JSON value of a usage row: text (or null), or an exact count.
enum JSONValue: Encodable, Sendable {
    case text(String?)
    case number(Quantity)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text?): try container.encode(text)
        case .text(nil): try container.encodeNil()
        case .number(let quantity): try container.encode(JSONCount(quantity))
        }
    }
}

/// A count as an exact JSON number: `11`, or `2.5` for a fractional quantity (never a float on the way, R1).
struct JSONCount: Encodable, Sendable {
    let quantity: Quantity

    init(_ quantity: Quantity) { self.quantity = quantity }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if quantity.milliunits % 1_000 == 0 {
            try container.encode(quantity.milliunits / 1_000)
        } else {
            try container.encode(Decimal(string: quantity.plain) ?? 0)
        }
    }
}

/// A key known only at run time.
struct JSONKey: CodingKey {
    let stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// A page in JSON: its rows and the cursor of the next page (keyset, `--after` / `after`).
public struct UsagePageJSON: Encodable, Sendable {
    let rows: [UsageRowJSON]
    let next: String?

    /// The JSON of a page of `tab`.
    public init(_ page: UsagePage, tab: UsageTab) {
        rows = page.rows.map { UsageRowJSON($0, tab: tab) }
        next = page.next?.text
    }
}

/// The summary bar's totals in JSON (`usage summary --json`, `GET /v1/usage/{tab}/summary`):
/// the counts as numbers, the credits as a string with three decimals.
public struct UsageSummaryJSON: Encodable, Sendable {
    let count: Int64
    let messages: JSONCount
    let credits: String

    /// The JSON of a summary.
    public init(_ summary: UsageSummary) {
        count = summary.count; messages = JSONCount(summary.messages); credits = summary.credits.plain
    }
}

/// A charge line in JSON.
public struct ChargeLineJSON: Encodable, Sendable {
    struct Grant: Encodable, Sendable { let grant: Int64; let source, detail, asset, amount: String }
    let event_id, time, service, billing_type, credits, units: String
    let quantity, user: String?
    let grants: [Grant]

    /// The JSON of a charge line.
    public init(_ l: ChargeLine) {
        event_id = l.eventID; time = UTC.iso(l.time); service = l.service; billing_type = l.billingType?.rawValue ?? ""
        credits = l.credits.plain; units = l.units.plain
        quantity = l.quantity?.plain; user = l.user
        grants = l.grants.map {
            Grant(grant: $0.grant, source: $0.source, detail: $0.detail, asset: $0.amount.asset.code,
                  amount: UsageTextFormat.export.amount($0.amount))
        }
    }
}
