import CofferCore
import Foundation

/// What a write transaction can use: the connection, the clock, the ledger and the audit log.
final class WriteContext {
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
    /// What this transaction may touch (R42): the ledger writer refuses the rest with `NeedsLedgerWideWrite`.
    let scope: WriteScope

    /// A transaction's context over the connection the backend opened it on.
    init(_ connection: any StorageConnection, catalog: Catalog, gateway: any PaymentGateway, seal: LedgerSeal, facts: FactCache,
         scope: WriteScope = .ledger, now: Timestamp) {
        self.sql = connection
        self.scope = scope
        self.catalog = catalog
        self.gateway = gateway
        self.seal = seal
        self.facts = TransactionFacts(cache: facts)
        self.now = now
    }

    /// The ledger writer of this transaction, created on first use.
    func ledger() throws -> LedgerWriter {
        if let ledgerWriter { return ledgerWriter }
        let writer = try LedgerWriter(sql, seal: seal, facts: facts, scope: scope, now: now)
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
    /// This transaction's usage rows, written before commit.
    let pendingUsage = PendingUsageRows()

    /// Writes what is pending (usage rows, rollups, balances, chain head, search index) before the
    /// commit. The ledger writer comes last among the writes: it takes the hash chain, which every
    /// writer takes in turn until it commits (R42), so on PostgreSQL the chain is held for its head's
    /// read and one round trip more — the rest goes with COMMIT.
    func finish() throws {
        if recordedUsage {
            try pendingUsage.flush(sql)
            try rollups.flush(sql)
        }
        try ledgerWriter?.finish()
        if recordedUsage, sql.dialect == .sqlite { try SearchIndex.catchUp(sql) }
    }

    /// After the commit: the facts this transaction read go back to the store's cache.
    func committed() {
        facts.keep()
    }
}
