import Testing
@testable import TerminalUI

/// A data source of computed rows that records every window it is asked for.
final class CountingRows: TableDataSource {
    let rowCount: Int
    private(set) var requests: [Range<Int>] = []
    init(rowCount: Int) { self.rowCount = rowCount }
    func rows(in range: Range<Int>) -> [[TableCell]] {
        requests.append(range)
        return range.map { [TableCell("\($0)"), TableCell("name \($0)"), TableCell("\($0 * 3).00")] }
    }
}

@Suite struct TableTests {
    let theme = Theme(depth: .full, glyphs: .unicode)
    let table = Table(columns: [
        TableColumn("ID", width: .fixed(7), alignment: .right),
        TableColumn("Name", width: .flex(min: 8, weight: 2)),
        TableColumn("Amount", width: .fixed(10), alignment: .right, priority: 1),
    ], showsMarks: true)

    @Test func headerShowsTheSortMarkerOnTheSortedColumn() {
        var buffer = Buffer(width: 40, height: 4)
        let rows = CountingRows(rowCount: 3)
        var state = TableState(sort: TableSort(column: 2, ascending: true))
        table.render(in: buffer.area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(buffer.line(0).contains("Amount ▲"))
        #expect(!buffer.line(0).contains("ID ▲"))
        state.sort(by: 2)
        table.render(in: buffer.area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(buffer.line(0).contains("Amount ▼"))
        state.sort(by: 0)
        var ascii = Buffer(width: 40, height: 4)
        table.render(in: ascii.area, buffer: &ascii, state: state, dataSource: rows,
                     theme: Theme(depth: .none, glyphs: .ascii))
        #expect(ascii.line(0).contains("ID ^"))
        #expect(ascii[0, 0].style == Theme(depth: .none, glyphs: .ascii).header)
    }

    @Test func selectionAndMarksCarryAcrossPages() {
        let rows = CountingRows(rowCount: 100)
        let area = Rect(width: 40, height: 11)        // header + 10 rows
        let page = Table.pageSize(for: area)
        var state = TableState()
        _ = state.handle(.char(" "), rowCount: rows.rowCount, pageSize: page)   // mark row 0
        _ = state.handle(.pageDown, rowCount: rows.rowCount, pageSize: page)
        _ = state.handle(.pageDown, rowCount: rows.rowCount, pageSize: page)
        _ = state.handle(.down, rowCount: rows.rowCount, pageSize: page)
        _ = state.handle(.char(" "), rowCount: rows.rowCount, pageSize: page)   // mark row 21
        #expect(state.selected == 21)
        #expect(state.offset == 12)
        #expect(state.marked == [0, 21])
        var buffer = Buffer(width: 40, height: 11)
        table.render(in: area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(rows.requests.last == 12..<22)
        #expect(buffer.line(10).hasPrefix("●      21"))
        #expect(buffer[10, 10].style == theme.selected)
        _ = state.handle(.home, rowCount: rows.rowCount, pageSize: page)
        table.render(in: area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(buffer.line(1).hasPrefix("●       0"))
        _ = state.handle(.end, rowCount: rows.rowCount, pageSize: page)
        #expect(state.selected == 99 && state.offset == 90)
        #expect(state.marked == [0, 21])
    }

    @Test func aMillionVirtualRowsLoadOnlyTheVisibleWindow() {
        let rows = CountingRows(rowCount: 1_000_000)
        let area = Rect(width: 80, height: 21)
        var state = TableState()
        state.select(765_432, rowCount: rows.rowCount, pageSize: Table.pageSize(for: area))
        var buffer = Buffer(width: 80, height: 21)
        table.render(in: area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(rows.requests == [765_413..<765_433])
        #expect(buffer.line(20).contains("765432"))
        state.select(999_999, rowCount: rows.rowCount, pageSize: 20)
        table.render(in: area, buffer: &buffer, state: state, dataSource: rows, theme: theme)
        #expect(rows.requests.last == 999_980..<1_000_000)
        #expect(rows.requests.map(\.count) == [20, 20])
    }

    @Test func columnsShrinkAndLowPriorityColumnsHideWhenNarrow() {
        #expect(table.columnWidths(for: 80) == [7, 59, 10])
        #expect(table.columnWidths(for: 30) == [7, 9, 10])
        #expect(table.columnWidths(for: 20) == [7, 10, nil])   // Amount (priority 1) gives way
        var buffer = Buffer(width: 20, height: 3)
        table.render(in: buffer.area, buffer: &buffer, state: TableState(), dataSource: CountingRows(rowCount: 2), theme: theme)
        #expect(!buffer.line(0).contains("Amount"))
        #expect(buffer.line(0) == "       ID Name      ")
    }

    @Test func longCellTextIsCutWithAnEllipsis() {
        final class Long: TableDataSource {
            let rowCount = 1
            func rows(in range: Range<Int>) -> [[TableCell]] { [["1", "東京商事株式会社 International", "1"]] }
        }
        var buffer = Buffer(width: 30, height: 2)
        table.render(in: buffer.area, buffer: &buffer, state: TableState(), dataSource: Long(), theme: theme)
        #expect(buffer.line(1) == "        1 東京商事…          1")
    }

    @Test func clickMapsToARow() {
        let area = Rect(x: 0, y: 2, width: 40, height: 11)
        let state = TableState(selected: 30, offset: 25)
        #expect(table.row(at: Point(x: 5, y: 3), in: area, state: state, rowCount: 100) == 25)
        #expect(table.row(at: Point(x: 5, y: 2), in: area, state: state, rowCount: 100) == nil)   // header
    }

    @Test func emptyTableSaysSo() {
        var buffer = Buffer(width: 30, height: 3)
        table.render(in: buffer.area, buffer: &buffer, state: TableState(), dataSource: CountingRows(rowCount: 0), theme: theme)
        #expect(buffer.line(1).contains("No rows"))
    }
}

@Suite struct TableWindowCacheTests {
    @Test func loadsOnceForRedrawsAndSmallScrollsThenReloads() {
        let source = CountingRows(rowCount: 1_000)
        let cache = TableWindowCache(rowCount: source.rowCount, overscan: 10) { source.rows(in: $0) }
        #expect(cache.rows(in: 100..<120).first?.first?.text == "100")
        #expect(cache.rows(in: 100..<120).count == 20)
        #expect(cache.rows(in: 105..<125).last?.first?.text == "124")
        #expect(source.requests == [90..<130])
        #expect(cache.rows(in: 500..<520).first?.first?.text == "500")
        #expect(source.requests.last == 490..<530)
        cache.invalidate(rowCount: 510)
        #expect(cache.rows(in: 500..<520).count == 10)
        #expect(source.requests.last == 490..<510)
    }
}
