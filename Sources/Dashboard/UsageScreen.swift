import CofferCore
import CofferStore
import TerminalUI

/// The columns of a records tab (SPEC §7); the User column only for owners (R7).
struct UsageColumns {
    let tab: UsageTab
    let showsUsers: Bool

    /// The tab's columns, in order.
    var columns: [TableColumn] {
        let credits = TableColumn("Credits", width: .fixed(11), alignment: .right)
        let user = showsUsers ? [TableColumn("User", width: .flex(min: 8), priority: 4)] : []
        switch tab {
        case .conversations:
            return [TableColumn("Conversation ID", width: .flex(min: 10), priority: 3), TableColumn("Title", width: .flex(min: 10)),
                    TableColumn("Messages", width: .fixed(10), alignment: .right), credits] + user
                + [TableColumn("Type", width: .fixed(8), priority: 2), TableColumn("Updated At", width: .fixed(16), priority: 1)]
        case .calls:
            return [TableColumn("Call ID", width: .flex(min: 8)), TableColumn("API Key Name", width: .flex(min: 8)), credits] + user
                + [TableColumn("Created At", width: .fixed(16), priority: 1)]
        case .imports:
            return [TableColumn("Task ID", width: .flex(min: 8)), TableColumn("Type", width: .fixed(8)),
                    TableColumn("Import URL", width: .flex(min: 10), priority: 3), credits] + user
                + [TableColumn("Created At", width: .fixed(16), priority: 1)]
        case .adjustments:
            return [TableColumn("Type", width: .flex(min: 12)), TableColumn("Amount", width: .fixed(13), alignment: .right),
                    TableColumn("Detail", width: .flex(min: 8), priority: 2), TableColumn("Created At", width: .fixed(16), priority: 1)]
        }
    }

    /// A row's cells, matching `columns`.
    func cells(_ r: UsageRow, theme: Theme) -> [TableCell] {
        let credits = TableCell(Credits(millicredits: r.credits).description)
        let user = showsUsers ? [TableCell(r.user ?? "")] : []
        let time = TableCell(UTC.short(r.time))
        switch tab {
        case .conversations:
            return [TableCell(r.key), TableCell(r.title ?? ""), TableCell(Quantity(milliunits: r.messages ?? 0).description), credits]
                + user + [TableCell(r.billingType ?? ""), time]
        case .calls: return [TableCell(r.key), TableCell(r.apiKey ?? ""), credits] + user + [time]
        case .imports: return [TableCell(r.key), TableCell(r.importType ?? ""), TableCell(r.url ?? ""), credits] + user + [time]
        case .adjustments:
            let amount = (r.credits > 0 ? "+" : "") + Credits(millicredits: r.credits).description
            return [TableCell(AdjustmentType(rawValue: r.key)?.title ?? r.key),
                    TableCell(amount, style: r.credits < 0 ? theme.negativeAmount : theme.positiveAmount), TableCell(r.detail ?? ""), time]
        }
    }

    /// The column a sort field is shown in (for the header's marker).
    func column(forSortField field: Int) -> Int? {
        let title = Self.titles[tab.sortFields[field]]
        return columns.firstIndex { $0.title == title }
    }

    /// The sort field a column sorts by, if it is sortable (a header click).
    func sortField(forColumn column: Int) -> Int? {
        guard columns.indices.contains(column) else { return nil }
        return tab.sortFields.firstIndex { Self.titles[$0] == columns[column].title }
    }

    private static let titles = ["updated": "Updated At", "created": "Created At", "messages": "Messages", "credits": "Credits", "amount": "Amount"]
}

