import CofferCore
import GRDB
import Foundation

/// What a write transaction can use: the connection, the clock, the ledger and the audit log.
final class WriteContext {
    /// GRDB's connection, for the code not yet on the storage seam (creating API keys).
    let db: Database
    /// The storage seam services write through (ENGINEERING.md).
    let sql: any StorageConnection
    /// The plan and service catalog in force.
    let catalog: Catalog
    /// The payment gateway charges go through (R10).
    let gateway: any PaymentGateway
    private let seal: LedgerSeal
    /// The time stamped on everything this transaction writes (settlement moves it, R15a).
    private(set) var now: Timestamp
    private var ledgerWriter: LedgerWriter?
    /// Facts that rarely change, shared with the store's other transactions (see `FactCache`).
    let facts: TransactionFacts

    /// A transaction's context over the connection the backend opened it on.
    init(_ connection: SQLiteConnection, catalog: Catalog, gateway: any PaymentGateway, seal: LedgerSeal, facts: FactCache, now: Timestamp) {
        self.db = connection.db
        self.sql = connection
        self.catalog = catalog
        self.gateway = gateway
        self.seal = seal
        self.facts = TransactionFacts(cache: facts)
        self.now = now
    }

    /// The ledger writer of this transaction, created on first use.
    func ledger() throws -> LedgerWriter {
        if let ledgerWriter { return ledgerWriter }
        let writer = try LedgerWriter(sql, seal: seal, facts: facts, now: now)
        ledgerWriter = writer
        return writer
    }

    /// Records an admin or operator change with actor, role, time and before/after (SPEC §10).
    func audit(workspace: Int64?, actor: String, role: String, action: String, subject: String,
               before: String? = nil, after: String? = nil) throws {
        try sql.run("""
            INSERT INTO audit_log(workspace_id, actor, actor_role, action, subject, before, after, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, .int(workspace), .text(actor), .text(role), .text(action), .text(subject), .text(before), .text(after), .int(now))
    }

    /// Starts a new event stamped with `time` (an event's due time, R15a): its entries form
    /// their own batch, so settling in one transaction or many writes the same ledger.
    func setTime(_ time: Timestamp) {
        now = time
        ledgerWriter?.startEvent(at: time)
    }

    /// Set when a charge line was recorded, so the search index catches up before commit.
    var recordedUsage = false
    /// Rollups of this transaction's charge lines, written before commit.
    let rollups = PendingRollups()

    /// Writes what is pending (balances, chain head, rollups, search index) before the commit.
    func finish() throws {
        try ledgerWriter?.finish()
        guard recordedUsage else { return }
        try rollups.flush(sql)
        try SearchIndex.catchUp(sql)
    }

    /// After the commit: the facts this transaction read go back to the store's cache.
    func committed() {
        facts.keep()
    }
}

/// File permission checks that hold for root too: a file without write bits is treated as
/// read-only even though root could write it.
enum FilePermissions {
    static func isWritable(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? Int else { return false }
        return mode & 0o222 != 0 && FileManager.default.isWritableFile(atPath: path)
    }
}

/// Turns SQLite and GRDB errors into one-line messages that name the cause (SPEC §10).
enum StoreErrors {
    /// How long a writer waits for another process's lock before giving up (SPEC §10).
    static let busyTimeout: TimeInterval = 5

    static func describe(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB: return CofferError("\(path) is not a database")
        case .SQLITE_CORRUPT: return CofferError("\(path) is corrupt: \(detail)")
        case .SQLITE_READONLY: return CofferError("The database is read-only: \(path)")
        case .SQLITE_FULL: return CofferError("The disk is full: nothing was written to \(path)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CofferError("The database is locked by another process (waited \(Int(StoreErrors.busyTimeout)) s): nothing was written")
        case .SQLITE_CANTOPEN: return CofferError("Cannot open \(path): \(detail)")
        case .SQLITE_IOERR: return CofferError("I/O error on \(path): \(detail)")
        case .SQLITE_CONSTRAINT: return CofferError("Refused by the database: \(detail)")
        default: return CofferError("Database error on \(path): \(detail)")
        }
    }
}

