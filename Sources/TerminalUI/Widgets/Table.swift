/// One column of a ``Table``.
public struct TableColumn: Sendable, Hashable {
    /// How wide a column is.
    public enum Width: Sendable, Hashable {
        /// Exactly this many columns.
        case fixed(Int)
        /// At least `min` columns, plus a share of spare space proportional to `weight`.
        case flex(min: Int, weight: Int = 1)
    }
    /// Header text.
    public var title: String
    /// Placement of cell text (amounts are right-aligned).
    public var alignment: Alignment
    /// Width rule.
    public var width: Width
    /// 0 = always shown; when space runs out the highest priority number is hidden first.
    public var priority: Int

    /// Creates a column.
    public init(_ title: String, width: Width = .flex(min: 6), alignment: Alignment = .left, priority: Int = 0) {
        self.title = title
        self.alignment = alignment
        self.width = width
        self.priority = priority
    }

    var minimumWidth: Int {
        switch width { case .fixed(let n): max(0, n); case .flex(let n, _): max(0, n) }
    }
}

/// The text of one table cell, with an optional style (e.g. a negative amount).
public struct TableCell: Sendable, Hashable, ExpressibleByStringLiteral {
    /// Cell text (sanitised when drawn).
    public var text: String
    /// Style patched over the row's style, when given.
    public var style: Style?
    /// Creates a cell.
    public init(_ text: String, style: Style? = nil) { self.text = text; self.style = style }
    /// Creates an unstyled cell from a literal.
    public init(stringLiteral value: String) { self.init(value) }
}

/// Supplies a table's rows one window at a time, so only visible rows are ever loaded.
public protocol TableDataSource {
    /// Total number of rows.
    var rowCount: Int { get }
    /// The rows in `range` (already clamped to `0..<rowCount`), one array of cells per row.
    func rows(in range: Range<Int>) -> [[TableCell]]
}

/// Sort order shown in a table header; the data source does the sorting.
public struct TableSort: Sendable, Hashable {
    /// Index of the sorted column.
    public var column: Int
    /// True for ascending order.
    public var ascending: Bool
    /// Creates a sort order.
    public init(column: Int, ascending: Bool = true) { self.column = column; self.ascending = ascending }
}

/// A table's state, kept by the application: cursor, scroll position, marks and sort order.
public struct TableState: Sendable, Hashable {
    /// Index of the selected (cursor) row.
    public var selected: Int
    /// Index of the first visible row (adjusted on render to keep `selected` visible).
    public var offset: Int
    /// Rows marked for a multi-row action; kept across pages.
    public var marked: Set<Int>
    /// The sort order shown in the header, if any.
    public var sort: TableSort?

    /// Creates a state with the cursor on the first row.
    public init(selected: Int = 0, offset: Int = 0, marked: Set<Int> = [], sort: TableSort? = nil) {
        self.selected = selected
        self.offset = offset
        self.marked = marked
        self.sort = sort
    }

    /// Moves the cursor to `row` (clamped) and scrolls so it stays visible in `pageSize` rows.
    public mutating func select(_ row: Int, rowCount: Int, pageSize: Int) {
        selected = rowCount == 0 ? 0 : min(max(0, row), rowCount - 1)
        offset = Self.offset(for: selected, current: offset, pageSize: pageSize, rowCount: rowCount)
    }

    /// Marks or unmarks the selected row.
    public mutating func toggleMark() {
        if marked.remove(selected) == nil { marked.insert(selected) }
    }

    /// Sorts by `column`, or reverses the order when it is already the sorted column.
    public mutating func sort(by column: Int) {
        sort = sort?.column == column ? TableSort(column: column, ascending: !(sort!.ascending))
                                      : TableSort(column: column)
    }

    /// Handles navigation keys (arrows, j/k, PgUp/PgDn, Home/End, Space to mark); true when used.
    public mutating func handle(_ key: Key, rowCount: Int, pageSize: Int) -> Bool {
        let page = max(1, pageSize)
        switch key {
        case .up, .char("k"): select(selected - 1, rowCount: rowCount, pageSize: page)
        case .down, .char("j"): select(selected + 1, rowCount: rowCount, pageSize: page)
        case .pageUp: select(selected - page, rowCount: rowCount, pageSize: page)
        case .pageDown: select(selected + page, rowCount: rowCount, pageSize: page)
        case .home, .char("g"): select(0, rowCount: rowCount, pageSize: page)
        case .end, .char("G"): select(rowCount - 1, rowCount: rowCount, pageSize: page)
        case .char(" ") where rowCount > 0: toggleMark()
        default: return false
        }
        return true
    }

    /// The first visible row that keeps `selected` on screen, starting from `current`.
    static func offset(for selected: Int, current: Int, pageSize: Int, rowCount: Int) -> Int {
        guard pageSize > 0 else { return selected }
        var top = min(current, selected)
        if selected >= top + pageSize { top = selected - pageSize + 1 }
        return max(0, min(top, max(0, rowCount - pageSize)))
    }
}

