import Testing
@testable import TerminalUI

/// Issue #19.3 and #19.11: a figure is shown whole or not at all, cut text ends with `…`, labelled
/// values wrap or reflow before they are cut, and table columns are sized from the rows shown.
@Suite struct CutAndWrapTests {
    let theme = Theme(depth: .full, glyphs: .unicode)

    @Test("A figure is never cut inside: it goes whole and … stands in its place")
    func figuresGoWhole() {
        #expect(DisplayWidth.truncate("$1,305.000", to: 9, ellipsis: "…") == "…")
        #expect(DisplayWidth.truncate("$1,305.000", to: 10, ellipsis: "…") == "$1,305.000")
        #expect(DisplayWidth.truncate("Runway 2027-01-19 at $498.000 per 30 days", to: 26, ellipsis: "…") == "Runway 2027-01-19 at …")
        #expect(DisplayWidth.truncate("conversation-000123", to: 10, ellipsis: "…") == "conversat…", "an ID is text, cut with a marker")
        #expect(DisplayWidth.truncate("abc      ", to: 4, ellipsis: "…") == "abc ", "only spaces lost: no marker")
        #expect(DisplayWidth.isFigure("-$3.000") && DisplayWidth.isFigure("2026-11-18") && !DisplayWidth.isFigure("MCP-HTTP"))
    }

    @Test("Text written past the right edge ends with …, in a rectangle or a clip")
    func cutTextIsMarked() {
        var buffer = Buffer(width: 12, height: 2)
        buffer.write("Features All models", in: buffer.area.row(0))
        #expect(buffer.line(0) == "Features Al…")
        buffer.write("Balance $1,305.000", x: 0, y: 1)
        #expect(buffer.line(1) == "Balance …   ")
        var fits = Buffer(width: 12, height: 1)
        fits.write("exactly 12 c", x: 0, y: 0)
        #expect(fits.line(0) == "exactly 12 c")
    }

    @Test("Labelled values wrap beside their label, move under it when the column is narrow, and say what the height hides")
    func fieldListWrapsAndReflows() {
        let fields = FieldList([Field("Features", "All models, Shared credit pool, MCP-HTTP calls"), Field("Credit balance", "$1,305.000")])
        var wide = Buffer(width: 40, height: 6)
        FieldList(fields.fields).render(in: wide.area, buffer: &wide, labelStyle: .plain, theme: theme)
        #expect(wide.line(0) == "Features        All models, Shared      ")
        #expect(wide.line(1) == "                credit pool, MCP-HTTP   ")
        #expect(wide.line(2) == "                calls                   ")
        #expect(wide.line(3) == "Credit balance  $1,305.000              ")
        var narrow = Buffer(width: 24, height: 8)
        fields.render(in: narrow.area, buffer: &narrow, labelStyle: .plain, theme: theme)
        #expect((0..<6).map { narrow.line($0) } == ["Features                ", "  All models, Shared    ", "  credit pool, MCP-HTTP ",
                                                    "  calls                 ", "Credit balance          ", "  $1,305.000            "])
        var short = Buffer(width: 24, height: 3)
        fields.render(in: short.area, buffer: &short, labelStyle: .plain, theme: theme)
        #expect(short.line(2) == "… 4 more lines below    ", "the hint gives way before the count is cut")
        #expect(TextWrap.lines("pool $1,000,000.000", width: 8) == ["pool …"], "a figure wider than a line is not split")
    }

    @Test("Columns are sized from the rows shown; the slack goes to the text column")
    func columnsFromTheData() {
        let table = Table(columns: [TableColumn("ID", width: .flex(min: 4)), TableColumn("Title", width: .flex(min: 8, weight: 2)),
                                    TableColumn("Credits", width: .fixed(10), alignment: .right)])
        let rows: [[TableCell]] = [["conv-12345", "A title long enough to want the whole line", "$1.000"]]
        // 80 columns: the ID gets what its values need, the title the rest.
        #expect(table.columnWidths(for: 80, fitting: rows) == [10, 58, 10])
        #expect(table.columnWidths(for: 80) == [22, 46, 10], "without rows: shared by weight")
        // Short titles: each column gets what it needs, the slack still goes to the text.
        #expect(table.columnWidths(for: 60, fitting: [["c-1", "Hi", "$1.000"]]) == [4, 44, 10])
        // Too narrow for both: the ID's small need is met, the title takes what is left.
        #expect(table.columnWidths(for: 40, fitting: rows) == [10, 18, 10])
    }

    @Test("The position row says row N of M beside the table's totals")
    func positionRow() {
        let table = Table(columns: [TableColumn("N", width: .flex(min: 4))], showsPosition: true, summary: "45 charge lines · $9.000 credits")
        final class Numbers: TableDataSource {
            let rowCount = 1_204
            func rows(in range: Range<Int>) -> [[TableCell]] { range.map { [TableCell("\($0)")] } }
        }
        var buffer = Buffer(width: 60, height: 6)
        var state = TableState()
        state.select(1_203, rowCount: 1_204, pageSize: table.rowsVisible(in: buffer.area))
        table.render(in: buffer.area, buffer: &buffer, state: state, dataSource: Numbers(), theme: theme)
        #expect(table.rowsVisible(in: buffer.area) == 4)
        #expect(buffer.line(4).hasPrefix("1203"))
        #expect(buffer.line(5) == "45 charge lines · $9.000 credits          row 1,204 of 1,204")
    }
}
