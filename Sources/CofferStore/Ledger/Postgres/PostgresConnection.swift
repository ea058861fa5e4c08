import CPq
import CofferCore

/// The storage seam over one libpq connection (SPEC §13). Statements arrive in the SQL both
/// backends speak; `PostgresSQL` translates what differs (placeholders, `ifnull`, `LIKE`, index
/// hints) once per statement, and each translated statement is prepared once per connection and
/// kept, as GRDB's cached statements are. Parameters are typed from their `Bind`s; rows come back
/// as text and are read by column index.
///
/// Every statement costs a round trip to the server, so none is sent alone when it need not be:
/// what needs no answer — the transaction's BEGIN, its locks, a savepoint, a write whose rows
/// nobody reads (`run`) — waits in a queue and goes with the next statement that does, in one
/// libpq pipeline (`PostgresPipeline`); reads declared ahead (`readAhead`) go together too.
final class PostgresConnection: StorageConnection, @unchecked Sendable { // used by one transaction at a time (the pool lends it)
    private let pipeline: PostgresPipeline
    /// Statements that need no answer, in order, waiting for the next round trip.
    private var queue: [Query] = []
    /// Rows read ahead (`readAhead`), until the statement is asked for, the transaction ends, or
    /// (for reads) something is written.
    private var readAheadResults: [Query: OpaquePointer] = [:]
    private var lastChanged = 0
    /// The last event's savepoint is still open: its writes stand, and it is released with the
    /// next one's opening (or by the transaction's end).
    private var savepointOpen = false
    /// The current event's savepoint, opened at its first write.
    private var savepoint = LazySavepoint()
    /// Sees every statement, its parameters written in (`CofferStore`'s `trace`).
    private let trace: (@Sendable (String) -> Void)?

    /// Connects to `url` (a libpq connection URI); the error names the URL without its password.
    init(url: String, shownAs location: String, counter: RoundTripCounter = RoundTripCounter(),
         trace: (@Sendable (String) -> Void)? = nil) throws {
        pipeline = try PostgresPipeline(url: url, shownAs: location, counter: counter)
        self.trace = trace
        // Notices (e.g. "extension already exists") are not the user's business. A lock another
        // session holds (the writer lock, R42) is waited for as long as SQLite's busy timeout, no longer (SPEC §10).
        try execute("SET client_min_messages = warning; SET lock_timeout = '\(Int(StoreErrors.busyTimeout * 1_000))ms'")
    }

    deinit { discardReadAhead() }

    /// Whether the connection is still usable (a pool drops it otherwise).
    var isHealthy: Bool { queue.isEmpty && pipeline.isIdle }

    var dialect: SQLDialect { .postgres }

    /// PostgreSQL keeps no last inserted id: statements return theirs with `RETURNING`.
    var lastInsertedID: Int64? { nil }

    var changedRows: Int {
        get throws {
            try flush()
            return lastChanged
        }
    }

    /// Runs SQL with no parameters. A transaction's BEGIN waits for its first statement; COMMIT
    /// takes what waits with it; ROLLBACK drops what waits (and costs nothing when the server never
    /// saw the BEGIN). Anything else — DDL, several statements in one string — runs on its own,
    /// after what waits.
    func execute(_ sql: String) throws {
        trace?(sql)
        discardReadAhead()
        if sql == "ROLLBACK" {
            queue.removeAll()
            savepointOpen = false
            if pipeline.inTransaction { try pipeline.executeSimple(sql) }
            return
        }
        if sql.hasPrefix("BEGIN"), !sql.contains(";") {
            savepointOpen = false
            queue.append(Query(sql, []))
            return
        }
        if sql == "COMMIT" {
            savepointOpen = false
            queue.append(Query(sql, []))
            let results = try takeQueue()
            defer { results.forEach { PQclear($0) } }
            // COMMIT of a transaction a failure left unusable answers ROLLBACK, not an error: it is one.
            if let commit = results.last ?? nil, String(cString: PQcmdStatus(commit)) == "ROLLBACK" {
                throw PostgresError(state: "25P02", message: "The transaction failed and was rolled back: nothing was written")
            }
            return
        }
        try flush()
        try pipeline.executeSimple(sql)
    }

    func run(_ sql: String, _ values: [Bind]) throws {
        enqueue(sql, values)
    }

    func each(_ sql: String, _ values: [Bind], _ row: (any StorageRow) throws -> Bool) throws {
        let result = try answer(sql, values)
        defer { PQclear(result) }
        let count = PQntuples(result)
        var index: Int32 = 0
        while index < count {
            guard try row(PostgresRow(result: result, index: index)) else { break }
            index += 1
        }
    }

