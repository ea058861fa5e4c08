import TerminalUI

/// Billing's two columns of labelled values above its full-width lines (packs, portal), as wide
/// screens show them (SPEC §9). When the right column is longer than the rows it has and the left
/// one has room to spare, the right column's last fields continue under the left one, so nothing
/// is hidden that the screen could show.
struct BillingColumns {
    /// Left, gap, right.
    let columns: [Rect]
    /// The rows both columns have: what the full-width lines leave.
    let height: Int
    let left: [Field], right: [Field], spilled: [Field], bottom: [Field]
    private let inner: Rect

    /// The columns of `left` and `right` with `bottom` under them, in `inner`.
    init(left: [Field], right: [Field], bottom: [Field], in inner: Rect) {
        self.inner = inner
        columns = inner.split(columns: [.flex(1), .fixed(2), .flex(1)])
        height = max(0, inner.height - FieldList(bottom).height(width: inner.width))
        (self.left, self.bottom) = (left, bottom)
        var kept = right, spilled: [Field] = []
        // A field with an empty label continues the one above it: they move together.
        while Self.height(kept, columns[2]) > height, let last = kept.lastIndex(where: { !$0.label.isEmpty }), last > 0 {
            spilled = Array(kept[last...]) + spilled
            kept.removeSubrange(last...)
        }
        let fitsUnderLeft = Self.height(left, columns[0]) + 1 + Self.height(spilled, columns[0]) <= height
        (self.right, self.spilled) = fitsUnderLeft ? (kept, spilled) : (right, [])
    }

    /// Rows the left column takes, with what continues under it.
    var leftHeight: Int { Self.height(left, columns[0]) + (spilled.isEmpty ? 0 : 1 + Self.height(spilled, columns[0])) }

    /// Rows of the taller column.
    var usedHeight: Int { max(leftHeight, Self.height(right, columns[2])) }

    /// Whether everything shows (with a blank row above the full-width lines).
    var fits: Bool { usedHeight + 1 + FieldList(bottom).height(width: inner.width) <= inner.height }

    /// Draws the columns, then the full-width lines under the taller one.
    func render(in buffer: inout Buffer, labelStyle: Style, theme: Theme) {
        let shown = { (column: Rect) in Rect(x: column.x, y: column.y, width: column.width, height: min(column.height, height)) }
        FieldList(left).render(in: shown(columns[0]), buffer: &buffer, labelStyle: labelStyle, theme: theme)
        if !spilled.isEmpty {
            FieldList(spilled).render(in: shown(columns[0]).inset(top: Self.height(left, columns[0]) + 1), buffer: &buffer,
                                      labelStyle: labelStyle, theme: theme)
        }
        FieldList(right).render(in: shown(columns[2]), buffer: &buffer, labelStyle: labelStyle, theme: theme)
        FieldList(bottom).render(in: inner.inset(top: min(usedHeight + 1, height)), buffer: &buffer, labelStyle: labelStyle, theme: theme)
    }

    private static func height(_ fields: [Field], _ column: Rect) -> Int { FieldList(fields).height(width: column.width) }
}
