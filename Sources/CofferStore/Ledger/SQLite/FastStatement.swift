import Foundation
import GRDB
import GRDBSQLite

extension Statement {
    /// Binds `values` in order, runs the statement to completion and resets it.
    func run(_ values: Bind...) throws { try run(values) }

    /// Binds `values` in order, runs the statement to completion and resets it.
    func run(_ values: [Bind]) throws {
        try withBound(values) {
            let code = sqlite3_step(sqliteStatement)
            guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
        }
    }

    /// Binds `values`, and calls `row` for each result row until it returns false; then resets.
    func each(_ values: Bind..., row: (RawRow) throws -> Bool) throws { try each(values, row: row) }

    /// Binds `values`, and calls `row` for each result row until it returns false; then resets.
    func each(_ values: [Bind], row: (RawRow) throws -> Bool) throws {
        try withBound(values) {
            while true {
                let code = sqlite3_step(sqliteStatement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw failure(code) }
                if try !row(RawRow(statement: sqliteStatement)) { return }
            }
        }
    }

    /// Binds every parameter and runs `steps`, then resets the statement.
    ///
    /// The bytes of every text and blob are gathered in one buffer first, which SQLite reads in place
    /// (`SQLITE_STATIC`) for as long as `steps` runs. Bound as copies (`SQLITE_TRANSIENT`), each one
    /// cost SQLite a free and a malloc — binding releases the value before — 15 of each an imported
    /// line. The bindings are left pointing at the freed buffer: every run binds all of them again
    /// before it steps (a call that gives fewer values than there are parameters clears them first,
    /// the rest NULL), and nothing reads them between runs.
    private func withBound(_ values: [Bind], _ steps: () throws -> Void) throws {
        let statement = sqliteStatement
        if values.count != Int(sqlite3_bind_parameter_count(statement)) { sqlite3_clear_bindings(statement) }
        var size = 0
        for value in values {
            switch value {
            case .text(let text): size += text.utf8.count
            case .blob(let bytes): size += bytes.count
            case .int, .null: break
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(size)
        for value in values {
            switch value {
            case .text(let text): buffer.append(contentsOf: text.utf8)
            case .blob(let bytes): buffer.append(contentsOf: bytes)
            case .int, .null: break
            }
        }
        defer { sqlite3_reset(statement) }
        try buffer.withUnsafeBufferPointer { buffer in
            var offset = 0
            for (position, value) in values.enumerated() {
                let index = Int32(position + 1)
                let code: Int32
                switch value {
                case .int(let v):
                    code = sqlite3_bind_int64(statement, index, v)
                case .text(let text):
                    let count = text.utf8.count
                    if count == 0 {
                        code = sqlite3_bind_text(statement, index, Self.emptyText, 0, nil)
                    } else {
                        // Up to a NUL, as a C string ends there.
                        let start = UnsafeRawPointer(buffer.baseAddress! + offset)
                        let length = memchr(start, 0, count).map { start.distance(to: $0) } ?? count
                        code = sqlite3_bind_text(statement, index, start.assumingMemoryBound(to: CChar.self), Int32(length), nil)
                    }
                    offset += count
                case .blob(let bytes):
                    // An empty blob binds a NULL pointer, which SQLite stores as NULL.
                    code = sqlite3_bind_blob(statement, index, bytes.isEmpty ? nil : buffer.baseAddress! + offset, Int32(bytes.count), nil)
                    offset += bytes.count
                case .null:
                    code = sqlite3_bind_null(statement, index)
                }
                guard code == SQLITE_OK else { throw failure(code) }
            }
            try steps()
        }
    }

    /// What an empty text binds: bytes that live as long as the process (a NULL pointer would bind NULL).
    private static var emptyText: UnsafePointer<CChar> {
        UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
    }
    private static let empty: StaticString = ""

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
