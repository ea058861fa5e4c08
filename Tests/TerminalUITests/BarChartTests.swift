import Testing
@testable import TerminalUI

/// SPEC §9 (issue #18.1): the Spending tab's chart and meters — heights in eighths, values grouped
/// when they do not fit, the line apart from the bars by its glyph, ASCII in the fallback.
@Suite struct BarChartTests {
    let unicode = Theme(depth: .none, glyphs: .unicode)
    let ascii = Theme(depth: .none, glyphs: .ascii)

    func draw(_ chart: BarChart, width: Int, height: Int, theme: Theme) -> [String] {
        var buffer = Buffer(width: width, height: height)
        chart.render(in: buffer.area, buffer: &buffer, theme: theme)
        return (0..<height).map { buffer.line($0) }
    }

    @Test("Values group into columns only when there are more than fit; otherwise the bars share the width evenly")
    func grouping() {
        let even = BarChart.groups(count: 31, width: 93)
        #expect(even.count == 31 && even.allSatisfy { $0.values.count == 1 && $0.columns.count == 3 } && even.last?.columns.upperBound == 93)
        let uneven = BarChart.groups(count: 31, width: 59)
        #expect(Set(uneven.map(\.columns.count)) == [1, 2] && uneven.last?.columns.upperBound == 59, "1 or 2 columns each, the width filled")
        #expect(zip(uneven, uneven.dropFirst()).allSatisfy { $0.columns.upperBound == $1.columns.lowerBound })
        let grouped = BarChart.groups(count: 365, width: 60)
        #expect(grouped.count <= 60 && grouped.map(\.values.count).reduce(0, +) == 365 && grouped.allSatisfy { $0.columns.count == 1 })
        #expect(BarChart.groups(count: 0, width: 10).isEmpty)
    }

    @Test("Bars rise in eighths of a cell from the bottom; the tallest fills the plot, a sliver still shows, zero shows nothing")
    func heights() {
        let chart = BarChart(values: [8, 4, 0.01, 0], firstLabel: "a", lastLabel: "b")
        let lines = draw(chart, width: 15, height: 3, theme: unicode) // 2 plot rows, labels below; 3 columns a value
        #expect(lines[0] == " 8 ██          ", "\(lines)")
        #expect(lines[1] == " 0 ██ ██ ▁▁    ", "\(lines)")
        #expect(lines[2] == "   a          b")
        #expect(draw(chart, width: 15, height: 3, theme: ascii)[1] == " 0 ## ## __    ")
        #expect(draw(chart, width: 14, height: 3, theme: unicode)[1] == " 0 █████▁▁▁   ", "2 or 3 columns a value: no gap")
    }

    @Test("The line is drawn over the bars on its own scale, labelled at its highest and lowest, with its own glyph")
    func line() {
        let chart = BarChart(values: [1, 1, 1], line: [300, 200, 100], format: { "\(Int($0))" })
        let lines = draw(chart, width: 20, height: 4, theme: unicode)
        #expect(lines[0].contains("━━━") && lines[0].contains("300"), "\(lines)")
        #expect(lines[2].contains("━━━") && lines[2].contains("100"), "\(lines)")
        let at = lines.prefix(3).map { line in line.distance(from: line.startIndex, to: line.firstIndex(of: "━")!) }
        #expect(at[0] < at[1] && at[1] < at[2], "300, 200, 100 from left to right, top to bottom: \(lines)")
        #expect(draw(chart, width: 20, height: 4, theme: ascii)[0].contains("==="))
    }

    @Test("A meter fills its share in eighths and shades the rest; anything above zero shows")
    func meters() {
        #expect(Meter.text(0.5, width: 8, unicode: true) == "████░░░░")
        #expect(Meter.text(0.0625, width: 8, unicode: true) == "▌░░░░░░░")
        #expect(Meter.text(0.001, width: 8, unicode: true) == "▏░░░░░░░")
        #expect(Meter.text(2, width: 4, unicode: false) == "####")
        #expect(Meter.text(0, width: 4, unicode: false) == "....")
    }
}
