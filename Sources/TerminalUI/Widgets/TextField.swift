/// The text and cursor of a ``TextField``, kept by the application.
public struct TextFieldState: Sendable, Hashable {
    /// The graphemes of the text.
    private var characters: [Character]
    /// Cursor position, in graphemes from the start (0...count).
    public private(set) var cursor: Int
    /// Maximum number of graphemes, if limited.
    public var maxLength: Int?

    /// Creates a state with the cursor at the end of `text`.
    public init(_ text: String = "", maxLength: Int? = nil) {
        self.characters = []
        self.cursor = 0
        self.maxLength = maxLength
        insert(text)
    }

    /// The current text.
    public var text: String { String(characters) }

    /// Inserts typed or pasted text at the cursor; controls are removed and line breaks become spaces.
    public mutating func insert(_ string: String) {
        var new = Array(Sanitizer.clean(string)).filter { DisplayWidth.of($0) > 0 }
        if let maxLength { new = Array(new.prefix(max(0, maxLength - characters.count))) }
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    /// Replaces the whole text and puts the cursor at its end.
    public mutating func setText(_ string: String) {
        characters = []
        cursor = 0
        insert(string)
    }

    /// Applies an editing key; returns false for keys it does not use (Enter, Esc, Tab…).
    ///
    /// Printable characters insert; Backspace/Delete, ←/→, Home/End, ^A/^E move or delete;
    /// ^U deletes to the start, ^K to the end, ^W the previous word.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(String(c))
        case .backspace, .ctrl("h"): if cursor > 0 { cursor -= 1; characters.remove(at: cursor) }
        case .delete, .ctrl("d"): if cursor < characters.count { characters.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .ctrl("u"): characters.removeFirst(cursor); cursor = 0
        case .ctrl("k"): characters.removeLast(characters.count - cursor)
        case .ctrl("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default: return false
        }
        return true
    }

    /// Index of the first grapheme shown in `width` columns so the cursor stays visible.
    func firstVisible(width: Int) -> Int {
        var first = 0
        while first < cursor,
              characters[first..<cursor].reduce(0, { $0 + DisplayWidth.of($1) }) > max(0, width - 1) { first += 1 }
        return first
    }

    /// The graphemes from `index` on.
    func suffix(from index: Int) -> String { String(characters[index...]) }
    /// Display width of the graphemes between `from` and the cursor.
    func width(from index: Int) -> Int { characters[index..<cursor].reduce(0) { $0 + DisplayWidth.of($1) } }
}

/// A one-line text input that scrolls horizontally to keep its cursor visible.
public struct TextField: Sendable, Hashable {
    /// Shown dimmed when the field is empty.
    public var placeholder: String

    /// Creates a text field.
    public init(placeholder: String = "") { self.placeholder = placeholder }

    /// Draws the field in the first row of `rect`; when focused, sets `buffer.cursor` to the cursor cell.
    public func render(in rect: Rect, buffer: inout Buffer, state: TextFieldState, theme: Theme, focused: Bool) {
        guard !rect.isEmpty else { return }
        let line = rect.row(0)
        let base = focused ? Style(underline: true) : theme.normal
        buffer.fill(line, style: base)
        if state.text.isEmpty {
            buffer.write(placeholder, in: line, style: base.patched(with: theme.disabled))
        } else {
            let first = state.firstVisible(width: line.width)
            buffer.write(state.suffix(from: first), x: line.x, y: line.y, style: base, clip: line)
        }
        if focused {
            let x = line.x + state.width(from: state.firstVisible(width: line.width))
            buffer.cursor = Point(x: min(x, line.maxX - 1), y: line.y)
        }
    }
}
