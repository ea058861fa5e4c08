import CofferCore
import CofferStore

/// A usage row in JSON (snake_case; amounts as strings; times ISO-8601 UTC).
public struct UsageRowJSON: Encodable, Sendable {
    let id, credits, time: String
    let title, messages, user, billing_type, api_key, import_type, url, type, detail: String?

    /// The JSON of a row of `tab`.
    public init(_ r: UsageRow, tab: UsageTab) {
        id = r.key; credits = r.credits.plain; time = UTC.iso(r.time)
        title = r.title; messages = r.messages?.plain; user = r.user
        billing_type = r.billingType?.rawValue; api_key = r.apiKey; import_type = r.importType?.rawValue; url = r.url
        type = tab == .adjustments ? r.key : nil; detail = r.detail
    }
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

/// The summary bar's totals in JSON (`usage summary --json`, `GET /v1/usage/{tab}/summary`).
public struct UsageSummaryJSON: Encodable, Sendable {
    let count, messages, credits: String

    /// The JSON of a summary.
    public init(_ summary: UsageSummary) {
        count = String(summary.count); messages = summary.messages.plain; credits = summary.credits.plain
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
