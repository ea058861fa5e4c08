/// A framed panel with an optional title, used by dialogs and overlays.
public enum Box {
    /// Clears `rect` with the panel style, draws its frame and title, and returns the inner area.
    @discardableResult
    public static func draw(_ rect: Rect, title: String = "", buffer: inout Buffer, theme: Theme) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { buffer.fill(rect, style: theme.panel); return Rect(width: 0, height: 0) }
        let g = theme.glyphs
        buffer.fill(rect, style: theme.panel)
        let inner = String(repeating: g.horizontal, count: rect.width - 2)
        buffer.write(g.topLeft + inner + g.topRight, x: rect.x, y: rect.y, style: theme.border, clip: rect)
        buffer.write(g.bottomLeft + inner + g.bottomRight, x: rect.x, y: rect.maxY - 1, style: theme.border, clip: rect)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            buffer.write(g.vertical, x: rect.x, y: y, style: theme.border)
            buffer.write(g.vertical, x: rect.maxX - 1, y: y, style: theme.border)
        }
        if !title.isEmpty, rect.width > 4 {
            let label = " " + DisplayWidth.truncate(Sanitizer.clean(title), to: rect.width - 4, ellipsis: g.ellipsis) + " "
            buffer.write(label, x: rect.x + 1, y: rect.y, style: theme.header, clip: rect)
        }
        return rect.inset(by: 1)
    }
}

/// Word wrapping by display width.
public enum TextWrap {
    /// The sanitised text broken into lines of at most `width` columns. A long word is split over
    /// lines; a figure (``DisplayWidth/isFigure(_:)``) is never split: too wide for a line, it becomes `…`.
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in Sanitizer.clean(text).split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            if DisplayWidth.of(word) > width, DisplayWidth.isFigure(word) { word = Buffer.ellipsis }
            let candidate = current.isEmpty ? word : current + " " + word
            if DisplayWidth.of(candidate) <= width { current = candidate; continue }
            if !current.isEmpty { lines.append(current) }
            while DisplayWidth.of(word) > width {
                let head = DisplayWidth.prefix(word, fitting: width).text
                if head.isEmpty { break }
                lines.append(String(head))
                word = String(word.dropFirst(head.count))
            }
            current = word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
