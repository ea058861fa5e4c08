import CofferCore
import CofferStore

/// The columns of each usage tab (SPEC §7), as tables, CSV and JSON.
enum UsageTable {
    /// Headers, and which are right-aligned; the User column only for owners (R7).
    static func columns(_ tab: UsageTab, showUsers: Bool) -> ([String], Set<Int>) {
        switch tab {
        case .conversations:
            (["Conversation ID", "Title", "Message Count", "Credits"] + (showUsers ? ["User"] : []) + ["Billing Type", "Updated At"], [2, 3])
        case .calls: (["Call ID", "API Key Name", "Credits"] + (showUsers ? ["User"] : []) + ["Created At"], [2])
        case .imports: (["Task ID", "Import Type", "Import URL", "Credits"] + (showUsers ? ["User"] : []) + ["Created At"], [3])
        case .adjustments: (["Type", "Amount", "Detail", "Created At"], [1])
        }
    }

    /// A row for the terminal (amounts formatted, times short).
    static func cells(_ row: UsageRow, tab: UsageTab, showUsers: Bool) -> [String] {
        values(row, tab: tab, showUsers: showUsers, credits: { Credits(millicredits: $0).description }, time: UTC.short)
    }

    /// A row for export (plain amounts, ISO-8601 UTC times).
    static func exportCells(_ row: UsageRow, tab: UsageTab, showUsers: Bool) -> [String] {
        values(row, tab: tab, showUsers: showUsers, credits: { Credits(millicredits: $0).plain }, time: UTC.iso)
    }

    private static func values(_ row: UsageRow, tab: UsageTab, showUsers: Bool, credits: (Int64) -> String,
                               time: (Timestamp) -> String) -> [String] {
        let user = showUsers ? [row.user ?? ""] : []
        switch tab {
        case .conversations:
            return [row.key, row.title ?? "", Quantity(milliunits: row.messages ?? 0).description, credits(row.credits)] + user
                + [row.billingType ?? "", time(row.time)]
        case .calls: return [row.key, row.apiKey ?? "", credits(row.credits)] + user + [time(row.time)]
        case .imports: return [row.key, row.importType ?? "", row.url ?? "", credits(row.credits)] + user + [time(row.time)]
        case .adjustments:
            let amount = credits(row.credits)
            return [AdjustmentType(rawValue: row.key)?.title ?? row.key, row.credits > 0 ? "+" + amount : amount, row.detail ?? "", time(row.time)]
        }
    }

    /// The summary bar as one line.
    static func summaryLine(_ s: UsageSummary, tab: UsageTab) -> String {
        let credits = Credits(millicredits: s.credits)
        switch tab {
        case .conversations: return "Messages \(Quantity(milliunits: s.messages))  Credits \(credits)  Conversations \(s.count)"
        case .calls: return "Calls \(s.count)  Credits \(credits)"
        case .imports: return "Imports \(s.count)  Credits \(credits)"
        case .adjustments: return "Adjustments \(s.count)  Net \(s.credits > 0 ? "+" : "")\(credits)"
        }
    }
}

/// A usage row in JSON (snake_case; amounts as strings; times ISO-8601 UTC).
struct UsageRowJSON: Encodable {
    let id, credits, time: String
    let title, messages, user, billing_type, api_key, import_type, url, type, detail: String?

    init(_ r: UsageRow, tab: UsageTab) {
        id = r.key; credits = Credits(millicredits: r.credits).plain; time = UTC.iso(r.time)
        title = r.title; messages = r.messages.map { Quantity(milliunits: $0).plain }; user = r.user
        billing_type = r.billingType; api_key = r.apiKey; import_type = r.importType; url = r.url
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
        event_id = l.eventID; time = UTC.iso(l.time); service = l.service; billing_type = l.billingType
        credits = Credits(millicredits: l.credits).plain; units = Quantity(milliunits: l.units).plain
        quantity = l.quantity.map { Quantity(milliunits: $0).plain }; user = l.user
        grants = l.grants.map {
            Grant(grant: $0.grant, source: $0.source, detail: $0.detail, asset: $0.asset,
                  amount: $0.asset == "credits" ? Credits(millicredits: $0.amount).plain : Quantity(milliunits: $0.amount).plain)
        }
    }
}