extension DashboardView {
    /// The four record tabs with the date range, filters, the summary bar and the rows.
    static func usage(_ state: DashboardState, _ layout: DashboardLayout, _ buffer: inout Buffer, _ theme: Theme) {
        let view = state.usage.view
        Tabs(UsageTab.allCases.map(\.title)).render(in: layout.usageTabs, buffer: &buffer,
                                                    selected: UsageTab.allCases.firstIndex(of: view.tab)!, theme: theme)
        var filters = ["\(theme.glyphs.previous) \(view.window.title(now: state.now)) \(theme.glyphs.next)"]
        if !view.search.isEmpty { filters.append("/ \(view.search)") }
        if let type = view.type { filters.append("\(view.typeFilterName): \(AdjustmentType(rawValue: type)?.title ?? type)") }
        buffer.write(" " + filters.joined(separator: "  ·  ") + (filters.count > 1 ? "  (Esc clears)" : ""), in: layout.usageRange, style: theme.accent)
        if let summary = state.usage.summary, view.isFiltered {
            buffer.fill(layout.usageSummary, style: theme.panel)
            buffer.write(" " + summaryLine(summary, tab: view.tab), in: layout.usageSummary, style: theme.panel)
        }
        let columns = UsageColumns(tab: view.tab, showsUsers: state.showsUsers)
        var table = state.usage.table
        table.sort = columns.column(forSortField: view.sortField).map { TableSort(column: $0, ascending: !view.descending) }
        Table(columns: columns.columns, emptyText: state.usage.rows == nil ? "Loading…" : "No records in this range")
            .render(in: layout.usageTable, buffer: &buffer, state: table,
                    dataSource: UsageRows(rows: state.usage.rows ?? [], columns: columns, theme: theme), theme: theme)
    }

    /// The summary bar (SPEC §7).
    public static func summaryLine(_ s: UsageSummary, tab: UsageTab) -> String {
        let credits = Credits(millicredits: s.credits)
        switch tab {
        case .conversations: return "Messages \(Quantity(milliunits: s.messages))  ·  Credits \(credits)  ·  Conversations \(s.count)"
        case .calls: return "Calls \(s.count)  ·  Credits \(credits)"
        case .imports: return "Imports \(s.count)  ·  Credits \(credits)"
        case .adjustments: return "Adjustments \(s.count)  ·  Net \(s.credits > 0 ? "+" : "")\(credits)"
        }
    }

    /// The billing detail sheet of a conversation: every charge line and the grants it drew from.
    static func sheet(_ conversation: String, _ lines: [ChargeLine], _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let frame = area.centered(width: min(area.width, 96), height: min(area.height, lines.count + 4))
        buffer.fill(frame, style: theme.panel)
        let inner = Box.draw(frame, title: "Billing detail · \(conversation) · Esc closes", buffer: &buffer, theme: theme)
        let columns = [TableColumn("Time", width: .fixed(16)), TableColumn("Service", width: .flex(min: 8), priority: 2),
                       TableColumn("Qty", width: .fixed(6), alignment: .right), TableColumn("Credits", width: .fixed(10), alignment: .right),
                       TableColumn("Grants", width: .flex(min: 10), priority: 1)]
        let rows = lines.map { line -> [TableCell] in
            let grants = line.grants.map { grant in
                "#\(grant.grant) " + (AdjustmentType(rawValue: grant.source)?.title ?? (grant.source == "rollover" ? "Rolled-over credits" : grant.source))
            }.joined(separator: ", ")
            return [TableCell(UTC.short(line.time)), TableCell(line.service), TableCell(line.quantity.map { Quantity(milliunits: $0).description } ?? "—"),
                    TableCell(Credits(millicredits: line.credits).description), TableCell(grants)]
        }
        Table(columns: columns, emptyText: "No charge lines").render(in: inner, buffer: &buffer, state: TableState(), dataSource: Rows(rows), theme: theme)
    }
}

/// The fetched records, formatted only for the rows on screen.
struct UsageRows: TableDataSource {
    let rows: [UsageRow]
    let columns: UsageColumns
    let theme: Theme
    var rowCount: Int { rows.count }
    func rows(in range: Range<Int>) -> [[TableCell]] { rows[range].map { columns.cells($0, theme: theme) } }
}

/// A table's rows already formatted.
struct Rows: TableDataSource {
    let all: [[TableCell]]
    init(_ all: [[TableCell]]) { self.all = all }
    var rowCount: Int { all.count }
    func rows(in range: Range<Int>) -> [[TableCell]] { Array(all[range]) }
}
