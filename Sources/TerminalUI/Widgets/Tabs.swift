/// A row of tab titles with one selected; the selected index is kept by the application.
public struct Tabs: Sendable {
    /// Tab titles in order.
    public var titles: [String]

    /// Creates tabs.
    public init(_ titles: [String]) { self.titles = titles }

    /// Draws the titles, scrolled so the selected one is visible.
    public func render(in rect: Rect, buffer: inout Buffer, selected: Int, theme: Theme) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect.row(0), style: theme.normal)
        let first = firstVisible(width: rect.width, selected: selected)
        var x = rect.x
        for i in first..<titles.count {
            if i > first { x = buffer.write(theme.glyphs.separator, x: x, y: rect.y, style: theme.border, clip: rect) }
            x = buffer.write(label(i), x: x, y: rect.y, style: i == selected ? theme.selected : theme.normal, clip: rect)
        }
    }

    /// The tab under a screen point, if any.
    public func index(at point: Point, in rect: Rect, selected: Int) -> Int? {
        guard point.y == rect.y, rect.contains(point) else { return nil }
        var x = rect.x
        let first = firstVisible(width: rect.width, selected: selected)
        for i in first..<titles.count {
            let w = DisplayWidth.of(label(i))
            if point.x >= x && point.x < x + w { return i }
            x += w + 1
        }
        return nil
    }

    private func label(_ i: Int) -> String { " " + Sanitizer.clean(titles[i]) + " " }

    private func firstVisible(width: Int, selected: Int) -> Int {
        guard !titles.isEmpty else { return 0 }
        let last = min(max(0, selected), titles.count - 1)
        var first = 0
        while first < last,
              (first...last).reduce(0, { $0 + DisplayWidth.of(label($1)) + 1 }) - 1 > width { first += 1 }
        return first
    }
}

/// A one-line status message with a severity, plus optional right-aligned text.
public struct StatusLine: Sendable, Hashable {
    /// How the message is coloured.
    public enum Level: Sendable, Hashable {
        /// Neutral information.
        case info
        /// Something succeeded.
        case success
        /// Needs attention.
        case warning
        /// Something failed.
        case error
    }
    /// Message on the left.
    public var message: String
    /// Severity of the message.
    public var level: Level
    /// Text on the right (e.g. a clock or a row count).
    public var trailing: String

    /// Creates a status line.
    public init(_ message: String = "", level: Level = .info, trailing: String = "") {
        self.message = message
        self.level = level
        self.trailing = trailing
    }

    /// Draws the line; the trailing text wins space over the message.
    public func render(in rect: Rect, buffer: inout Buffer, theme: Theme) {
        guard !rect.isEmpty else { return }
        let line = rect.row(0)
        buffer.fill(line, style: theme.bar)
        let right = DisplayWidth.truncate(Sanitizer.clean(trailing), to: max(0, line.width - 2))
        let rightWidth = DisplayWidth.of(right)
        if rightWidth > 0 {
            buffer.write(right, x: line.maxX - 1 - rightWidth, y: line.y, style: theme.bar, clip: line)
        }
        let style: Style = switch level {
        case .info: theme.bar
        case .success: theme.bar.patched(with: Style(foreground: theme.statusGood.foreground, bold: true))
        case .warning: theme.bar.patched(with: Style(foreground: theme.statusWarning.foreground, bold: true))
        case .error: theme.bar.patched(with: Style(foreground: theme.statusBad.foreground, bold: true))
        }
        let room = max(0, line.width - 2 - (rightWidth > 0 ? rightWidth + 2 : 0))
        // Errors and warnings carry a mark as well as a colour, so they read as such without colour.
        let mark = message.isEmpty ? "" : level == .error ? (theme.glyphs.isUnicode ? "✗ " : "x ") : level == .warning ? "! " : ""
        let text = DisplayWidth.truncate(mark + Sanitizer.clean(message), to: room, ellipsis: theme.glyphs.ellipsis)
        buffer.write(text, x: line.x + 1, y: line.y, style: style, clip: line)
    }
}
