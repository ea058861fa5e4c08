/// A grid of cells that widgets draw into and a terminal presents.
///
/// Every write is sanitised (see ``Sanitizer``), measured with ``DisplayWidth`` and
/// clipped to the buffer and to an optional rectangle, so nothing is written outside
/// and a wide grapheme is never split: one that does not fit is replaced by a space.
public struct Buffer: Sendable, Equatable {
    /// Number of columns.
    public private(set) var width: Int
    /// Number of rows.
    public private(set) var height: Int
    /// Row-major cells, `width * height` of them.
    public private(set) var cells: [Cell]
    /// Where the terminal should show its cursor, or nil to hide it.
    public var cursor: Point?

    /// Creates a buffer filled with blank cells.
    public init(width: Int, height: Int, fill: Cell = .blank()) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(width: width, height: height) }

    /// The cell at a position (a blank cell outside the buffer).
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank() }
        return cells[y * width + x]
    }

    /// Resizes to a new size and clears every cell.
    public mutating func resize(width: Int, height: Int) {
        self = Buffer(width: width, height: height)
    }

    /// Fills a rectangle (clipped to the buffer) with blank cells of a style.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { put(.blank(style), x: x, y: y) }
        }
    }

    /// Replaces the typographic symbols screens use (· — → ● × …) with ASCII look-alikes, for a
    /// terminal whose locale is not UTF-8 (SPEC §9); anything else non-ASCII is left to the terminal.
    public mutating func asciiFallback() {
        for index in cells.indices {
            if let plain = Self.asciiLookAlikes[cells[index].grapheme] { cells[index].grapheme = plain }
        }
    }

    private static let asciiLookAlikes: [Character: Character] = [
        "·": ".", "—": "-", "–": "-", "→": ">", "←": "<", "↑": "^", "↓": "v", "▶": ">", "◀": "<", "●": "*", "•": "*",
        "×": "x", "…": "~", "▲": "^", "▼": "v", "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+",
    ]

    /// Changes the style of every cell in a rectangle, keeping the text.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = transform(cells[y * width + x].style) }
        }
    }

    /// Writes text on one line starting at (`x`, `y`) and returns the column after the last cell written.
    ///
    /// The text is sanitised first. Nothing is written outside the buffer or outside `clip`.
    /// Zero-width graphemes with nothing to attach to are dropped. Text that runs past the right
    /// edge ends with `…` (``DisplayWidth/truncate(_:to:ellipsis:)``: a figure goes whole or not at all).
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = clip.map { $0.intersection(area) } ?? area
        let clean = Sanitizer.clean(text)
        guard y >= bounds.y, y < bounds.maxY else { return x + DisplayWidth.of(clean) }
        var shown = clean
        let room = bounds.maxX - x
        if x >= bounds.x, room > 0, DisplayWidth.of(clean) > room {
            shown = DisplayWidth.truncate(clean, to: room, ellipsis: Self.ellipsis)
        }
        var column = x
        for character in shown {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if column >= bounds.maxX { column += w; continue }
            if column >= bounds.x {
                if column + w > bounds.maxX {
                    put(.blank(style), x: column, y: y)  // a wide grapheme cut at the right edge
                } else {
                    put(Cell(character, style: style), x: column, y: y)
                    if w == 2 { put(Cell(" ", style: style, isContinuation: true), x: column + 1, y: y) }
                }
            } else if column + w > bounds.x {
                put(.blank(style), x: bounds.x, y: y)    // a wide grapheme cut at the left edge
            }
            column += w
        }
        return shown == clean ? column : x + DisplayWidth.of(clean)
    }

    /// Marks text cut at the right edge (the ASCII fallback turns it into `~`).
    static let ellipsis = "…"

    /// Writes text inside a one-row rectangle: padded and aligned, or cut to its width with `…`.
    public mutating func write(_ text: String, in rect: Rect, style: Style = .plain, alignment: Alignment = .left) {
        guard !rect.isEmpty else { return }
        let line = DisplayWidth.pad(Sanitizer.clean(text), to: rect.width, alignment: alignment, ellipsis: Self.ellipsis)
        write(line, x: rect.x, y: rect.y, style: style, clip: rect)
    }

    /// Copies the cells of another buffer with their top-left corner at `origin` (clipped).
    public mutating func draw(_ other: Buffer, at origin: Point) {
        for y in 0..<other.height {
            for x in 0..<other.width {
                let cell = other[x, y], tx = origin.x + x
                let leadLost = cell.isContinuation && (x == 0 || tx == 0)
                let tailLost = !cell.isContinuation && other[x + 1, y].isContinuation && tx + 1 >= width
                put(leadLost || tailLost ? .blank(cell.style) : cell, x: tx, y: origin.y + y)
            }
        }
    }

    /// The text of one row (continuation cells skipped).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = ""
        for x in 0..<width where !self[x, y].isContinuation { s.append(self[x, y].grapheme) }
        return s
    }

    /// Puts one cell, repairing any wide grapheme it overlaps so no half-grapheme remains.
    /// A continuation cell must be put right after its lead.
    private mutating func put(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = y * width + x
        if !cell.isContinuation, cells[i].isContinuation, x > 0 { cells[i - 1] = .blank(cells[i - 1].style) }
        if x + 1 < width, cells[i + 1].isContinuation { cells[i + 1] = .blank(cells[i + 1].style) }
        cells[i] = cell
    }
}
