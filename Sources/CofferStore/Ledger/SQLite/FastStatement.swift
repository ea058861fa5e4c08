import Foundation
import GRDB
import GRDBSQLite

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `values` in order, runs the statement to completion and resets it.
    func run(_ values: Bind...) throws { try run(values) }

    /// Binds `values` in order, runs the statement to completion and resets it.
    func run(_ values: [Bind]) throws {
        try bind(values)
        defer { reset() }
        let code = sqlite3_step(sqliteStatement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
    }

    /// Binds `values`, and calls `row` for each result row until it returns false; then resets.
    func each(_ values: Bind..., row: (RawRow) throws -> Bool) throws { try each(values, row: row) }

    /// Binds `values`, and calls `row` for each result row until it returns false; then resets.
    func each(_ values: [Bind], row: (RawRow) throws -> Bool) throws {
        try bind(values)
        defer { reset() }
        while true {
            let code = sqlite3_step(sqliteStatement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            if try !row(RawRow(statement: sqliteStatement)) { return }
        }
    }

    /// Binds every parameter: a call that gives fewer values than the statement has parameters
    /// clears the earlier bindings first (the rest are NULL); otherwise each value replaces the last
    /// one in place, which spares SQLite freeing and allocating every text again.
    private func bind(_ values: [Bind]) throws {
        let statement = sqliteStatement
        if values.count != Int(sqlite3_bind_parameter_count(statement)) { sqlite3_clear_bindings(statement) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 = switch value {
            case .int(let v): sqlite3_bind_int64(statement, index, v)
            case .text(let v) where v.isEmpty: sqlite3_bind_text(statement, index, "", 0, transient)
            case .text(let v):
                // The UTF-8 bytes in place (no C string made first), up to a NUL as a C string ends
                // there; SQLite copies them.
                v.utf8.withContiguousStorageIfAvailable { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { text in
                        let start = text.baseAddress!
                        let length = memchr(start, 0, text.count).map { start.distance(to: $0.assumingMemoryBound(to: CChar.self)) } ?? text.count
                        return sqlite3_bind_text(statement, index, start, Int32(length), transient)
                    }
                } ?? sqlite3_bind_text(statement, index, v, -1, transient)
            case .blob(let v): v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
            case .null: sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    private func reset() {
        sqlite3_reset(sqliteStatement)
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(sqliteStatement).map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

/// The current row of a raw step: columns by index.
struct RawRow {
    let statement: SQLiteStatement

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func optionalInt(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }
    func text(_ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }
    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(column)
    }
    func storedType(_ column: Int32) -> StoredType {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }
    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
