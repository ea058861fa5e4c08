import GRDB
import GRDBSQLite

/// The storage seam over a GRDB connection (the embedded default): every statement is prepared
/// once per connection and cached; rows are read through SQLite's C API by column index.
final class SQLiteConnection: StorageConnection {
    let db: Database
    /// The writer's statements found without hashing their text (nil: GRDB's cache alone).
    private let shortcuts: StatementShortcuts?
    /// The current event's savepoint, opened at its first write.
    private var savepoint = LazySavepoint()

    /// The seam over `db`, inside a transaction or read GRDB opened; `shortcuts` only for the
    /// writer connection they belong to.
    init(_ db: Database, shortcuts: StatementShortcuts? = nil) {
        self.db = db
        self.shortcuts = shortcuts
    }

    private func statement(_ sql: String) throws -> Statement {
        try shortcuts?.statement(sql, in: db) ?? db.cachedStatement(sql: sql)
    }

    func run(_ sql: String, _ values: [Bind]) throws {
        if savepoint.opens(before: sql) { try statement("SAVEPOINT coffer_event").run([]) }
        try statement(sql).run(values)
    }

    func each(_ sql: String, _ values: [Bind], _ row: (any StorageRow) throws -> Bool) throws {
        if savepoint.opens(before: sql) { try statement("SAVEPOINT coffer_event").run([]) }
        try statement(sql).each(values, row: row)
    }

    /// Every statement has run when `run` returns.
    func flush() throws {}

    /// SQLite answers in-process: each read runs when it is asked.
    func readAhead(_ queries: [Query]) throws {}

    var dialect: SQLDialect { .sqlite }

    /// SQLite runs one write transaction at a time: the chain is already this one's.
    func lockLedgerChain() throws {}
    var changedRows: Int { db.changesCount }
    var lastInsertedID: Int64? { db.lastInsertedRowID }

    /// The savepoint opens before the event's first write (`LazySavepoint`), through cached
    /// statements: preparing SAVEPOINT and RELEASE anew for each event would cost more than many
    /// of the event's own statements.
    func inSavepoint(_ body: () throws -> Void) throws {
        savepoint.begin()
        do {
            try body()
        } catch {
            // Undo the event and close its savepoint; if the transaction itself is gone (a fault
            // SQLite rolled back whole), the original error is what matters.
            if savepoint.end() {
                try? statement("ROLLBACK TO SAVEPOINT coffer_event").run([])
                try? statement("RELEASE SAVEPOINT coffer_event").run([])
            }
            if let error = error as? DatabaseError, error.resultCode.primaryResultCode == .SQLITE_CONSTRAINT {
                throw StorageRefusal(message: error.message ?? "a constraint failed")
            }
            throw error
        }
        if savepoint.end() { try statement("RELEASE SAVEPOINT coffer_event").run([]) }
    }

    /// `PRAGMA integrity_check`'s findings; empty when it says `ok`.
    func integrityProblems() throws -> [String] {
        let found = try all("PRAGMA integrity_check", []) { $0.text(0) }
        return found == ["ok"] ? [] : found
    }
}

extension RawRow: StorageRow {}

extension Database {
    /// The storage seam over this connection (for reads GRDB opened).
    var storage: any StorageConnection { SQLiteConnection(self) }
}
