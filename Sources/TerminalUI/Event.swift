/// A key press, decoded from the terminal.
public enum Key: Sendable, Hashable {
    /// A printable character (already sanitised: never a control).
    case char(Character)
    /// Control plus a letter, e.g. `.ctrl("s")` for Ctrl-S (letters are lowercase).
    case ctrl(Character)
    /// Function key F1–F24.
    case function(Int)
    /// Arrow keys.
    case up, down, left, right
    /// Paging and line-end keys.
    case pageUp, pageDown, home, end
    /// Tab and Shift-Tab.
    case tab, backTab
    /// Enter/Return, Escape, Backspace, Delete and Insert.
    case enter, escape, backspace, delete, insert

    /// A short name for hints and help: "q", "^S", "F1", "PgDn", "Enter" (arrows depend on glyphs).
    public func name(glyphs: Glyphs = .ascii) -> String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "^" + String(c).uppercased()
        case .function(let n): "F\(n)"
        case .up: glyphs.isUnicode ? "↑" : "Up"
        case .down: glyphs.isUnicode ? "↓" : "Down"
        case .left: glyphs.isUnicode ? "←" : "Left"
        case .right: glyphs.isUnicode ? "→" : "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .insert: "Ins"
        }
    }
}

/// A mouse report.
public struct Mouse: Sendable, Hashable {
    /// What happened.
    public enum Action: Sendable, Hashable {
        /// A left click (press).
        case click
        /// A right click (press).
        case rightClick
        /// The wheel turned up (scroll back).
        case wheelUp
        /// The wheel turned down (scroll forward).
        case wheelDown
    }
    /// What happened.
    public var action: Action
    /// Where, in screen cells.
    public var position: Point
    /// Creates a mouse report.
    public init(_ action: Action, at position: Point) { self.action = action; self.position = position }
}

/// Everything a terminal can report to the application loop.
public enum Event: Sendable, Hashable {
    /// A key was pressed.
    case key(Key)
    /// A mouse click or wheel turn.
    case mouse(Mouse)
    /// The terminal now has this size (columns, rows).
    case resize(width: Int, height: Int)
    /// No input arrived within the tick interval; refresh live data.
    case tick
}