    /// Sends what waits and every query not already read ahead in one round trip, and keeps their rows.
    /// A write read ahead (`RETURNING` rows) runs outside any event's savepoint, so only between events.
    func readAhead(_ queries: [Query]) throws {
        var seen = Set<Query>()
        let new = queries.filter { readAheadResults[$0] == nil && seen.insert($0).inserted }
        guard !new.isEmpty else { return }
        precondition(!savepoint.inEvent || new.allSatisfy { LazySavepoint.reads($0.sql) }, "writes are read ahead only between events")
        for query in new { trace?(PostgresSQL.expand(query.sql, query.values)) }
        let waiting = queue
        queue.removeAll()
        let results = try pipeline.roundTrip(waiting + new)
        for (query, result) in zip(new, results.suffix(new.count)) { readAheadResults[query] = result }
        results.prefix(waiting.count).forEach { PQclear($0) }
    }

    func lockLedgerChain() throws {
        enqueue("SELECT pg_advisory_xact_lock(?)", [.int(PostgresLocks.chain)])
    }

    /// The savepoint opens before the event's first write (`LazySavepoint`) and stays open after
    /// `body` returns (its writes stand): the next opening releases it, and the transaction's end
    /// closes the last one. An event that wrote sends its writes before it ends, so a failure is
    /// its own refusal. A statement that fails outside a savepoint leaves the transaction unusable
    /// on PostgreSQL, so such a failure is never one event's refusal: it fails the transaction.
    func inSavepoint(_ body: () throws -> Void) throws {
        savepoint.begin()
        do {
            try body()
            if savepoint.isOpen { try flush() }
        } catch {
            guard savepoint.end() else { throw error }
            savepointOpen = false
            try? flush()
            discardReadAhead() // what was read inside the event may have seen its writes
            try? pipeline.executeSimple("ROLLBACK TO SAVEPOINT coffer_event; RELEASE SAVEPOINT coffer_event")
            if let error = error as? PostgresError, error.isConstraint { throw StorageRefusal(message: error.message) }
            throw error
        }
        _ = savepoint.end()
    }

    /// PostgreSQL checks its own pages (with checksums, when the cluster has them) as it reads:
    /// there is no separate scan to run, so nothing is reported here; `check`'s own invariants
    /// (balances, chain, rollups) run as on SQLite.
    func integrityProblems() throws -> [String] { [] }

    /// Queues a statement, opening the event's savepoint before its first write; a write makes
    /// the reads read ahead stale.
    private func enqueue(_ sql: String, _ values: [Bind]) {
        if savepoint.opens(before: sql) {
            for opening in savepointOpen ? ["RELEASE SAVEPOINT coffer_event", "SAVEPOINT coffer_event"] : ["SAVEPOINT coffer_event"] {
                trace?(opening)
                queue.append(Query(opening, []))
            }
            savepointOpen = true
        }
        if !LazySavepoint.reads(sql) { discardReadAhead(readsOnly: true) }
        if let trace { trace(PostgresSQL.expand(sql, values)) }
        queue.append(Query(sql, values))
    }

    /// The result of a statement whose rows are wanted: read ahead, or sent now with what waits.
    /// The result is the caller's to clear.
    private func answer(_ sql: String, _ values: [Bind]) throws -> OpaquePointer? {
        if !readAheadResults.isEmpty, let result = readAheadResults.removeValue(forKey: Query(sql, values)) {
            return result // traced when it was sent
        }
        enqueue(sql, values)
        let results = try takeQueue()
        results.dropLast().forEach { PQclear($0) }
        return results.last ?? nil
    }

    /// Sends what waits in one round trip (the changed-row count is then the last statement's).
    func flush() throws {
        guard !queue.isEmpty else { return }
        try takeQueue().forEach { PQclear($0) }
    }

    /// Sends the queue in one round trip and empties it, whatever the outcome.
    private func takeQueue() throws -> [OpaquePointer?] {
        let sending = queue
        queue.removeAll(keepingCapacity: true)
        let results = try pipeline.roundTrip(sending)
        lastChanged = pipeline.lastChanged
        return results
    }

    /// Drops rows read ahead and not asked for: all of them (the transaction ends), or those of
    /// reads (a write may have changed what they saw; a write's own returned rows stay true, and
    /// it must never run twice).
    private func discardReadAhead(readsOnly: Bool = false) {
        guard !readAheadResults.isEmpty else { return }
        for (query, result) in readAheadResults where !readsOnly || LazySavepoint.reads(query.sql) {
            PQclear(result)
            readAheadResults[query] = nil
        }
    }
}
