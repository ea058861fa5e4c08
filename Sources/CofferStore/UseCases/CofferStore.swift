import CofferCore
import Foundation
import Synchronization

/// A Coffer database: one SQLite file in WAL mode with `synchronous = FULL` (SPEC §10), or a
/// PostgreSQL database that several hosts share (SPEC §13).
///
/// Use cases (`Workspaces`, `Balances`, `Operator`, `LedgerCheck`, …) run each domain command
/// as one IMMEDIATE transaction through `write`, or read in one snapshot through `snapshot`; both
/// hand them the storage seam (`StorageConnection`), so the backend under it (`SQLiteStore`) can change.
public final class CofferStore: Sendable {
    /// Where the ledger lives: the file's path, or the PostgreSQL URL without its password.
    public let path: String
    /// The plan and service catalog in force.
    public let catalog: Catalog
    /// True when the file or its folder is read-only: reads work, writes are refused.
    public let isReadOnly: Bool
    /// True for a read command's store (R15a): it never writes. What has fallen due is settled
    /// inside each read's own transaction, which is rolled back, and so is every write.
    public let isWhatIf: Bool
    /// The backend every read and write goes through.
    let backend: any StorageBackend
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
    /// The holders of presented API keys, by the secret's hash, while `facts_version` holds.
    let keyHolders = KeyHolderCache()

    /// How long a writer waits for another process's lock before giving up.
    public static let busyTimeout: TimeInterval = StoreErrors.busyTimeout

    /// Opens (or, with `create`, creates) the database at `path`.
    ///
    /// Refuses, with a one-line error and without changing the file: a file that is not a
    /// database, another application's database, a corrupt file, one written by a newer Coffer,
    /// or a ledger sealed with a different `COFFER_LEDGER_KEY`. `trace`, when given, sees every
    /// statement with its arguments (the benchmark's baselines replay them). `maxPages` caps the
    /// file (`PRAGMA max_page_count`): past it a write is refused as on a full disk. `readOnly`
    /// opens the file without ever writing to it (`coffer check`); `whatIf` shows the present
    /// without writing it (a read command: see `isWhatIf`).
    public init(path: String, catalog: Catalog, ledgerKey: String? = nil, create: Bool = true, readOnly: Bool = false,
                whatIf: Bool = false, maxPages: Int? = nil,
                gateway: any PaymentGateway = SandboxGateway(), warn: @escaping @Sendable (String) -> Void = { _ in },
                trace: (@Sendable (String) -> Void)? = nil, clock: @escaping @Sendable () -> Timestamp) throws {
        self.warn = warn
        self.gateway = gateway
        self.catalog = catalog
        self.clock = clock
        seal = LedgerSeal(key: ledgerKey)
        backend = try Backends.open(path, seal: seal, create: create, readOnly: readOnly, maxPages: maxPages, trace: trace)
        self.path = backend.location
        isReadOnly = backend.isReadOnly
        isWhatIf = whatIf
        try backend.read { sql in
            var stored: [String: String?] = [:]
            try sql.each("SELECT key, value FROM meta", []) { row in stored[row.text(0)] = row.optionalText(1); return true }
            try seal.verify(storedMode: stored["ledger_seal"] ?? nil, storedKeyCheck: stored["ledger_key_check"] ?? nil)
        }
    }

    /// Whether a ledger location is already taken: a file exists at the path, or the PostgreSQL
    /// database holds tables. Reads only; an unreachable server is an error.
    public static func isOccupied(_ location: String) throws -> Bool {
        try Backends.isOccupied(location)
    }

    /// The location as messages show it: a PostgreSQL URL without its password, a path as it is.
    public static func shown(_ location: String) -> String {
        PostgresURL.redacted(location)
    }

    /// The current time (the real clock, or `COFFER_NOW`).
    public var now: Timestamp { clock() }

    /// Round trips to the database server so far (PostgreSQL; zero for SQLite, which answers
    /// in-process): what `coffer bench` and the tests show a read or a write costs beyond its work.
    public var roundTrips: Int { backend.roundTrips }

    /// Runs one domain command as one IMMEDIATE transaction; the chain head is written before commit.
    /// Whatever time has made due is settled first, in its own transaction (R15a). A command scoped
    /// to workspaces (`WriteScope`) that finds it needs more runs again, ledger-wide.
    func write<T>(scope: WriteScope = .ledger, _ body: (WriteContext) throws -> T) throws -> T {
        guard !isReadOnly else { throw CofferError("The database is read-only: \(path)") }
        if isWhatIf { return try rehearsal(body) }
        guard scope != .ledger, backend.writesInParallel else { return try settledWrite(scope: .ledger, body) }
        do {
            return try settledWrite(scope: scope, body)
        } catch is NeedsLedgerWideWrite {
            return try settledWrite(scope: .ledger, body)
        }
    }

    /// `write`, in one scope.
    private func settledWrite<T>(scope: WriteScope, _ body: (WriteContext) throws -> T) throws -> T {
        // Writers are serialised, so "is anything due?" is asked inside the command's own
        // transaction; only when something is, settlement runs first in its own (R15a) and the
        // command starts again after it.
        while true {
            let done = try transaction(scope: scope) { tx -> T? in
                guard try !Self.somethingDue(tx.sql, at: tx.now) else { return nil }
                return try body(tx)
            }
            if let done { return done }
            guard try settle() > 0 else {
                // Nothing could be settled (the clock is behind the last settled time): go on, as R15a says.
                return try transaction(scope: scope, body)
            }
        }
    }

