/// A terminal colour: the terminal's default, or an entry of its palette.
///
/// Indices 0–7 are the ANSI colours every colour terminal has; 8–255 exist only on
/// 256-colour terminals. ``Theme`` picks colours the detected terminal can show.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    /// A palette index (0–255).
    case indexed(UInt8)

    /// ANSI black (0).
    public static let black = Color.indexed(0)
    /// ANSI red (1).
    public static let red = Color.indexed(1)
    /// ANSI green (2).
    public static let green = Color.indexed(2)
    /// ANSI yellow (3).
    public static let yellow = Color.indexed(3)
    /// ANSI blue (4).
    public static let blue = Color.indexed(4)
    /// ANSI magenta (5).
    public static let magenta = Color.indexed(5)
    /// ANSI cyan (6).
    public static let cyan = Color.indexed(6)
    /// ANSI white (7).
    public static let white = Color.indexed(7)
}

/// How a cell is drawn: colours and attributes.
public struct Style: Sendable, Hashable {
    /// Text colour.
    public var foreground: Color
    /// Cell background colour.
    public var background: Color
    /// Bold (bright) text.
    public var bold: Bool
    /// Swapped foreground and background.
    public var reverse: Bool
    /// Faint text.
    public var dim: Bool
    /// Underlined text.
    public var underline: Bool

    /// Creates a style; every part defaults to "plain".
    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false,
                reverse: Bool = false, dim: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    /// The terminal's default look.
    public static let plain = Style()

    /// This style with the attributes of `other` added and its non-default colours taking over.
    public func patched(with other: Style) -> Style {
        Style(foreground: other.foreground == .default ? foreground : other.foreground,
              background: other.background == .default ? background : other.background,
              bold: bold || other.bold, reverse: reverse || other.reverse,
              dim: dim || other.dim, underline: underline || other.underline)
    }
}

/// One screen position: a grapheme and its style.
///
/// A wide grapheme (two columns) occupies its own cell and marks the next cell as a
/// continuation, which holds nothing and is never drawn on its own.
public struct Cell: Sendable, Hashable {
    /// The grapheme drawn here (a space for an empty cell).
    public var grapheme: Character
    /// How the grapheme is drawn.
    public var style: Style
    /// True when this cell is the right half of a wide grapheme to its left.
    public var isContinuation: Bool

    /// Creates a cell.
    public init(_ grapheme: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.grapheme = grapheme
        self.style = style
        self.isContinuation = isContinuation
    }

    /// An empty cell with the given style.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", style: style) }
}
