import CofferCore
import CofferPresentation
import CofferStore

/// A usage row in JSON (snake_case; amounts as strings; times ISO-8601 UTC).
struct UsageRowJSON: Encodable {
    let id, credits, time: String
    let title, messages, user, billing_type, api_key, import_type, url, type, detail: String?

    init(_ r: UsageRow, tab: UsageTab) {
        id = r.key; credits = r.credits.plain; time = UTC.iso(r.time)
        title = r.title; messages = r.messages?.plain; user = r.user
        billing_type = r.billingType?.rawValue; api_key = r.apiKey; import_type = r.importType?.rawValue; url = r.url
        type = tab == .adjustments ? r.key : nil; detail = r.detail
    }
}

/// A page in JSON.
struct UsagePageJSON: Encodable {
    let rows: [UsageRowJSON]
    let next: String?
}

/// A charge line in JSON.
struct ChargeLineJSON: Encodable {
    struct Grant: Encodable { let grant: Int64; let source, detail, asset, amount: String }
    let event_id, time, service, billing_type, credits, units: String
    let quantity, user: String?
    let grants: [Grant]

    init(_ l: ChargeLine) {
        event_id = l.eventID; time = UTC.iso(l.time); service = l.service; billing_type = l.billingType?.rawValue ?? ""
        credits = l.credits.plain; units = l.units.plain
        quantity = l.quantity?.plain; user = l.user
        grants = l.grants.map {
            Grant(grant: $0.grant, source: $0.source, detail: $0.detail, asset: $0.amount.asset.code,
                  amount: UsageTextFormat.export.amount($0.amount))
        }
    }
}