    /// Whether a subscription event or a grant expiry has fallen due by `time`, or the clock is
    /// behind the last settled time (so that `settle` can say so).
    static func somethingDue(_ sql: any StorageConnection, at time: Timestamp) throws -> Bool {
        try sql.int("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE next_due_at IS NOT NULL AND next_due_at <= ?)
                OR EXISTS (SELECT 1 FROM grants WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?)
                OR ? < coalesce((SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'settled_until'), ?)
            THEN 1 ELSE 0 END
            """, .int(time), .int(time), .int(time), .int(time)) == 1
    }

    /// Settles everything that has fallen due (R15a), if anything has; never on a read-only
    /// database. When the clock is behind the last settled time nothing is settled and `warn` says so.
    @discardableResult
    public func settle() throws -> Int {
        guard !isReadOnly else { return 0 }
        let time = now
        let (due, settledUntil) = try backend.read { sql -> (Bool, Timestamp?) in
            (try Self.somethingDue(sql, at: time), try sql.metaInt("settled_until"))
        }
        if let settledUntil, time < settledUntil {
            if warned.first("clock-behind") {
                warn("The clock (\(UTC.iso(time))) is behind the last settled time (\(UTC.iso(settledUntil))): nothing was settled")
            }
            return 0
        }
        guard due, !isWhatIf else { return 0 }
        return try transaction { tx in
            switch try Settlement(tx).settleDue() {
            case .settled(let events): return events
            case .clockBehind: return 0
            }
        }
    }

    /// One IMMEDIATE write transaction with a ledger writer; errors become one-line messages.
    private func transaction<T>(scope: WriteScope = .ledger, _ body: (WriteContext) throws -> T) throws -> T {
        var context: WriteContext?
        let result = try backend.write(scope) { connection in
            let tx = WriteContext(connection, catalog: catalog, gateway: gateway, seal: seal, facts: facts, scope: scope, now: now)
            context = tx
            let result = try body(tx)
            try tx.finish()
            return result
        }
        context?.committed() // only facts a commit made true are kept
        return result
    }

    /// Runs a read in a consistent snapshot, through the storage seam (the read path beside `write`'s
    /// `WriteContext.sql`); errors become one-line messages.
    /// In a what-if store, when something has fallen due, the read runs after settlement in a
    /// transaction that is then rolled back (R15a).
    func snapshot<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        if try needsRehearsal() { return try rehearsal { try body($0.sql) } }
        return try backend.read(body)
    }

    /// Whether a read of this what-if store must settle first (nothing is due otherwise, or it is not a what-if).
    func needsRehearsal() throws -> Bool {
        guard isWhatIf, !isReadOnly else { return false }
        let time = now
        return try backend.read { sql in
            let behind = time < (try sql.metaInt("settled_until") ?? time)
            return try !behind && Self.somethingDue(sql, at: time)
        }
    }

    /// R15a's what-if: settles what is due, then runs `body`, in one IMMEDIATE transaction that is
    /// rolled back; charges are only previewed (`PaymentGateway.preview`). Nothing reaches the file.
    func rehearsal<T>(_ body: (WriteContext) throws -> T) throws -> T {
        try backend.rehearse { connection in
            let settling = WriteContext(connection, catalog: catalog, gateway: WhatIfGateway(base: gateway), seal: seal, facts: facts, now: now)
            _ = try Settlement(settling).settleDue()
            try settling.finish()
            let tx = WriteContext(connection, catalog: catalog, gateway: WhatIfGateway(base: gateway), seal: seal, facts: facts, now: now)
            let result = try body(tx)
            try tx.finish()
            return result
        }
    }

    /// Closes the database (checkpointing the WAL when this is the last connection).
    public func close() throws {
        try backend.close()
    }
}

/// The warnings a store has already given.
private final class WarningsGiven: Sendable {
    private let given = Mutex<Set<String>>([])

    /// True the first time `key` is asked for.
    func first(_ key: String) -> Bool { given.withLock { $0.insert(key).inserted } }
}

extension CofferStore {
    /// A token that changes whenever anything the dashboard of `workspace` shows changes, in this
    /// process or another: the ledger head, the latest usage event and audit entry, the member and
    /// subscription counts.
    ///
    /// On SQLite one writer at a time takes ids, so the latest id moves on every commit. On PostgreSQL
    /// writers of different workspaces run at once (R42): one that took its ids first may commit
    /// last, under a latest id another team's commit already showed. Only the workspace's own
    /// writers are serialised, so there the token also holds the workspace's own latest ids.
    public func changeToken(workspace: Int64) throws -> String {
        try snapshot { sql in
            let own = sql.dialect == .postgres
                ? ", coalesce((SELECT max(id) FROM usage_events WHERE workspace_id = ?1), 0), coalesce((SELECT max(id) FROM audit_log WHERE workspace_id = ?1), 0)"
                : ""
            return try sql.first("""
                SELECT coalesce((SELECT last_entry_id FROM ledger_head), 0), coalesce((SELECT max(id) FROM usage_events), 0),
                       coalesce((SELECT max(id) FROM audit_log), 0), (SELECT count(*) FROM members),
                       (SELECT count(*) FROM subscriptions WHERE ended_at IS NULL)\(own)
                """, own.isEmpty ? [] : [.int(workspace)], map: { row in
                (Int32(0)..<(own.isEmpty ? 5 : 7)).map { String(row.int($0)) }.joined(separator: ":")
            }) ?? ""
        }
    }
}
