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

    /// Creates a table.
    public init(columns: [TableColumn], showsMarks: Bool = false, emptyText: String = "No rows") {
        self.columns = columns
        self.showsMarks = showsMarks
        self.emptyText = emptyText
    }

    /// Number of rows visible in `rect` (its height minus the header).
    public static func pageSize(for rect: Rect) -> Int { max(0, rect.height - 1) }

    /// Width of each column in `width` cells, or nil when the column is hidden for lack of space.
    public func columnWidths(for width: Int) -> [Int?] {
        let available = width - gutterWidth
        var shown = Array(columns.indices)
        func needed() -> Int { shown.reduce(0) { $0 + columns[$1].minimumWidth } + max(0, shown.count - 1) }
        while needed() > available, let drop = shown.filter({ columns[$0].priority > 0 })
            .max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) {
            shown.removeAll { $0 == drop }
        }
        let spare = max(0, available - needed())
        let weights = shown.map { i -> Constraint in
            if case .flex(_, let w) = columns[i].width { return .flex(max(0, w)) }
            return .flex(0)
        }
        let extra = Layout.sizes(weights, total: spare).map(\.size)
        var result = [Int?](repeating: nil, count: columns.count)
        for (k, i) in shown.enumerated() { result[i] = columns[i].minimumWidth + extra[k] }
        return result
    }

    /// The row index under a screen point, if the point is on a visible row.
    public func row(at point: Point, in rect: Rect, state: TableState, rowCount: Int) -> Int? {
        guard rect.contains(point), point.y > rect.y else { return nil }
        let top = TableState.offset(for: state.selected, current: state.offset,
                                    pageSize: Self.pageSize(for: rect), rowCount: rowCount)
        let row = top + point.y - rect.y - 1
        return row < rowCount ? row : nil
    }

    /// The column under a screen point on the header (or any row), if the point is in a shown column.
    public func column(at point: Point, in rect: Rect) -> Int? {
        guard rect.contains(point) else { return nil }
        var x = rect.x + gutterWidth
        for (i, width) in columnWidths(for: rect.width).enumerated() {
            guard let width else { continue }
            if point.x >= x && point.x < x + width { return i }
            x += width + 1
        }
        return nil
    }

    /// Draws the header and the visible window of rows.
    public func render(in rect: Rect, buffer: inout Buffer, state: TableState,
                       dataSource: some TableDataSource, theme: Theme) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect, style: theme.normal)
        let widths = columnWidths(for: rect.width)
        let headers = columns.enumerated().map { i, c -> TableCell in
            guard let sort = state.sort, sort.column == i else { return TableCell(c.title) }
            return TableCell(c.title + " " + (sort.ascending ? theme.glyphs.sortAscending : theme.glyphs.sortDescending))
        }
        drawRow(headers, y: rect.y, rect: rect, widths: widths, style: theme.header, gutter: "", theme: theme)
        let pageSize = Self.pageSize(for: rect)
        let rowCount = dataSource.rowCount
        guard rowCount > 0 else {
            buffer.write(emptyText, in: rect.row(1), style: theme.disabled, alignment: .center)
            return
        }
        guard pageSize > 0 else { return }
        let top = TableState.offset(for: state.selected, current: state.offset, pageSize: pageSize, rowCount: rowCount)
        let window = top..<min(rowCount, top + pageSize)
        for (k, cells) in dataSource.rows(in: window).prefix(window.count).enumerated() {
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
