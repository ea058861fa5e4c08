/// A column chart with an optional line drawn over it on a scale of its own: one bar per value
/// (values grouped into columns when there are more than fit), heights in eighths of a cell with
/// block characters (`#` in ASCII), and the line as a distinct glyph (`━`, ASCII `=`), so the two
/// read apart without colour. Labels are the application's: the widget knows no units.
public struct BarChart: Sendable {
    /// The bars' values (zero or more), oldest first.
    public var values: [Double]
    /// The line's values, one per bar (nil: no point there); empty for no line.
    public var line: [Double?]
    /// Writes a value of either scale as its label (the tallest column's, the line's highest and lowest).
    public var format: @Sendable (Double) -> String
    /// The labels under the first and the last bar.
    public var firstLabel: String, lastLabel: String

    /// A chart of `values` with `line` over it, values labelled by `format`.
    public init(values: [Double], line: [Double?] = [], format: @escaping @Sendable (Double) -> String = { "\(Int($0))" },
                firstLabel: String = "", lastLabel: String = "") {
        (self.values, self.line, self.format, self.firstLabel, self.lastLabel) = (values, line, format, firstLabel, lastLabel)
    }

    /// A bar: the values it adds up and the columns it takes (from the plot's left edge).
    struct Group: Equatable {
        let values: Range<Int>
        let columns: Range<Int>
    }

    /// How `count` values map onto `width` columns: one value a bar, the bars sharing the width
    /// as evenly as whole columns allow; or, when there are more values than columns, as many
    /// values a bar as it takes to fit, one column each.
    static func groups(count: Int, width: Int) -> [Group] {
        guard count > 0, width > 0 else { return [] }
        if count <= width {
            return (0..<count).map { Group(values: $0..<($0 + 1), columns: ($0 * width / count)..<(($0 + 1) * width / count)) }
        }
        let per = (count + width - 1) / width
        return stride(from: 0, to: count, by: per).enumerated().map { Group(values: $1..<min(count, $1 + per), columns: $0..<($0 + 1)) }
    }

    /// Draws the chart in `rect`: scales left and right, the plot, the labels on the last row.
    public func render(in rect: Rect, buffer: inout Buffer, theme: Theme) {
        guard rect.height >= 2, rect.width >= 8 else { return }
        let unicode = theme.glyphs.isUnicode
        let points = line.compactMap { $0 }
        let (low, high) = (points.min(), points.max())
        let lineLabels = [high, low].compactMap { $0.map(format) }
        // The scales' widths are those of their labels at the widest grouping (a column per value or fewer).
        let estimate = Self.groups(count: values.count, width: max(1, rect.width - 16))
        let widest = estimate.map { $0.values.reduce(0.0) { $0 + max(0, values[$1]) } }.max() ?? 0
        let left = min(rect.width / 4, DisplayWidth.of(format(widest)) + 1)
        let right = lineLabels.isEmpty ? 0 : min(rect.width / 4, (lineLabels.map(DisplayWidth.of).max() ?? 0) + 1)
        let room = max(0, rect.width - left - right)
        let groups = Self.groups(count: values.count, width: room)
        // The plot ends with its last bar, so the last label and the line's scale stand by it.
        let plot = Rect(x: rect.x + left, y: rect.y, width: min(room, max(1, groups.last?.columns.upperBound ?? 1)), height: rect.height - 1)
        guard plot.width > 0, plot.height > 0 else { return }
        let sums = groups.map { $0.values.reduce(0.0) { $0 + max(0, values[$1]) } }
        let top = sums.max() ?? 0
        buffer.write(format(top), in: Rect(x: rect.x, y: plot.y, width: left - 1, height: 1), style: theme.disabled, alignment: .right)
        buffer.write(format(0), in: Rect(x: rect.x, y: plot.maxY - 1, width: left - 1, height: 1), style: theme.disabled, alignment: .right)
        if let high, let low {
            let column = Rect(x: plot.maxX + 1, y: plot.y, width: right - 1, height: 1)
            buffer.write(format(high), in: column, style: theme.accent)
            if plot.height > 1 { buffer.write(format(low), in: Rect(x: column.x, y: plot.maxY - 1, width: column.width, height: 1), style: theme.accent) }
        }
        let gap = (groups.map(\.columns.count).min() ?? 0) >= 3 ? 1 : 0 // bars apart when every bar is wide enough
        for (index, sum) in sums.enumerated() where top > 0 && sum > 0 {
            let eighths = max(1, Int((sum / top * Double(plot.height * 8)).rounded()))
            for x in plot.x + groups[index].columns.lowerBound..<plot.x + groups[index].columns.upperBound - gap {
                bar(eighths, x: x, plot: plot, unicode: unicode, buffer: &buffer, style: theme.header)
            }
        }
        if !points.isEmpty { drawLine(groups, gap: gap, plot: plot, unicode: unicode, buffer: &buffer, theme: theme) }
        let labels = Rect(x: plot.x, y: rect.maxY - 1, width: plot.width, height: 1)
        buffer.write(firstLabel, in: labels, style: theme.disabled)
        let lastWidth = DisplayWidth.of(lastLabel)
        if DisplayWidth.of(firstLabel) + lastWidth + 2 <= plot.width {
            buffer.write(lastLabel, x: labels.maxX - lastWidth, y: labels.y, style: theme.disabled, clip: labels)
        }
    }

