import CofferCore
import Foundation
import GRDB
import Synchronization

/// A Coffer database: one SQLite file in WAL mode with `synchronous = FULL` (SPEC §10).
///
/// Use cases (`Workspaces`, `Balances`, `Operator`, `LedgerCheck`, …) run each domain command
/// as one IMMEDIATE transaction through `write`, or read through `read`.
public final class CofferStore: Sendable {
    /// The file's path.
    public let path: String
    /// The plan and service catalog in force.
    public let catalog: Catalog
    /// True when the file or its folder is read-only: reads work, writes are refused.
    public let isReadOnly: Bool
    let database: any DatabaseWriter
    let seal: LedgerSeal
    let clock: @Sendable () -> Timestamp
    /// Where card payments go (the in-process sandbox unless another gateway is given).
    let gateway: any PaymentGateway
    /// Where warnings go (the CLI prints them on stderr).
    let warn: @Sendable (String) -> Void
    /// Warnings already given, so each is said once per store.
    private let warned = WarningsGiven()
    /// Facts that rarely change, kept across this store's write transactions (issue #15.5).
    let facts = FactCache()

    /// How long a writer waits for another process's lock before giving up.
    public static let busyTimeout: TimeInterval = StoreErrors.busyTimeout

    /// Opens (or, with `create`, creates) the database at `path`.
    ///
    /// Refuses, with a one-line error and without changing the file: a file that is not a
    /// database, another application's database, a corrupt file, one written by a newer Coffer,
    /// or a ledger sealed with a different `COFFER_LEDGER_KEY`. `trace`, when given, sees every
    /// statement with its arguments (the benchmark's baselines replay them). `maxPages` caps the
    /// file (`PRAGMA max_page_count`): past it a write is refused as on a full disk. `readOnly`
    /// opens the file without ever writing to it (`coffer check`).
    public init(path: String, catalog: Catalog, ledgerKey: String? = nil, create: Bool = true, readOnly: Bool = false, maxPages: Int? = nil,
                gateway: any PaymentGateway = SandboxGateway(), warn: @escaping @Sendable (String) -> Void = { _ in },
                trace: (@Sendable (String) -> Void)? = nil, clock: @escaping @Sendable () -> Timestamp) throws {
        self.path = path
        self.warn = warn
        self.gateway = gateway
        self.catalog = catalog
        self.clock = clock
        seal = LedgerSeal(key: ledgerKey)
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
            config.busyMode = .timeout(Self.busyTimeout)
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
                    guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                        throw CofferError("Could not set synchronous = FULL on \(path)")
                    }
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
            try database.read { db in
                let stored = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta")
                    .map { ($0[0] as String, $0[1] as String?) })
                try seal.verify(storedMode: stored["ledger_seal"] ?? nil, storedKeyCheck: stored["ledger_key_check"] ?? nil)
            }
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// Checks an existing file before anything may write to it.
    private static func preflight(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
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

    /// The current time (the real clock, or `COFFER_NOW`).
    public var now: Timestamp { clock() }

    /// Runs one domain command as one IMMEDIATE transaction; the chain head is written before commit.
    /// Whatever time has made due is settled first, in its own transaction (R15a).
    func write<T>(_ body: (WriteContext) throws -> T) throws -> T {
        guard !isReadOnly else { throw CofferError("The database is read-only: \(path)") }
        // Writers are serialised, so "is anything due?" is asked inside the command's own
        // transaction; only when something is, settlement runs first in its own (R15a) and the
        // command starts again after it.
        while true {
            let done = try transaction { tx -> T? in
                guard try !Self.somethingDue(tx.db, at: tx.now) else { return nil }
                return try body(tx)
            }
            if let done { return done }
            guard try settle() > 0 else {
                // Nothing could be settled (the clock is behind the last settled time): go on, as R15a says.
                return try transaction(body)
            }
        }
    }

    /// Whether a subscription event or a grant expiry has fallen due by `time`, or the clock is
    /// behind the last settled time (so that `settle` can say so).
    static func somethingDue(_ db: Database, at time: Timestamp) throws -> Bool {
        var due = false
        try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM subscriptions WHERE next_due_at IS NOT NULL AND next_due_at <= ?1)
                OR EXISTS (SELECT 1 FROM grants WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?1)
                OR ?1 < ifnull((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'settled_until'), ?1)
            """).each(.int(time)) { row in due = row.int(0) != 0; return false }
        return due
    }

    /// Settles everything that has fallen due (R15a), if anything has; never on a read-only
    /// database. When the clock is behind the last settled time nothing is settled and `warn` says so.
    @discardableResult
    public func settle() throws -> Int {
        guard !isReadOnly else { return 0 }
        let time = now
        let (due, settledUntil) = try read { db -> (Bool, Timestamp?) in
            let settledUntil = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'settled_until'")
            return (try Self.somethingDue(db, at: time), settledUntil)
        }
        if let settledUntil, time < settledUntil {
            if warned.first("clock-behind") {
                warn("The clock (\(UTC.iso(time))) is behind the last settled time (\(UTC.iso(settledUntil))): nothing was settled")
            }
            return 0
        }
        guard due else { return 0 }
        return try transaction { tx in
            switch try Settlement(tx).settleDue() {
            case .settled(let events): return events
            case .clockBehind: return 0
            }
        }
    }

    /// One IMMEDIATE write transaction with a ledger writer; errors become one-line messages.
    private func transaction<T>(_ body: (WriteContext) throws -> T) throws -> T {
        do {
            var context: WriteContext?
            let result = try database.write { db in
                let tx = WriteContext(db: db, catalog: catalog, gateway: gateway, seal: seal, facts: facts, now: now)
                context = tx
                let result = try body(tx)
                try tx.finish()
                return result
            }
            context?.committed() // only facts a commit made true are kept
            return result
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// Runs a read in a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreErrors.describe(error, path: path)
        }
    }

    /// Closes the database (checkpointing the WAL when this is the last connection).
    public func close() throws {
        if let pool = database as? DatabasePool {
            try? pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
            try pool.close()
        }
        if let queue = database as? DatabaseQueue { try queue.close() }
    }
}

/// The warnings a store has already given.
private final class WarningsGiven: Sendable {
    private let given = Mutex<Set<String>>([])

    /// True the first time `key` is asked for.
    func first(_ key: String) -> Bool { given.withLock { $0.insert(key).inserted } }
}

extension CofferStore {
    /// A token that changes whenever anything the dashboard shows changes, in this process or
    /// another: the ledger head, the latest usage event, audit entry and member count.
    public func changeToken() throws -> String {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT ifnull((SELECT last_entry_id FROM ledger_head), 0) || ':' || ifnull((SELECT max(id) FROM usage_events), 0)
                    || ':' || ifnull((SELECT max(id) FROM audit_log), 0) || ':' || (SELECT count(*) FROM members)
                    || ':' || (SELECT count(*) FROM subscriptions WHERE ended_at IS NULL)
                """) ?? ""
        }
    }
}
