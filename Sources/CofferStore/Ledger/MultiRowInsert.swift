/// An INSERT of many rows in one statement, as a transaction writes its entries and usage rows
/// at commit: up to `rowsPerStatement` rows a statement, the full statement's text made once (so
/// it is the same text, prepared once, every time), a shorter last one made when needed.
struct MultiRowInsert {
    /// Rows per statement.
    static let rowsPerStatement = 32
    /// Values per row.
    let width: Int
    private let head: String, row: String, full: String

    init(into table: String, columns: [String]) {
        width = columns.count
        head = "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
        row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        full = head + Array(repeating: row, count: Self.rowsPerStatement).joined(separator: ", ")
    }

    /// The statement for `rows` rows (at most `rowsPerStatement`).
    func sql(rows: Int) -> String {
        rows == Self.rowsPerStatement ? full : head + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Writes `values` (whole rows, at most a statement's worth).
    func run(_ values: [Bind], on sql: any StorageConnection) throws {
        try sql.run(self.sql(rows: values.count / width), values)
    }
}
