import CofferStore
import TerminalUI

/// An aligned table as lines of text, for the command line: every cell goes through the one
/// ``Sanitizer`` (as the dashboard's do) and columns are padded by display width, so wide
/// characters and emoji keep them aligned.
public struct TextTable: Sendable {
    /// A cell longer than this many columns is cut, with an ellipsis.
    public static let maximumCellWidth = 200
    /// Space between columns.
    public static let gap = "  "

    public let headers: [String]
    public let rows: [[String]]
    /// Indexes of the right-aligned columns (amounts, counts).
    public let rightAligned: Set<Int>

    /// A table of `rows` (sanitised and cut here) under `headers`.
    public init(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.headers = headers.map(Self.clean)
        self.rows = rows.map { $0.map(Self.clean) }
        self.rightAligned = rightAligned
    }

    /// A usage tab's table (SPEC §7) in the screen format.
    public init(_ table: UsageTable, rows: [UsageRow]) {
        self.init(columns: table.columns, rows: rows.map { table.texts($0) })
    }

    /// A table of `columns` (their headers and alignment).
    public init(columns: [UsageColumn], rows: [[String]]) {
        self.init(headers: columns.map(\.title), rows: rows,
                  rightAligned: Set(columns.indices.filter { columns[$0].alignment == .right }))
    }

    /// Each column's width: its widest cell or header, in display columns.
    public var widths: [Int] {
        var widths = headers.map { DisplayWidth.of($0) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        return widths
    }

    /// The header line and one line a row, without trailing spaces.
    public var lines: [String] {
        let widths = widths
        func line(_ row: [String]) -> String {
            var text = zip(row, widths).enumerated().map { index, column in
                DisplayWidth.pad(column.0, to: column.1, alignment: rightAligned.contains(index) ? .right : .left)
            }.joined(separator: Self.gap)
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return [line(headers)] + rows.map(line)
    }

    /// The table, one line each, each ending in a line break.
    public var text: String { lines.map { $0 + "\n" }.joined() }

    /// Safe for a terminal (the one ``Sanitizer``) and at most `maximumCellWidth` columns.
    static func clean(_ text: String) -> String {
        DisplayWidth.truncate(Sanitizer.clean(text), to: maximumCellWidth, ellipsis: "…")
    }
}
