/// A small chart: one cell per value, as tall as the value is against the largest (SPEC §9); one row
/// or several.
///
/// Heights come from the theme's glyph set (``Glyphs/sparkline``: block characters, or ASCII in the
/// fallback): a value of zero or less sits on the baseline, and any value above zero rises at least
/// one step above it, so the shape never depends on colour. Integer arithmetic only.
public struct Sparkline: Sendable, Hashable {
    /// The values, oldest (leftmost) first.
    public var values: [Int64]

    /// A sparkline of `values`.
    public init(_ values: [Int64]) { self.values = values }

    /// Each value's step: 0 for zero or less, else 1 through `steps` in proportion to the largest
    /// value, rounded up (the largest is always `steps`).
    public static func levels(_ values: [Int64], steps: Int) -> [Int] {
        let peak = values.max() ?? 0
        guard peak > 0, steps > 0 else { return values.map { _ in 0 } }
        return values.map { value in
            guard value > 0 else { return 0 }
            let (high, low) = value.multipliedFullWidth(by: Int64(steps))
            let (quotient, remainder) = peak.dividingFullWidth((high, low))
            return Int(quotient) + (remainder > 0 ? 1 : 0)
        }
    }

    /// The chart as text in `glyphs`, `height` rows top to bottom, one cell a value: each row adds
    /// the ramp's steps above the row below (a blank where a value does not reach); when `width` is
    /// smaller than the count, only the last `width` values (the most recent), scaled among themselves.
    public func rows(glyphs: Glyphs, height: Int = 1, width: Int? = nil) -> [String] {
        let ramp = glyphs.sparkline, steps = ramp.count - 1
        guard height > 0, steps > 0 else { return [] }
        let shown = width.map { Array(values.suffix(max(0, $0))) } ?? values
        let levels = Self.levels(shown, steps: steps * height)
        return (0..<height).reversed().map { row in
            levels.map { level in
                let fill = level - row * steps
                return fill > 0 ? ramp[min(fill, steps)] : row == 0 ? ramp[0] : " "
            }.joined()
        }
    }

    /// The chart on one row (``rows(glyphs:height:width:)``).
    public func text(glyphs: Glyphs, width: Int? = nil) -> String { rows(glyphs: glyphs, width: width).first ?? "" }

    /// Draws the values that fit `area`, as tall as the area, left-aligned; returns the columns drawn.
    @discardableResult
    public func render(in area: Rect, buffer: inout Buffer, style: Style, theme: Theme) -> Int {
        guard !area.isEmpty else { return 0 }
        for (index, row) in rows(glyphs: theme.glyphs, height: area.height, width: area.width).enumerated() {
            buffer.write(row, x: area.x, y: area.y + index, style: style, clip: area.row(index))
        }
        return min(area.width, values.count)
    }
}
