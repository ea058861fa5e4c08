/// One labelled line of a ``FieldList``: a label, its value and the value's style.
public struct Field: Sendable, Hashable {
    /// Shown in the label column (may be empty: the value continues the field above).
    public var label: String
    /// The value; wrapped at spaces, never cut inside a figure.
    public var value: String
    /// The value's style.
    public var style: Style
    /// False for a value kept whole on one row (a chart such as a ``Sparkline``): its spaces stay,
    /// and a value wider than its column goes under its label instead of wrapping.
    public var wraps: Bool

    /// Creates a field.
    public init(_ label: String, _ value: String, style: Style = .plain, wraps: Bool = true) {
        (self.label, self.value, self.style, self.wraps) = (label, value, style, wraps)
    }
}

/// Labelled values in two columns that wrap and reflow before anything is cut.
///
/// A value too long for its column wraps at spaces onto the next rows; when the value column would
/// be narrower than ``minimumValueWidth`` each value follows its own label when the row holds both,
/// and goes under it otherwise. A figure
/// (``DisplayWidth/isFigure(_:)``) is never split over rows nor cut: too wide for a row, it becomes `…`.
/// A field that does not wrap (``Field/wraps``) keeps its value on one row: beside its label when
/// it fits there, else under it (from the list's left edge when the label is empty), cut only when
/// it is wider than the list.
/// When the rows do not fit the height, the last row says how many are left unseen.
public struct FieldList: Sendable {
    /// The fields, top to bottom.
    public var fields: [Field]
    /// Widest label column (longer labels are cut with `…`).
    public var maximumLabelWidth: Int
    /// Narrowest value column beside the labels before values move under them.
    public var minimumValueWidth: Int

    /// Creates a list.
    public init(_ fields: [Field], maximumLabelWidth: Int = 18, minimumValueWidth: Int = 16) {
        (self.fields, self.maximumLabelWidth, self.minimumValueWidth) = (fields, maximumLabelWidth, minimumValueWidth)
    }

    /// One laid-out row: a label (on a field's first row) and a piece of its value.
    public struct Row: Sendable, Hashable {
        /// The field's label on its first row, empty on the rows its value wraps onto.
        public var label: String
        /// This row's piece of the value.
        public var text: String
        /// The column the piece starts at (the label column's width and its gap, or 2 under a label).
        public var indent: Int
        /// The value's style.
        public var style: Style
    }

    /// The rows the fields take at `width`.
    public func rows(width: Int) -> [Row] {
        let labelWidth = min(maximumLabelWidth, fields.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let beside = width - labelWidth - 2 >= minimumValueWidth
        var rows: [Row] = []
        for field in fields {
            if !field.wraps {
                rows += whole(field, column: beside ? labelWidth + 2 : nil, width: width)
            } else if beside {
                let pieces = TextWrap.lines(field.value, width: width - labelWidth - 2)
                for (k, piece) in pieces.enumerated() {
                    rows.append(Row(label: k == 0 ? field.label : "", text: piece, indent: labelWidth + 2, style: field.style))
                }
            } else if !field.label.isEmpty, DisplayWidth.of(field.label) + 2 + DisplayWidth.of(Sanitizer.clean(field.value)) <= width {
                rows.append(Row(label: field.label, text: field.value, indent: DisplayWidth.of(field.label) + 2, style: field.style))
            } else {
                if !field.label.isEmpty { rows.append(Row(label: field.label, text: "", indent: 0, style: field.style)) }
                let indent = field.label.isEmpty ? 0 : min(2, max(0, width - 1))
                for piece in TextWrap.lines(field.value, width: width - indent) where !piece.isEmpty || field.label.isEmpty {
                    rows.append(Row(label: "", text: piece, indent: indent, style: field.style))
                }
            }
        }
        return rows
    }

    /// The rows of a field kept whole: beside its label at `column` (nil: no value column) when it
    /// fits, else under the label — indented 2 when that still fits, from the left edge otherwise.
    private func whole(_ field: Field, column: Int?, width: Int) -> [Row] {
        let valueWidth = DisplayWidth.of(Sanitizer.clean(field.value))
        let labelWidth = DisplayWidth.of(field.label)
        if let column, valueWidth <= width - column { return [Row(label: field.label, text: field.value, indent: column, style: field.style)] }
        if column == nil, !field.label.isEmpty, labelWidth + 2 + valueWidth <= width {
            return [Row(label: field.label, text: field.value, indent: labelWidth + 2, style: field.style)]
        }
        let under = Row(label: "", text: field.value, indent: !field.label.isEmpty && valueWidth + 2 <= width ? 2 : 0, style: field.style)
        return field.label.isEmpty ? [under] : [Row(label: field.label, text: "", indent: 0, style: field.style), under]
    }

    /// Height the fields take at `width`.
    public func height(width: Int) -> Int { rows(width: width).count }

    /// Draws the fields from the top of `area`; returns the number of rows drawn.
    @discardableResult
    public func render(in area: Rect, buffer: inout Buffer, labelStyle: Style, theme: Theme) -> Int {
        guard !area.isEmpty else { return 0 }
        let all = rows(width: area.width)
        let fits = all.count <= area.height
        let shown = fits ? all.count : area.height - 1
        for (index, row) in all.prefix(shown).enumerated() {
            let line = area.row(index)
            let labelWidth = max(0, min(row.indent - 2, line.width))
            if !row.label.isEmpty {
                buffer.write(row.label, in: Rect(x: line.x, y: line.y, width: row.indent == 0 ? line.width : labelWidth, height: 1), style: labelStyle)
            }
            if !row.text.isEmpty { buffer.write(row.text, in: line.inset(left: row.indent), style: row.style) }
        }
        if !fits {
            let more = "\(theme.glyphs.ellipsis) \(all.count - shown) more line\(all.count - shown == 1 ? "" : "s") below"
            let hint = more + ": a taller window shows them"
            buffer.write(DisplayWidth.of(hint) <= area.width ? hint : more, in: area.row(area.height - 1), style: theme.disabled)
        }
        return fits ? all.count : area.height
    }
}
