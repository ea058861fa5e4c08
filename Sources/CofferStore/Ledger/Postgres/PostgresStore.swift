import CofferCore
import Foundation
import Synchronization

/// The PostgreSQL backend (SPEC §13): one ledger that several hosts and `coffer serve` processes
/// share. Each transaction takes a connection from a small pool. Reads run in a REPEATABLE READ
/// snapshot; every write transaction first takes transaction-scoped advisory locks (`PostgresLocks`)
/// for what it may touch (`WriteScope`): writers of the same workspace, or a ledger-wide writer, are
/// serialised as SQLite's are — no lost update, no overdraft, no limit passed — while writers of
/// different workspaces proceed in parallel up to the chain, which each extends in turn (R42).
/// Commits are durable (`synchronous_commit` on).
final class PostgresStore: StorageBackend, @unchecked Sendable {
    /// The URL without its password (for messages).
    let location: String
    let isReadOnly: Bool
    var writesInParallel: Bool { true }
    private let url: String
    /// Sees every statement (`CofferStore`'s `trace`).
    private let trace: (@Sendable (String) -> Void)?
    private let idle = Mutex<[PostgresConnection]>([])
    private let roundTripCounter = RoundTripCounter()
    var roundTrips: Int { roundTripCounter.value }

    /// Connects to `url` and migrates its schema forward (creating it in an empty database when
    /// `create`). Refuses, with a one-line error and changing nothing: a server it cannot reach, a
    /// database that holds something other than Coffer's tables, one from a newer Coffer, or (without
    /// `create`) one with no ledger yet.
    init(url: String, seal: LedgerSeal, create: Bool, readOnly: Bool, trace: (@Sendable (String) -> Void)? = nil) throws {
        self.url = url
        self.trace = trace
        location = PostgresURL.redacted(url)
        isReadOnly = readOnly
        try withConnection { connection in
            // A ledger that is up to date is opened without waiting for any writer.
            if try PostgresMigrations.isCurrent(connection, location: location) { return }
            try connection.execute("BEGIN")
            do {
                try Self.lock(.ledger, on: connection)
                try PostgresMigrations.migrate(connection, seal: seal, create: create, readOnly: readOnly, location: location)
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    func read<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", commit: true, body)
    }

    func write<T>(_ scope: WriteScope, _ body: (any StorageConnection) throws -> T) throws -> T {
        guard !isReadOnly else { throw CofferError("The database is read-only: \(location)") }
        return try transaction(begin: "BEGIN", lock: scope, commit: true, body)
    }

    func rehearse<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN", lock: .ledger, commit: false, body)
    }

    /// Takes the advisory locks of `scope` (`PostgresLocks`), workspaces in ascending order so two
    /// writers never wait for each other in a circle.
    private static func lock(_ scope: WriteScope, on connection: PostgresConnection) throws {
        switch scope {
        case .ledger:
            try connection.run("SELECT pg_advisory_xact_lock(?)", [.int(PostgresLocks.ledger)])
        case .workspaces(let workspaces):
            try connection.run("SELECT pg_advisory_xact_lock_shared(?)", [.int(PostgresLocks.ledger)])
            for workspace in workspaces.sorted() {
                try connection.run("SELECT pg_advisory_xact_lock(CAST(? AS INT4), CAST(? AS INT4))",
                                   [.int(Int64(PostgresLocks.workspaceClass)), .int(workspace)])
            }
        }
    }

    /// One statement on its own, outside any transaction (a single read is consistent by itself):
    /// one round trip instead of a snapshot's BEGIN, read and COMMIT. Nil when it fails (the caller
    /// then reads the counter in a snapshot, which reports the failure).
    func factsVersion() -> Int64? {
        try? withConnection { try FactCache.version($0) }
    }

    func close() throws {
        idle.withLock { $0.removeAll() }
    }

    /// Runs `body` in one transaction on a pooled connection: committed when `commit` and it
    /// returns, rolled back otherwise; errors become one-line messages.
    private func transaction<T>(begin: String, lock: WriteScope? = nil, commit: Bool,
                                _ body: (any StorageConnection) throws -> T) throws -> T {
        try withConnection { connection in
            try connection.execute(begin)
            do {
                if let lock { try Self.lock(lock, on: connection) }
                let result = try body(connection)
                // A what-if's writes run too (a constraint they break is its answer), then go.
                if !commit { try connection.flush() }
                try connection.execute(commit ? "COMMIT" : "ROLLBACK")
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// `VACUUM (ANALYZE)` over the whole database, outside any transaction: after a bulk copy, the
    /// planner gets its statistics and the visibility map is set (index-only scans) now, instead
    /// of when autovacuum reaches the new tables — in the middle of their first reads.
    func vacuumAnalyze() throws {
        try withConnection { try $0.execute("VACUUM (ANALYZE)") }
    }

    /// Lends a connection from the pool (opening one when none is idle) and takes it back after.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? PostgresConnection(url: url, shownAs: location, counter: roundTripCounter, trace: trace)
        do {
            let result = try body(connection)
            release(connection)
            return result
        } catch let error as PostgresError {
            release(connection)
            if error.isLockTimeout {
                throw CofferError("The database is locked by another process (waited \(Int(StoreErrors.busyTimeout)) s): nothing was written")
            }
            throw CofferError(error.isConstraint ? "Refused by the database: \(error.message)" : "Database error on \(location): \(error.message)")
        } catch {
            release(connection)
            throw error
        }
    }

    private func release(_ connection: PostgresConnection) {
        guard connection.isHealthy else { return }
        idle.withLock { if $0.count < 16 { $0.append(connection) } }
    }
}

/// PostgreSQL connection URLs (`postgres://USER@HOST/DB`, libpq's URI form).
enum PostgresURL {
    /// Whether `location` names a PostgreSQL database rather than a file.
    static func names(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// `url` with any password replaced by `***` (URLs appear in messages and logs).
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// The advisory locks PostgreSQL's writers take (R42), all transaction-scoped. A ledger-wide
/// write holds `ledger` exclusively; a write scoped to workspaces holds it shared, plus each
/// workspace's own lock (`workspaceClass`, id); every transaction that posts entries takes `chain`
/// in `finish()`, just before it writes them.
enum PostgresLocks {
    /// Held exclusively by ledger-wide writers, shared by workspace-scoped ones ("Coffer" in ASCII).
    static let ledger: Int64 = 0x436F_6666_6572
    /// The entries' hash chain ("Chain" in ASCII).
    static let chain: Int64 = 0x43_6861_696E
    /// The first key of a workspace's lock (the second is the workspace's id).
    static let workspaceClass: Int32 = 0x4357 // "CW"
}
