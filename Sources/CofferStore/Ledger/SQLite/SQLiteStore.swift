import CofferCore
import CSQLiteConfig
import Foundation
import GRDB

/// The SQLite backend, the embedded default (SPEC §10): one file in WAL mode with
/// `synchronous = FULL`, checked, opened and migrated through GRDB. The store above it reads and
/// writes only through `SQLiteConnection` (the storage seam); SQLite and GRDB errors become
/// one-line messages that name the file.
final class SQLiteStore: StorageBackend {
    /// The file's path.
    let path: String
    var location: String { path }
    /// One writer at a time (WAL): every write is ledger-wide.
    var writesInParallel: Bool { false }
    /// True when the file or its folder is read-only (or `readOnly` was asked): reads work, writes are refused.
    let isReadOnly: Bool
    /// GRDB's connections: a pool (one writer, concurrent readers), or a queue when read-only.
    let database: any DatabaseWriter
    /// A connection of its own for the facts counter alone.
    private let probe: FactsVersionProbe
    /// The writer connection's statements, found without hashing their SQL.
    private let writerStatements = StatementShortcuts()
    /// Checkpoints the WAL off the writer's commits (attached when the file is writable).
    let checkpointer: WALCheckpointer

    /// Opens (or, with `create`, creates) the file at `path` and migrates it forward.
    ///
    /// Refuses, with a one-line error and without changing the file: a missing folder, a
    /// read-only folder for a new file, a file that is not a database, another application's
    /// database, a corrupt file or one written by a newer Coffer. `trace`, when given, sees every
    /// statement with its arguments; `maxPages` caps the file (`PRAGMA max_page_count`).
    init(path: String, seal: LedgerSeal, create: Bool, readOnly: Bool, maxPages: Int?,
         trace: (@Sendable (String) -> Void)?) throws {
        _ = Self.configureSQLite
        self.path = path
        probe = FactsVersionProbe(path: path)
        checkpointer = WALCheckpointer(path: path)
        let files = FileManager.default
        let exists = files.fileExists(atPath: path)
        let folder = (path as NSString).deletingLastPathComponent
        let folderPath = folder.isEmpty ? "." : folder
        if !exists {
            guard create else {
                throw CofferError("No database at \(path): create a workspace first (coffer workspace create NAME --owner EMAIL)")
            }
            guard files.fileExists(atPath: folderPath) else { throw CofferError("No such folder: \(folderPath)") }
            guard FilePermissions.isWritable(folderPath) else {
                throw CofferError("Cannot create \(path): the folder \(folderPath) is read-only")
            }
        }
        isReadOnly = exists && (readOnly || !FilePermissions.isWritable(path) || !FilePermissions.isWritable(folderPath))
        do {
            if exists { try Self.preflight(path: path) }
            var config = Configuration()
            config.busyMode = .timeout(StoreErrors.busyTimeout)
            config.readonly = isReadOnly
            config.label = "coffer"
            // Check each page's cells as it is read, so a corrupt page is an error, not garbage (SPEC §10).
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA cell_size_check = ON") }
            if let maxPages {
                config.prepareDatabase { db in try db.execute(sql: "PRAGMA max_page_count = \(maxPages)") }
            }
            if let trace {
                // For `coffer bench`: every statement, with its arguments, so a baseline can replay it.
                config.publicStatementArguments = true
                config.prepareDatabase { db in
                    db.trace { event in
                        if case .statement(let statement) = event { trace(statement.expandedSQL) }
                    }
                }
            }
            if isReadOnly {
                database = try DatabaseQueue(path: path, configuration: config)
            } else {
                database = try DatabasePool(path: path, configuration: config)
                try database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                    // The writer's statement journals in memory: a statement that writes many rows
                    // (32 usage rows, 32 entries) keeps the pages it changes until it ends, and past
                    // 64 KiB SQLite would spill them to a temporary file, a write(2) per page.
                    try db.execute(sql: "PRAGMA temp_store = MEMORY")
                    guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                        throw CofferError("Could not set synchronous = FULL on \(path)")
                    }
                    if let writer = db.sqliteConnection { checkpointer.attach(to: writer) }
                }
            }
            let migrator = Schema.migrator(seal: seal)
            if isReadOnly {
                guard try database.read({ try migrator.hasCompletedMigrations($0) }) else {
                    throw CofferError("\(path) needs an upgrade, but it is read-only")
                }
            } else {
                try migrator.migrate(database)
            }
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// SQLite's process-wide settings, made once before the first connection: no memory
    /// statistics (nothing reads them, and keeping them takes a global mutex on every allocation).
    private static let configureSQLite: Void = { _ = coffer_sqlite_disable_memory_statistics() }()

