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
        rangeBar(state, layout.usageRange, &buffer, theme, scope: state.usage.view.filterNote)
        if let summary = state.usage.summary { // every range has its totals, All time too
            buffer.fill(layout.usageSummary, style: theme.panel)
            buffer.write(" " + UsageTable.summaryLine(summary, tab: view.tab, separator: "  ·  "), in: layout.usageSummary, style: theme.panel)
        }
        let columns = state.usageTable
        var table = state.usage.table
        table.sort = columns.column(forSortField: view.sortField).map { TableSort(column: $0, ascending: !view.descending) }
        Table(columns: columns.columns.map(\.tableColumn), emptyText: state.usage.rows == nil ? "Loading…" : "No records in this range",
              showsPosition: true, summary: state.usage.fetchingMore ? "Loading rows…" : "")
            .render(in: layout.usageTable, buffer: &buffer, state: table, dataSource: state.usageRows(theme: theme), theme: theme)
    }

    /// The date range bar of the Usage view with a note of what else narrows it (Usage and Spending).
    static func rangeBar(_ state: DashboardState, _ line: Rect, _ buffer: inout Buffer, _ theme: Theme, scope note: String) {
        DateRangeBar(quickPicks: QuickRange.allCases.map(\.title))
            .render(in: line.inset(left: 1), buffer: &buffer, state: state.usage.view.window.bar(now: state.now), theme: theme,
                    focused: false, note: note)
    }

    /// The billing detail sheet of a conversation: every charge line and the grants it drew from,
    /// scrolled like a table, with its totals and position on the bottom row (SPEC §7).
    static func sheet(_ conversation: String, _ lines: [ChargeLine], _ table: TableState, _ layout: DashboardLayout,
                      _ buffer: inout Buffer, _ theme: Theme) {
        let sheet = layout.sheet(lines: lines.count)
        buffer.fill(sheet.frame, style: theme.panel)
        Box.draw(sheet.frame, title: BillingDetailSheet.title(conversation) + " · Esc closes", buffer: &buffer, theme: theme)
        Table(columns: BillingDetailSheet.columns.map(\.tableColumn), emptyText: "No charge lines", showsPosition: true,
              summary: BillingDetailSheet.totals(lines))
            .render(in: sheet.table, buffer: &buffer, state: table,
                    dataSource: Rows(lines.map { BillingDetailSheet.texts($0).map { TableCell($0) } }), theme: theme)
    }
}

/// The loaded window of records, formatted only for the rows on screen; indexes are the whole
/// tab's (rows outside the window are blank until their page arrives).
struct UsageRows: TableDataSource {
    let rows: [UsageRow]
    let first: Int
    let rowCount: Int
    let table: UsageTable
    /// Colours amounts when given (nil: for measuring only).
    let theme: Theme?
    func rows(in range: Range<Int>) -> [[TableCell]] {
        range.map { index in
            guard index >= first, index - first < rows.count else { return [] }
            return table.cells(rows[index - first]).map { cell in
                switch (cell.tone, theme) {
                case (.positive, let theme?): TableCell(cell.text, style: theme.positiveAmount)
                case (.negative, let theme?): TableCell(cell.text, style: theme.negativeAmount)
                default: TableCell(cell.text)
                }
            }
        }
    }
}

extension DashboardState {
    /// The Usage tab's table as the viewer sees it (the User column only for owners, R7).
    var usageTable: UsageTable { UsageTable(tab: usage.view.tab, showsUsers: showsUsers) }

    /// The Usage table's rows as the table widget reads them.
    func usageRows(theme: Theme?) -> UsageRows {
        UsageRows(rows: usage.rows ?? [], first: usage.first, rowCount: usage.rowCount, table: usageTable, theme: theme)
    }
}

/// A table's rows already formatted.
struct Rows: TableDataSource {
    let all: [[TableCell]]
    init(_ all: [[TableCell]]) { self.all = all }
    var rowCount: Int { all.count }
    func rows(in range: Range<Int>) -> [[TableCell]] { Array(all[range]) }
}