/// A table with a header, alignment and width rules, a cursor, marks and virtual rows.
///
/// Rendering asks the data source for exactly the visible window, so a table of a million
/// rows costs what its visible rows cost.
public struct Table: Sendable {
    /// The columns, in display order.
    public var columns: [TableColumn]
    /// True to draw a mark gutter for multi-selection.
    public var showsMarks: Bool
    /// Shown when there are no rows.
    public var emptyText: String
    /// True to keep the bottom row for the position (`row 12 of 1,204`) and ``summary``.
    public var showsPosition: Bool
    /// Totals or a note shown at the left of the position row (when ``showsPosition``).
    public var summary: String

    /// Creates a table.
    public init(columns: [TableColumn], showsMarks: Bool = false, emptyText: String = "No rows",
                showsPosition: Bool = false, summary: String = "") {
        self.columns = columns
        self.showsMarks = showsMarks
        self.emptyText = emptyText
        self.showsPosition = showsPosition
        self.summary = summary
    }

    /// Number of rows visible in `rect` (its height minus the header) for a table without a position row.
    public static func pageSize(for rect: Rect) -> Int { max(0, rect.height - 1) }

    /// Number of rows visible in `rect`: its height minus the header and, when shown, the position row.
    public func rowsVisible(in rect: Rect) -> Int { max(0, rect.height - 1 - (showsPosition ? 1 : 0)) }

