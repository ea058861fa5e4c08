import CofferCore
import CofferStore
import TerminalUI

/// Where the parts of the dashboard are at a screen size: the view draws there and clicks are hit-tested there.
public struct DashboardLayout: Sendable {
    public let area, header, tabs, body, status, footer: Rect

    /// The layout of a `size` screen: title, tabs, the tab's body, status line, key hints.
    public init(_ size: Size) {
        area = Rect(width: max(0, size.width), height: max(0, size.height))
        let rows = area.split(rows: [.fixed(1), .fixed(1), .flex(1), .fixed(1), .fixed(1)])
        (header, tabs, body, status, footer) = (rows[0], rows[1], rows[2], rows[3], rows[4])
    }

    /// Team: the viewer's own access line and the bulk action bar above the members table.
    public var teamMine: Rect { body.row(0) }
    public var teamBulk: Rect { body.row(1) }
    public var teamTable: Rect { body.inset(top: 2) }

    /// Usage: records tabs, date range and filters, summary bar, records table.
    public var usageTabs: Rect { body.row(0) }
    public var usageRange: Rect { body.row(1) }
    public var usageSummary: Rect { body.row(2) }
    public var usageTable: Rect { body.inset(top: 3, left: 1, right: 1) }

    /// The billing detail sheet of `lines` charge lines: its frame, and the table inside with its
    /// position row (totals and `row N of M`) and how many lines it shows at once.
    public func sheet(lines: Int) -> (frame: Rect, table: Rect, pageSize: Int) {
        let frame = area.centered(width: min(area.width, 110), height: min(area.height, lines + 4))
        let table = frame.inset(by: 1)
        return (frame, table, max(1, table.height - 2))
    }
}

extension DashboardState {
    /// The layout at the current size.
    public var layout: DashboardLayout { DashboardLayout(size) }

    /// Rows of records visible at once (under the header, above the position row).
    var usagePageSize: Int { max(1, layout.usageTable.height - 2) }
}

/// A mouse report: tabs and records tabs switch, headers sort, rows select, the wheel scrolls (SPEC §9).
func click(_ mouse: Mouse, _ state: inout DashboardState) -> [DashboardEffect] {
    if case .help(let scroll)? = state.modal { // the wheel scrolls help; only Esc, ? and q close it (#19.5)
        let step = mouse.action == .wheelUp ? -3 : mouse.action == .wheelDown ? 3 : 0
        state.modal = .help(scroll: min(max(0, scroll + step), state.helpScrollLimit))
        return []
    }
    if case .detail = state.modal, mouse.action == .wheelUp || mouse.action == .wheelDown {
        for _ in 0..<3 { _ = reduce(&state, .key(mouse.action == .wheelUp ? .up : .down)) } // the sheet scrolls like a table
        return []
    }
    guard state.modal == nil else { return [] }
    let layout = state.layout
    switch mouse.action {
    case .wheelUp, .wheelDown:
        guard state.tab == .team || state.tab == .usage else { return [] }
        return move(mouse.action == .wheelUp ? .up : .down, &state, by: 3)
    case .rightClick:
        return []
    case .click:
        let point = mouse.position
        if let tab = Tabs(MainTab.allCases.map(\.title)).index(at: point, in: layout.tabs, selected: state.tab.rawValue) {
            return show(MainTab(rawValue: tab)!, &state)
        }
        switch state.tab {
        case .billing, .spending: return []
        case .team:
            let table = Table(columns: TeamColumns.columns)
            if let row = table.row(at: point, in: layout.teamTable, state: state.team.table, rowCount: state.team.members.count) {
                state.team.table.select(row, rowCount: state.team.members.count, pageSize: layout.teamTable.height - 1)
            }
            return []
        case .usage:
            return usageClick(point, &state)
        }
    }
}

private func usageClick(_ point: Point, _ state: inout DashboardState) -> [DashboardEffect] {
    let layout = state.layout
    if let index = Tabs(UsageTab.allCases.map(\.title)).index(at: point, in: layout.usageTabs,
                                                              selected: UsageTab.allCases.firstIndex(of: state.usage.view.tab)!) {
        guard UsageTab.allCases[index] != state.usage.view.tab else { return [] }
        state.usage.view = UsageView(tab: UsageTab.allCases[index], window: state.usage.view.window)
        return state.reloadUsage()
    }
    let columns = state.usageTable
    let table = Table(columns: columns.columns.map(\.tableColumn), showsPosition: true)
    if point.y == layout.usageTable.y, layout.usageTable.contains(point) {
        // A header: sort by that column (again: reverse), hit-tested at the widths drawn for the rows on screen.
        guard let column = table.column(at: point, in: layout.usageTable, state: state.usage.table, dataSource: state.usageRows(theme: nil)),
              let field = columns.sortField(forColumn: column) else { return [] }
        var view = state.usage.view
        if view.sortField == field { view.descending.toggle() } else { (view.sortField, view.descending) = (field, true) }
        state.usage.view = view
        return state.reloadUsage()
    }
    let count = state.usage.rowCount
    if let row = table.row(at: point, in: layout.usageTable, state: state.usage.table, rowCount: count), state.usage.loaded.contains(row) {
        state.usage.table.select(row, rowCount: count, pageSize: state.usagePageSize)
    }
    return []
}