    /// One column of a bar, `eighths` high from the bottom of the plot.
    private func bar(_ eighths: Int, x: Int, plot: Rect, unicode: Bool, buffer: inout Buffer, style: Style) {
        let full = eighths / 8, rest = eighths % 8
        for row in 0..<min(full, plot.height) {
            buffer.write(unicode ? "█" : "#", x: x, y: plot.maxY - 1 - row, style: style)
        }
        guard rest > 0, full < plot.height else { return }
        let glyph: String = unicode ? Glyphs.unicode.sparkline[rest - 1] : (rest >= 4 || full == 0 ? (rest >= 4 ? "#" : "_") : "")
        if !glyph.isEmpty { buffer.write(glyph, x: x, y: plot.maxY - 1 - full, style: style) }
    }

    /// The line: in each column, a mark at the height of the group's last point on its own scale.
    private func drawLine(_ groups: [Group], gap: Int, plot: Rect, unicode: Bool, buffer: inout Buffer, theme: Theme) {
        let points = groups.map { group in group.values.reversed().lazy.compactMap { line.indices.contains($0) ? line[$0] : nil }.first }
        let known = points.compactMap { $0 }
        guard let low = known.min(), let high = known.max() else { return }
        for (index, point) in points.enumerated() {
            guard let point else { continue }
            let level = high > low ? Int(((point - low) / (high - low) * Double(plot.height - 1)).rounded()) : plot.height - 1
            let y = plot.maxY - 1 - level
            for x in plot.x + groups[index].columns.lowerBound..<plot.x + groups[index].columns.upperBound - gap {
                buffer.write(unicode ? "━" : "=", x: x, y: y, style: theme.accent)
            }
        }
    }
}

/// A horizontal meter: a fraction of a width filled with eighth blocks (`#` in ASCII), the rest
/// with a light shade (`.`), for shares and limits.
public enum Meter {
    private static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    /// The meter's text for `fraction` (0…1, clamped) over `width` columns.
    public static func text(_ fraction: Double, width: Int, unicode: Bool) -> String {
        guard width > 0 else { return "" }
        let share = min(1, max(0, fraction.isFinite ? fraction : 0))
        let total = Int((share * Double(width * 8)).rounded())
        let full = total / 8, rest = total % 8
        var text = String(repeating: unicode ? "█" : "#", count: full)
        if rest > 0, full < width { text += unicode ? String(eighths[rest - 1]) : (rest >= 4 ? "#" : "") }
        if share > 0, text.isEmpty { text = unicode ? "▏" : "#" } // anything at all shows
        return text + String(repeating: unicode ? "░" : ".", count: max(0, width - DisplayWidth.of(text)))
    }
}
