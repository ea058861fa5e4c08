/// How many colours the terminal can show.
public enum ColorDepth: String, Sendable, CaseIterable {
    /// 256-colour palette.
    case full = "256"
    /// The 8 ANSI colours.
    case ansi = "8"
    /// No colour at all (monochrome terminal or `NO_COLOR`): attributes only.
    case none
}

/// The characters used for borders, markers and arrows.
public struct Glyphs: Sendable, Hashable {
    /// True for the Unicode set, false for the 7-bit ASCII set.
    public let isUnicode: Bool
    /// Horizontal line, vertical line, and corners (top-left, top-right, bottom-left, bottom-right).
    public let horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    /// Sort markers in a table header.
    public let sortAscending, sortDescending: String
    /// Arrows for previous/next (date range) and for key hints.
    public let previous, next, up, down: String
    /// Marks a cut string.
    public let ellipsis: String
    /// Marks a selected (multi-select) row, and an unselected one.
    public let marked, unmarked: String
    /// Separates items on a line (tabs, footer).
    public let separator: String
    /// A sparkline's cells from low to high: the first for nothing (the baseline), then rising heights.
    public let sparkline: [String]

    /// Box drawing and arrows from Unicode.
    public static let unicode = Glyphs(
        isUnicode: true, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
        bottomRight: "┘", sortAscending: "▲", sortDescending: "▼", previous: "◀", next: "▶", up: "↑",
        down: "↓", ellipsis: "…", marked: "●", unmarked: " ", separator: "│",
        sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"])

    /// Plain 7-bit ASCII for terminals or locales without UTF-8.
    public static let ascii = Glyphs(
        isUnicode: false, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
        bottomRight: "+", sortAscending: "^", sortDescending: "v", previous: "<", next: ">", up: "Up",
        down: "Dn", ellipsis: "~", marked: "*", unmarked: " ", separator: "|",
        sparkline: ["_", ".", "-", "=", "#"])
}

/// A colour depth and glyph set plus the named, semantic styles widgets use.
public struct Theme: Sendable, Hashable {
    /// Colour depth the styles are made for.
    public let depth: ColorDepth
    /// Border and marker characters.
    public let glyphs: Glyphs

    /// Ordinary text.
    public var normal: Style
    /// Table headers and titles.
    public var header: Style
    /// Highlights: the active tab, key names in hints.
    public var accent: Style
    /// The selected (cursor) row or item.
    public var selected: Style
    /// Rows marked in a multi-selection.
    public var marked: Style
    /// Inactive or unavailable items.
    public var disabled: Style
    /// Healthy status (active, paid).
    public var statusGood: Style
    /// Needs attention (past due, low balance).
    public var statusWarning: Style
    /// Failure (suspended, error).
    public var statusBad: Style
    /// Money coming in.
    public var positiveAmount: Style
    /// Money going out.
    public var negativeAmount: Style
    /// Frames of dialogs and overlays.
    public var border: Style
    /// Inside of dialogs and overlays.
    public var panel: Style
    /// The status and footer lines.
    public var bar: Style

    /// The theme for a colour depth and glyph set.
    public init(depth: ColorDepth, glyphs: Glyphs) {
        self.depth = depth
        self.glyphs = glyphs
        func pick(_ full: Color, _ ansi: Color) -> Color {
            switch depth { case .full: full; case .ansi: ansi; case .none: .default }
        }
        normal = .plain
        header = Style(foreground: pick(.indexed(153), .cyan), bold: true)
        accent = Style(foreground: pick(.indexed(214), .yellow), bold: true)
        selected = depth == .none ? Style(reverse: true)
            : Style(foreground: pick(.indexed(231), .black), background: pick(.indexed(25), .cyan))
        marked = Style(foreground: pick(.indexed(220), .yellow), bold: true)
        disabled = Style(foreground: pick(.indexed(244), .default), dim: true)
        statusGood = Style(foreground: pick(.indexed(70), .green))
        statusWarning = Style(foreground: pick(.indexed(214), .yellow), bold: depth == .none)
        statusBad = Style(foreground: pick(.indexed(196), .red), bold: true)
        positiveAmount = Style(foreground: pick(.indexed(70), .green))
        negativeAmount = Style(foreground: pick(.indexed(203), .red), underline: depth == .none)
        border = Style(foreground: pick(.indexed(67), .blue))
        panel = .plain
        bar = depth == .none ? Style(reverse: true)
            : Style(foreground: pick(.indexed(252), .white), background: pick(.indexed(236), .blue))
    }

    /// Chooses depth and glyphs from what the terminal and environment report.
    ///
    /// - Parameters:
    ///   - colorCount: the terminal's colour count (curses `COLORS`; 0 or less when it has none).
    ///   - environment: process environment; a non-empty `NO_COLOR` turns colour off, and the first
    ///     set of `LC_ALL`, `LC_CTYPE`, `LANG` naming UTF-8 enables Unicode glyphs.
    ///   - codeset: the locale's character set (`nl_langinfo(CODESET)`), when known; "UTF-8" enables Unicode.
    public static func detect(colorCount: Int, environment: [String: String], codeset: String? = nil) -> Theme {
        let depth: ColorDepth
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { depth = .none }
        else if colorCount >= 256 { depth = .full }
        else if colorCount >= 8 { depth = .ansi }
        else { depth = .none }
        return Theme(depth: depth, glyphs: isUTF8(environment: environment, codeset: codeset) ? .unicode : .ascii)
    }

    /// True when the locale's character set is UTF-8.
    static func isUTF8(environment: [String: String], codeset: String?) -> Bool {
        func names(_ s: String) -> Bool {
            let lower = s.lowercased()
            return lower.contains("utf-8") || lower.contains("utf8")
        }
        if let codeset, !codeset.isEmpty { return names(codeset) }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return locale.map(names) ?? false
    }
}