    /// Checks an existing file before anything may write to it.
    private static func preflight(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(StoreErrors.busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.read { db in
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            guard tables > 0 else { return }
            guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID else {
                throw CofferError("\(path) is not a Coffer database")
            }
            let migrator = Schema.migrator(seal: LedgerSeal(key: nil))
            guard try migrator.hasBeenSuperseded(db) else { return }
            let unknown = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                .filter { !migrator.migrations.contains($0) }
            throw CofferError("\(path) was written by a newer Coffer (schema \(unknown.joined(separator: ", "))): upgrade Coffer to open it")
        }
        try queue.close()
    }

    /// Runs `body` in a read snapshot, through the storage seam.
    func read<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        try readDatabase { try body(SQLiteConnection($0)) }
    }

    /// Runs `body` in a read snapshot on GRDB's own connection.
    func readDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// Runs `body` as one IMMEDIATE write transaction, through the storage seam: committed when it
    /// returns, rolled back when it throws.
    /// (One writer at a time: `scope` changes nothing on SQLite.)
    func write<T>(_ scope: WriteScope, _ body: (any StorageConnection) throws -> T) throws -> T {
        do {
            return try database.write { [writerStatements] in try body(SQLiteConnection($0, shortcuts: writerStatements)) }
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction that is always rolled back (a what-if, R15a):
    /// what it writes is seen by its own reads and never reaches the file.
    func rehearse<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(SQLiteConnection(db, shortcuts: writerStatements))
                    return .rollback
                }
                return result!
            }
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// SQLite answers in-process: nothing goes round a network.
    var roundTrips: Int { 0 }

    func factsVersion() -> Int64? { probe.version() }

    /// The shortcuts' statements go before GRDB closes the connection they were prepared on; the
    /// writer's WAL hook lets go of the checkpointer.
    deinit {
        writerStatements.clear()
        detachCheckpointer()
    }

    /// On the writer's queue, or already on it: the last reference to a store may go inside a
    /// write (GRDB's plain `write` would stop the process there).
    private func detachCheckpointer() {
        if checkpointer.isAttached, let pool = database as? DatabasePool {
            pool.unsafeReentrantWrite { db in
                if let writer = db.sqliteConnection { checkpointer.detach(from: writer) }
            }
        }
        checkpointer.close() // also when the writer could not be reached
    }

    /// Closes the file (checkpointing the WAL when this is the last connection).
    func close() throws {
        probe.close()
        writerStatements.clear()
        detachCheckpointer()
        if let pool = database as? DatabasePool {
            try? pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
            try pool.close()
        }
        if let queue = database as? DatabaseQueue { try queue.close() }
    }
}

extension CofferStore {
    /// The SQLite backend under the store (tests and tools that look beneath Coffer); nil on PostgreSQL.
    var sqlite: SQLiteStore? { backend as? SQLiteStore }

    /// GRDB's connections under an SQLite store (tests and tools that look beneath Coffer).
    var database: any DatabaseWriter {
        guard let sqlite else { preconditionFailure("\(path) is not an SQLite file") }
        return sqlite.database
    }

    /// Runs a read in a consistent snapshot on GRDB's own connection: for the usage queries and
    /// API keys not yet on the storage seam, and for tests. Everything else reads through
    /// `snapshot(_:)`, which hands a `StorageConnection`.
    /// In a what-if store, when something has fallen due, it runs after settlement in a
    /// transaction that is rolled back (R15a), as `snapshot` does.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if try needsRehearsal() {
            return try rehearsal { tx in
                guard let connection = tx.sql as? SQLiteConnection else { throw CofferError("Not an SQLite connection") }
                return try body(connection.db)
            }
        }
        guard let sqlite else { throw CofferError("\(path) is not an SQLite file") }
        return try sqlite.readDatabase(body)
    }
}
