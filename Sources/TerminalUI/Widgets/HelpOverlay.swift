/// A framed overlay listing every binding of a ``Keymap`` by group, scrolled when it is taller
/// than the screen. Disabled bindings are dimmed, with the reason after their description.
public enum HelpOverlay {
    /// A line of the overlay: a group heading (no key) or a key and what it does.
    public struct Line: Sendable, Equatable {
        /// The keys (or "Click", "Wheel"); empty for a group heading.
        public var key: String
        /// What they do, or the heading.
        public var text: String
        /// Drawn dimmed: the binding is disabled now.
        public var dimmed: Bool

        /// A key line, or a heading when `key` is empty.
        public init(key: String, text: String, dimmed: Bool = false) { (self.key, self.text, self.dimmed) = (key, text, dimmed) }
    }

    /// Draws the overlay centred in `area`, starting `scroll` lines down its list. `notes` are
    /// further groups of lines that are not keys (the mouse), listed after the keymap's.
    public static func render<Action>(in area: Rect, buffer: inout Buffer, keymap: Keymap<Action>, theme: Theme,
                                      title: String = "Keys", scroll: Int = 0, notes: [Line] = []) {
        let lines = lines(keymap: keymap, glyphs: theme.glyphs) + notes
        let keyWidth = lines.map { DisplayWidth.of($0.key) }.max() ?? 0
        let textWidth = lines.map { DisplayWidth.of($0.text) }.max() ?? 0
        let box = area.centered(width: max(keyWidth + textWidth + 7, DisplayWidth.of(title) + 6),
                                height: lines.count + 2)
        let inner = Box.draw(box, title: title, buffer: &buffer, theme: theme)
        guard !inner.isEmpty else { return }
        let top = min(max(0, scroll), max(0, lines.count - inner.height))
        for (k, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            let row = inner.row(k).inset(left: 1, right: 1)
            if line.key.isEmpty {
                buffer.write(line.text, in: row, style: theme.header)
            } else {
                let keyRect = Rect(x: row.x + 1, y: row.y, width: min(keyWidth, row.width - 1), height: 1)
                buffer.write(line.key, in: keyRect, style: line.dimmed ? theme.disabled : theme.accent)
                let textRect = row.inset(left: keyWidth + 3)
                buffer.write(line.text, in: textRect, style: line.dimmed ? theme.panel.patched(with: theme.disabled) : theme.panel)
            }
        }
        let arrowX = { (glyph: String) in box.maxX - 2 - DisplayWidth.of(glyph) + 1 }
        if top > 0 {
            buffer.write(theme.glyphs.up, x: arrowX(theme.glyphs.up), y: box.y, style: theme.border, clip: box)
        }
        if lines.count > inner.height + top {
            buffer.write(theme.glyphs.down, x: arrowX(theme.glyphs.down), y: box.maxY - 1, style: theme.border, clip: box)
        }
    }

    /// How far the overlay of `lineCount` lines can scroll in `area` (0 when it all shows).
    public static func maxScroll(lineCount: Int, in area: Rect) -> Int {
        max(0, lineCount - max(0, min(area.height, lineCount + 2) - 2))
    }

    /// Group headings (empty key) and binding lines, in keymap order; a disabled binding's reason
    /// follows its description.
    public static func lines<Action>(keymap: Keymap<Action>, glyphs: Glyphs) -> [Line] {
        keymap.groups.flatMap { group in
            [Line(key: "", text: group.name)] + group.bindings.map { b in
                Line(key: b.keyLabel(glyphs: glyphs), text: b.help + (b.disabled.map { " — " + $0 } ?? ""), dimmed: b.disabled != nil)
            }
        }
    }
}

/// What the user chose in a ``Dialog``.
public enum DialogResult: Sendable, Hashable {
    /// The confirm button was chosen.
    case confirmed
    /// Cancel was chosen, or Esc pressed.
    case cancelled
}

/// A dialog's state: which button has focus. The safe default is Cancel.
public struct DialogState: Sendable, Hashable {
    /// True when the confirm button has focus.
    public var confirmFocused: Bool

    /// Creates a state with focus on Cancel (the safe default).
    public init(confirmFocused: Bool = false) { self.confirmFocused = confirmFocused }

    /// Moves focus (arrows, Tab) or answers (Enter, Esc, n); returns the answer when there is one.
    public mutating func handle(_ key: Key) -> DialogResult? {
        switch key {
        case .left, .right, .tab, .backTab, .char("h"), .char("l"): confirmFocused.toggle(); return nil
        case .enter, .char(" "): return confirmFocused ? .confirmed : .cancelled
        case .escape, .char("n"): return .cancelled
        default: return nil
        }
    }
}

/// A modal confirmation with a title, a wrapped message and two buttons.
public struct Dialog: Sendable, Hashable {
    /// Frame title.
    public var title: String
    /// Question or explanation, wrapped to fit.
    public var message: String
    /// Label of the confirm button ("Delete", "Charge").
    public var confirmLabel: String
    /// Label of the cancel button.
    public var cancelLabel: String
    /// True when confirming destroys or spends something (the confirm button is drawn as a warning).
    public var destructive: Bool

    /// Creates a dialog.
    public init(title: String, message: String, confirmLabel: String = "OK", cancelLabel: String = "Cancel",
                destructive: Bool = false) {
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.cancelLabel = cancelLabel
        self.destructive = destructive
    }

    /// Draws the dialog centred in `area`.
    public func render(in area: Rect, buffer: inout Buffer, state: DialogState, theme: Theme) {
        let cancel = "[ " + cancelLabel + " ]", confirm = "[ " + confirmLabel + " ]"
        let buttonsWidth = DisplayWidth.of(cancel) + 2 + DisplayWidth.of(confirm)
        let width = min(area.width, max(40, buttonsWidth + 4))
        let text = TextWrap.lines(message, width: max(1, width - 4))
        let box = area.centered(width: width, height: text.count + 4)
        let inner = Box.draw(box, title: title, buffer: &buffer, theme: theme)
        guard !inner.isEmpty else { return }
        for (k, line) in text.prefix(max(0, inner.height - 2)).enumerated() {
            buffer.write(line, in: inner.row(k).inset(left: 1, right: 1), style: theme.panel)
        }
        let y = inner.maxY - 1
        var x = inner.x + max(0, (inner.width - buttonsWidth) / 2)
        let confirmBase = destructive ? theme.statusBad : theme.panel
        x = buffer.write(cancel, x: x, y: y, style: state.confirmFocused ? theme.panel : theme.selected, clip: inner) + 2
        buffer.write(confirm, x: x, y: y, style: state.confirmFocused ? theme.selected : confirmBase, clip: inner)
    }
}
