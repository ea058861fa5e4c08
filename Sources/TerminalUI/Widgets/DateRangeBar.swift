/// What the user asked a ``DateRangeBar`` to do; the application does the date arithmetic.
public enum DateRangeAction: Sendable, Hashable {
    /// Move the range one period back.
    case previous
    /// Move the range one period forward.
    case next
    /// Apply the quick pick at this index.
    case pick(Int)
    /// Apply a custom range typed by the user (text as entered).
    case custom(from: String, to: String)
}

/// The state of a ``DateRangeBar``: the labels shown, the active quick pick and any custom entry.
public struct DateRangeBarState: Sendable, Hashable {
    /// Label of the range start (already formatted by the application).
    public var from: String
    /// Label of the range end.
    public var to: String
    /// Shown instead of the two labels when set: a range without ends, such as "All time".
    public var name: String?
    /// Shorter labels of the two ends, shown when the full ones would leave no room for the note
    /// (the filters): the same range, fewer characters (say, without the year).
    public var shortFrom: String?
    /// The shorter label of the end (see ``shortFrom``).
    public var shortTo: String?
    /// The quick pick the current range came from, or nil for a custom range.
    public var activePick: Int?
    /// The quick pick the cursor is on.
    public var focusedPick: Int
    /// The custom-range editor, while open.
    public var editor: Editor?

    /// Two text fields for a custom range and which one has focus.
    public struct Editor: Sendable, Hashable {
        /// Start text.
        public var from: TextFieldState
        /// End text.
        public var to: TextFieldState
        /// True while the end field has focus.
        public var editingTo: Bool
    }

    /// Creates a state showing `from`–`to`, or `name` in their place.
    public init(from: String, to: String, name: String? = nil, activePick: Int? = nil) {
        self.from = from
        self.to = to
        self.name = name
        self.activePick = activePick
        self.focusedPick = activePick ?? 0
    }

    /// Handles a key while the bar has focus; returns an action for the application to apply.
    ///
    /// `[`/`]` or PgUp/PgDn step a period, ←/→ move between quick picks, Enter applies one,
    /// `c` opens the custom editor (Tab switches field, Enter applies, Esc closes).
    public mutating func handle(_ key: Key, pickCount: Int) -> DateRangeAction? {
        if var e = editor {
            defer { if editor != nil { editor = e } }
            switch key {
            case .escape: editor = nil
            case .tab, .backTab: e.editingTo.toggle()
            case .enter:
                editor = nil
                return .custom(from: e.from.text, to: e.to.text)
            default:
                _ = e.editingTo ? e.to.handle(key) : e.from.handle(key)
            }
            return nil
        }
        switch key {
        case .char("["), .pageUp: return .previous
        case .char("]"), .pageDown: return .next
        case .left: focusedPick = max(0, focusedPick - 1)
        case .right: focusedPick = min(max(0, pickCount - 1), focusedPick + 1)
        case .enter where pickCount > 0: return .pick(focusedPick)
        case .char("c"): editor = Editor(from: TextFieldState(from), to: TextFieldState(to), editingTo: false)
        default: break
        }
        return nil
    }
}

/// A bar showing a date range with previous/next arrows and named quick picks.
///
/// It is generic: it shows the labels and names it is given and reports what the user chose.
public struct DateRangeBar: Sendable, Hashable {
    /// Quick-pick names ("Today", "This month", …).
    public var quickPicks: [String]

    /// Creates a bar.
    public init(quickPicks: [String]) { self.quickPicks = quickPicks }

    /// Draws the range, the quick picks and a `note` after them (what else filters the view, say);
    /// when space is short the quick picks give way first, then the note is cut.
    public func render(in rect: Rect, buffer: inout Buffer, state: DateRangeBarState, theme: Theme, focused: Bool,
                       note: String = "") {
        guard !rect.isEmpty else { return }
        let line = rect.row(0)
        buffer.fill(line, style: theme.normal)
        let g = theme.glyphs
        if let e = state.editor {
            var x = buffer.write("From ", x: line.x, y: line.y, style: theme.header, clip: line)
            let fieldWidth = max(1, min(12, (line.width - 10) / 2))
            TextField().render(in: Rect(x: x, y: line.y, width: fieldWidth, height: 1).intersection(line),
                               buffer: &buffer, state: e.from, theme: theme, focused: !e.editingTo)
            x = buffer.write(" To ", x: x + fieldWidth, y: line.y, style: theme.header, clip: line)
            TextField().render(in: Rect(x: x, y: line.y, width: fieldWidth, height: 1).intersection(line),
                               buffer: &buffer, state: e.to, theme: theme, focused: e.editingTo)
            return
        }
        let arrow = g.isUnicode ? " → " : " - "
        var x = buffer.write(g.previous + " ", x: line.x, y: line.y, style: theme.accent, clip: line)
        let note = note.isEmpty ? "" : " " + note
        var label = state.name ?? (state.from == state.to ? state.from : state.from + arrow + state.to)
        if state.name == nil, let from = state.shortFrom, let to = state.shortTo, !note.isEmpty,
           x + DisplayWidth.of(label) + 3 + DisplayWidth.of(note) > line.maxX {
            label = from + arrow + to
        }
        x = buffer.write(label, x: x, y: line.y, style: theme.header, clip: line)
        x = buffer.write(" " + g.next, x: x, y: line.y, style: theme.accent, clip: line) + 1
        for (i, name) in quickPicks.enumerated() {
            let label = " " + name + " "
            guard x + DisplayWidth.of(label) + DisplayWidth.of(note) <= line.maxX else { break }
            let style: Style = focused && i == state.focusedPick ? theme.selected
                : (i == state.activePick ? theme.accent : theme.disabled)
            x = buffer.write(label, x: x, y: line.y, style: style, clip: line)
        }
        buffer.write(note, x: x, y: line.y, style: theme.accent, clip: line)
    }
}
