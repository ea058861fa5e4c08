import GRDBSQLite
import Synchronization

/// The facts counter (`facts_version`) read with one statement on a read-only connection of its
/// own, outside any transaction: how a store checks that facts it keeps still hold without taking a
/// read transaction from GRDB's pool. `coffer serve` checks its key against the kept holders on
/// every request; the pool's transaction was most of that check's cost.
final class FactsVersionProbe: Sendable {
    private struct Open {
        let connection: OpaquePointer
        let statement: OpaquePointer
    }

    private let path: String
    /// Opened on first use; nil until then, or when opening failed (then every read says nil).
    private let open = Mutex<Open?>(nil)

    init(path: String) { self.path = path }

    deinit { close() }

    /// The counter as last committed; nil when it cannot be read this way (callers read it in a snapshot).
    func version() -> Int64? {
        open.withLock { open -> Int64? in
            if open == nil { open = Self.connect(path) }
            guard let statement = open?.statement else { return nil }
            defer { sqlite3_reset(statement) }
            return sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : nil
        }
    }

    /// Closes the connection (a later read opens it again).
    func close() {
        open.withLock { open in
            if let current = open {
                sqlite3_finalize(current.statement)
                sqlite3_close_v2(current.connection)
            }
            open = nil
        }
    }

    private static func connect(_ path: String) -> Open? {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let connection else {
            sqlite3_close_v2(connection)
            return nil
        }
        sqlite3_busy_timeout(connection, Int32(StoreErrors.busyTimeout * 1_000))
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT version FROM facts_version WHERE id = 1", -1, &statement, nil) == SQLITE_OK,
              let statement else {
            sqlite3_close_v2(connection)
            return nil
        }
        return Open(connection: connection, statement: statement)
    }
}
