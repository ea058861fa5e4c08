/// The bottom line of key hints, generated from a ``Keymap``.
///
/// It shows the footer bindings in keymap order. When they do not all fit, the pinned ones
/// (the ways out: help, quit, cancel) are always kept, enabled hints are kept before disabled
/// ones, and an ellipsis marks that some were left out (help lists them all). Disabled hints
/// are drawn dimmed.
public enum Footer {
    /// Draws the footer bindings' hints ("q Quit  / Search") in the first row of `rect`.
    public static func render<Action>(in rect: Rect, buffer: inout Buffer, keymap: Keymap<Action>, theme: Theme) {
        guard !rect.isEmpty else { return }
        let line = rect.row(0)
        buffer.fill(line, style: theme.bar)
        let hints = keymap.bindings.filter(\.inFooter)
        let labels = hints.map { $0.hintLabel(glyphs: theme.glyphs) }
        let shown = fit(hints, labels: labels, width: line.width - 1, marker: theme.glyphs.ellipsis)
        var x = line.x + 1
        func draw(_ index: Int) {
            let dim = hints[index].disabled != nil
            let keyStyle = theme.bar.patched(with: dim ? theme.disabled : theme.accent)
            x = buffer.write(labels[index], x: x, y: line.y, style: keyStyle, clip: line)
            x = buffer.write(" " + hints[index].hintText, x: x, y: line.y, style: dim ? theme.bar.patched(with: theme.disabled) : theme.bar,
                             clip: line) + 2
        }
        hints.indices.filter { !hints[$0].pinned && shown.contains($0) }.forEach(draw)
        if shown.count < hints.count {
            x = buffer.write(theme.glyphs.ellipsis, x: x, y: line.y, style: theme.bar.patched(with: theme.disabled), clip: line) + 2
        }
        hints.indices.filter { hints[$0].pinned && shown.contains($0) }.forEach(draw)
    }

    /// The hints that fit in `width` columns: all of them, or the pinned ones, then enabled ones,
    /// then disabled ones, in keymap order, leaving room for the marker.
    static func fit<Action>(_ hints: [KeyBinding<Action>], labels: [String], width: Int, marker: String) -> Set<Int> {
        let widths = hints.indices.map { DisplayWidth.of(labels[$0]) + 1 + DisplayWidth.of(hints[$0].hintText) + 2 }
        if widths.reduce(0, +) - 2 <= width { return Set(hints.indices) }
        var room = width - DisplayWidth.of(marker)
        var shown = Set<Int>()
        let passes: [(KeyBinding<Action>) -> Bool] = [{ $0.pinned }, { $0.disabled == nil }, { _ in true }]
        for pass in passes {
            for index in hints.indices where !shown.contains(index) && pass(hints[index]) && widths[index] <= room {
                shown.insert(index)
                room -= widths[index]
            }
        }
        return shown
    }
}
