import Testing
@testable import TerminalUI

/// The Sparkline widget (values in, cells out) and the one-row values of FieldList it sits in (SPEC §9:
/// block characters, ASCII in the fallback, never colour alone).
@Suite struct SparklineTests {
    @Test("Levels: zero (or less) on the baseline, the largest at the top, anything above zero at least one step up")
    func levels() {
        #expect(Sparkline.levels([0, 1, 50, 99, 100, -5], steps: 7) == [0, 1, 4, 7, 7, 0])
        #expect(Sparkline.levels([0, 0, 0], steps: 7) == [0, 0, 0], "nothing spent: a flat baseline")
        #expect(Sparkline.levels([], steps: 7).isEmpty)
        #expect(Sparkline.levels([3, 3], steps: 4) == [4, 4])
        #expect(Sparkline.levels([Int64.max, Int64.max / 2, 1], steps: 7) == [7, 4, 1], "no overflow at the largest values")
    }

    @Test("Cells: block characters in Unicode, _.-=# in ASCII; one a value")
    func cells() {
        let line = Sparkline([0, 10, 20, 30, 40, 50, 60, 70])
        #expect(line.text(glyphs: .unicode) == "▁▂▃▄▅▆▇█")
        #expect(line.text(glyphs: .ascii) == "_.--==##")
        #expect(line.text(glyphs: .ascii).allSatisfy { $0.isASCII })
        #expect(line.text(glyphs: .unicode, width: 3) == "▆▇█", "narrower than the values: the most recent, scaled among themselves")
    }

    @Test("Taller: each row adds the ramp's steps above the row below; blanks where a value does not reach")
    func taller() {
        #expect(Sparkline([0, 7, 14]).rows(glyphs: .unicode, height: 2) == ["  █", "▁██"])
        #expect(Sparkline([0, 1, 8]).rows(glyphs: .unicode, height: 2) == ["  █", "▁▃█"], "1 of 8 is 2 of 14 steps: above the baseline")
        #expect(Sparkline([0, 4, 8]).rows(glyphs: .ascii, height: 2) == ["  #", "_##"])
        #expect(Sparkline([5]).rows(glyphs: .unicode, height: 1) == [Sparkline([5]).text(glyphs: .unicode)])
        var buffer = Buffer(width: 3, height: 3)
        Sparkline([2, 4, 6]).render(in: buffer.area, buffer: &buffer, style: .plain, theme: Theme(depth: .none, glyphs: .unicode))
        #expect((0..<3).map(buffer.line) == ["  █", " ██", "███"])
    }

    @Test("Render: the values that fit the row, left-aligned; nothing outside the area")
    func render() {
        var buffer = Buffer(width: 12, height: 2)
        let drawn = Sparkline([1, 2, 3, 4]).render(in: Rect(x: 2, y: 1, width: 6, height: 1), buffer: &buffer, style: .plain,
                                                   theme: Theme(depth: .none, glyphs: .unicode))
        #expect(drawn == 4 && buffer.line(1) == "  ▃▅▇█      " && buffer.line(0) == String(repeating: " ", count: 12))
        var narrow = Buffer(width: 3, height: 1)
        Sparkline([8, 0, 4, 8]).render(in: narrow.area, buffer: &narrow, style: .plain, theme: Theme(depth: .none, glyphs: .ascii))
        #expect(narrow.line(0) == "_-#")
    }

    @Test("FieldList: a one-row value keeps its spaces, sits beside its label when it fits, else under it from the left edge")
    func oneRowValues() {
        let theme = Theme(depth: .full, glyphs: .unicode)
        let chart = "▁▂  ▇█▁▂▃▄"
        let list = FieldList([Field("Spent", "$12.000"), Field("", chart, wraps: false)], minimumValueWidth: 4)
        var wide = Buffer(width: 24, height: 2)
        list.render(in: wide.area, buffer: &wide, labelStyle: .plain, theme: theme)
        #expect(wide.line(1) == "       " + chart + "       ", "beside, spaces kept")
        var narrow = Buffer(width: 14, height: 2)
        list.render(in: narrow.area, buffer: &narrow, labelStyle: .plain, theme: theme)
        #expect(narrow.line(1) == chart + "    ", "wider than the value column: from the left edge, not wrapped")
        let labelled = FieldList([Field("Chart", chart, wraps: false), Field("Much longer label", "x")])
        #expect(labelled.rows(width: 16).map(\.text).prefix(2) == ["", chart], "under its label when the row cannot hold both")
        #expect(labelled.rows(width: 16)[1].indent == 2)
    }
}
