import CofferCore
import CofferPresentation
import CofferStore
import TerminalUI

extension DashboardView {
    /// The four record tabs with the date range, filters, the summary bar and the rows.
    static func usage(_ state: DashboardState, _ layout: DashboardLayout, _ buffer: inout Buffer, _ theme: Theme) {
        let view = state.usage.view
        Tabs(UsageTab.allCases.map(\.title)).render(in: layout.usageTabs, buffer: &buffer,
                                                    selected: UsageTab.allCases.firstIndex(of: view.tab)!, theme: theme)
        var filters: [String] = []
        if !view.search.isEmpty { filters.append("/ \(view.search)") }
        if let type = view.type { filters.append("\(view.typeFilterName): \(AdjustmentType(rawValue: type)?.title ?? type)") }
        DateRangeBar(quickPicks: QuickRange.allCases.map(\.title))
            .render(in: layout.usageRange.inset(left: 1), buffer: &buffer, state: view.window.bar(now: state.now), theme: theme, focused: false,
                    note: filters.isEmpty ? "" : "·  " + filters.joined(separator: "  ·  ") + "  (Esc clears)")
        if let summary = state.usage.summary, view.isFiltered {
            buffer.fill(layout.usageSummary, style: theme.panel)
            buffer.write(" " + UsageTable.summaryLine(summary, tab: view.tab, separator: "  ·  "), in: layout.usageSummary, style: theme.panel)
        }
        let columns = state.usageTable
        var table = state.usage.table
        table.sort = columns.column(forSortField: view.sortField).map { TableSort(column: $0, ascending: !view.descending) }
        Table(columns: columns.columns.map(\.tableColumn), emptyText: state.usage.rows == nil ? "Loading…" : "No records in this range")
            .render(in: layout.usageTable, buffer: &buffer, state: table,
                    dataSource: UsageRows(rows: state.usage.rows ?? [], table: columns, theme: theme), theme: theme)
    }

    /// The billing detail sheet of a conversation: every charge line and the grants it drew from.
    static func sheet(_ conversation: String, _ lines: [ChargeLine], _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let frame = area.centered(width: min(area.width, 110), height: min(area.height, lines.count + 4))
        buffer.fill(frame, style: theme.panel)
        let inner = Box.draw(frame, title: BillingDetailSheet.title(conversation) + " · Esc closes", buffer: &buffer, theme: theme)
        Table(columns: BillingDetailSheet.columns.map(\.tableColumn), emptyText: "No charge lines")
            .render(in: inner, buffer: &buffer, state: TableState(), dataSource: Rows(lines.map { BillingDetailSheet.texts($0).map { TableCell($0) } }), theme: theme)
    }
}

/// The fetched records, formatted only for the rows on screen.
struct UsageRows: TableDataSource {
    let rows: [UsageRow]
    let table: UsageTable
    let theme: Theme
    var rowCount: Int { rows.count }
    func rows(in range: Range<Int>) -> [[TableCell]] {
        rows[range].map { row in
            table.cells(row).map { cell in
                switch cell.tone {
                case .plain: TableCell(cell.text)
                case .positive: TableCell(cell.text, style: theme.positiveAmount)
                case .negative: TableCell(cell.text, style: theme.negativeAmount)
                }
            }
        }
    }
}

extension DashboardState {
    /// The Usage tab's table as the viewer sees it (the User column only for owners, R7).
    var usageTable: UsageTable { UsageTable(tab: usage.view.tab, showsUsers: showsUsers) }
}

/// A table's rows already formatted.
struct Rows: TableDataSource {
    let all: [[TableCell]]
    init(_ all: [[TableCell]]) { self.all = all }
    var rowCount: Int { all.count }
    func rows(in range: Range<Int>) -> [[TableCell]] { Array(all[range]) }
}