    /// Width of each column in `width` cells, or nil when the column is hidden for lack of space.
    ///
    /// Fixed columns get their width and flex columns their minimum; given the `rows` on screen, the
    /// space left first grows each flex column to what its cells need, then to what its header needs,
    /// and what is still left goes to the heaviest flex columns (the text). Without rows, the space
    /// left is shared by weight.
    public func columnWidths(for width: Int, fitting rows: [[TableCell]] = []) -> [Int?] {
        let available = width - gutterWidth
        var shown = Array(columns.indices)
        func needed() -> Int { shown.reduce(0) { $0 + columns[$1].minimumWidth } + max(0, shown.count - 1) }
        while needed() > available, let drop = shown.filter({ columns[$0].priority > 0 })
            .max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) {
            shown.removeAll { $0 == drop }
        }
        var sizes = [Int](repeating: 0, count: columns.count)
        for i in shown { sizes[i] = columns[i].minimumWidth }
        var spare = max(0, available - needed())
        func weight(_ i: Int) -> Int { if case .flex(_, let w) = columns[i].width { return max(0, w) }; return 0 }
        if !rows.isEmpty {
            // First what the cells need, then what the headers need (with room for the sort mark).
            let flex = shown.filter { if case .flex = columns[$0].width { return true }; return false }
            func need(_ i: Int, _ text: (Int) -> Int) -> Int { max(0, text(i) - sizes[i]) }
            let cells = { (i: Int) in rows.reduce(0) { max($0, i < $1.count ? DisplayWidth.of(Sanitizer.clean($1[i].text)) : 0) } }
            spare = Self.fill(flex, wants: flex.map { need($0, cells) }, spare: spare, sizes: &sizes, weight: weight)
            spare = Self.fill(flex, wants: flex.map { need($0) { DisplayWidth.of(columns[$0].title) + 2 } }, spare: spare, sizes: &sizes) { _ in 1 }
        }
        let heaviest = shown.map(weight).max() ?? 0 // the slack: to the text columns
        let takers = rows.isEmpty ? shown : shown.filter { heaviest > 0 && weight($0) == heaviest }
        let extra = Layout.sizes(takers.map { .flex(weight($0)) }, total: spare).map(\.size)
        for (k, i) in takers.enumerated() { sizes[i] += extra[k] }
        var result = [Int?](repeating: nil, count: columns.count)
        for i in shown { result[i] = sizes[i] }
        return result
    }

    /// Grows `columns` toward their `wants` out of `spare` and returns what is left: a want that fits
    /// an equal share is met whole, smallest first (an ID shown in full); the rest share by weight.
    private static func fill(_ columns: [Int], wants: [Int], spare: Int, sizes: inout [Int], weight: (Int) -> Int) -> Int {
        var spare = spare
        var open = Array(zip(columns, wants).filter { $0.1 > 0 })
        while spare > 0, !open.isEmpty {
            if let k = open.indices.filter({ open[$0].1 * open.count <= spare }).min(by: { open[$0].1 < open[$1].1 }) {
                sizes[open[k].0] += open[k].1
                spare -= open[k].1
                open.remove(at: k)
                continue
            }
            let weights = open.map { max(0, weight($0.0)) }
            let even = weights.allSatisfy { $0 == 0 }
            let shares = Layout.sizes(weights.map { .flex(even ? 1 : $0) }, total: spare).map(\.size)
            for (k, entry) in open.enumerated() { sizes[entry.0] += min(shares[k], entry.1) }
            spare -= zip(shares, open).reduce(0) { $0 + min($1.0, $1.1.1) }
            break
        }
        return spare
    }

    /// The row index under a screen point, if the point is on a visible row.
    public func row(at point: Point, in rect: Rect, state: TableState, rowCount: Int) -> Int? {
        let pageSize = rowsVisible(in: rect)
        guard rect.contains(point), point.y > rect.y, point.y <= rect.y + pageSize else { return nil }
        let top = TableState.offset(for: state.selected, current: state.offset, pageSize: pageSize, rowCount: rowCount)
        let row = top + point.y - rect.y - 1
        return row < rowCount ? row : nil
    }

    /// The column under a screen point on the header (or any row), if the point is in a shown column;
    /// give the table's state and rows to hit-test the widths it is drawn with.
    public func column(at point: Point, in rect: Rect, state: TableState? = nil, dataSource: (any TableDataSource)? = nil) -> Int? {
        guard rect.contains(point) else { return nil }
        var x = rect.x + gutterWidth
        let rows = state.flatMap { state in dataSource.map { window(in: rect, state: state, dataSource: $0).rows } } ?? []
        for (i, width) in columnWidths(for: rect.width, fitting: rows).enumerated() {
            guard let width else { continue }
            if point.x >= x && point.x < x + width { return i }
            x += width + 1
        }
        return nil
    }

    /// The first visible row and the visible rows' cells.
    private func window(in rect: Rect, state: TableState, dataSource: some TableDataSource) -> (top: Int, rows: [[TableCell]]) {
        let pageSize = rowsVisible(in: rect), rowCount = dataSource.rowCount
        guard rowCount > 0, pageSize > 0 else { return (0, []) }
        let top = TableState.offset(for: state.selected, current: state.offset, pageSize: pageSize, rowCount: rowCount)
        let range = top..<min(rowCount, top + pageSize)
        return (top, Array(dataSource.rows(in: range).prefix(range.count)))
    }

    /// `row 12 of 1,204` (1-based), or an empty string when there are no rows.
    public static func position(_ selected: Int, of rowCount: Int) -> String {
        rowCount == 0 ? "" : "row \(grouped(min(selected, rowCount - 1) + 1)) of \(grouped(rowCount))"
    }

    /// A count with thousands separators.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0, (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Draws the header, the visible window of rows and, when shown, the position row.
    public func render(in rect: Rect, buffer: inout Buffer, state: TableState,
                       dataSource: some TableDataSource, theme: Theme) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect, style: theme.normal)
        let rowCount = dataSource.rowCount
        if showsPosition, rect.height > 1 {
            let line = rect.row(rect.height - 1)
            let position = Self.position(state.selected, of: rowCount)
            let right = DisplayWidth.of(position)
            buffer.write(position, in: line, style: theme.disabled, alignment: .right)
            buffer.write(summary, in: line.inset(right: right + (right > 0 ? 2 : 0)), style: theme.disabled)
        }
        let (top, visible) = window(in: rect, state: state, dataSource: dataSource)
        let widths = columnWidths(for: rect.width, fitting: visible)
        let headers = columns.enumerated().map { i, c -> TableCell in
            guard let sort = state.sort, sort.column == i else { return TableCell(c.title) }
            // The sort mark stays in sight: a header too long for its column loses its end instead.
            let title = DisplayWidth.truncate(c.title, to: max(1, (widths[i] ?? 0) - 2), ellipsis: theme.glyphs.ellipsis)
            return TableCell(title + " " + (sort.ascending ? theme.glyphs.sortAscending : theme.glyphs.sortDescending))
        }
        drawRow(headers, y: rect.y, rect: rect, widths: widths, style: theme.header, gutter: "", theme: theme)
        guard rowCount > 0 else {
            buffer.write(emptyText, in: rect.row(1), style: theme.disabled, alignment: .center)
            return
        }
        for (k, cells) in visible.enumerated() {
            let index = top + k
            let isMarked = state.marked.contains(index)
            let style = index == state.selected ? theme.selected : (isMarked ? theme.marked : theme.normal)
            let gutter = isMarked ? theme.glyphs.marked : theme.glyphs.unmarked
            drawRow(cells, y: rect.y + 1 + k, rect: rect, widths: widths, style: style, gutter: gutter,
                    theme: theme, selected: index == state.selected)
        }

        func drawRow(_ cells: [TableCell], y: Int, rect: Rect, widths: [Int?], style: Style, gutter: String,
                     theme: Theme, selected: Bool = false) {
            let line = rect.row(y - rect.y)
            buffer.fill(line, style: style)
            var x = rect.x
            if showsMarks {
                buffer.write(DisplayWidth.pad(gutter, to: gutterWidth), in: Rect(x: x, y: y, width: gutterWidth, height: 1),
                             style: style)
                x += gutterWidth
            }
            for (i, width) in widths.enumerated() {
                guard let width else { continue }
                let cell = i < cells.count ? cells[i] : TableCell("")
                let cellStyle = selected ? style : cell.style.map { style.patched(with: $0) } ?? style
                let text = DisplayWidth.truncate(Sanitizer.clean(cell.text), to: width, ellipsis: theme.glyphs.ellipsis)
                buffer.write(text, in: Rect(x: x, y: y, width: width, height: 1).intersection(line),
                             style: cellStyle, alignment: columns[i].alignment)
                x += width + 1
            }
        }
    }

    private var gutterWidth: Int { showsMarks ? 2 : 0 }
}
