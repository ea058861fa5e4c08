/// The usage rows a transaction has recorded and not yet written: kept in memory until
/// `WriteContext.finish()`, which writes them a few dozen per statement, as the ledger writes its
/// entries. One INSERT per event cost a transaction of 2,000 imported lines a fifth of its
/// instructions: each statement opens, descends and closes the table and its indexes again.
///
/// A row's values are final when it is added (its id, charges, balance and time are decided), and
/// nothing in a transaction that records usage reads `usage_events` except the duplicate check
/// (R33), which asks `recorded` first. An event whose savepoint rolls back is taken back with
/// `rewind`.
final class PendingUsageRows {
    /// What an event recorded in this transaction returns when its id comes again (R33).
    struct Recorded {
        let payloadHash: String
        let result: UsageResult
        let usageID: Int64
    }

    /// The columns written, in the order `add` takes their values.
    static let columns = [
        "id", "workspace_id", "event_key", "payload_hash", "user_id", "recorded_by", "service", "kind", "quantity",
        "credits", "units", "value", "conversation_id", "title", "billing_type", "api_key", "call_id", "task_id", "import_type", "url",
        "wallets", "balance", "unlimited", "recharge", "created_at", "tab", "messages", "period_start",
    ]
    private static let insert = MultiRowInsert(into: "usage_events", columns: columns)

    /// The rows' values, a statement's worth (`MultiRowInsert.rowsPerStatement` rows) to a chunk, so each chunk
    /// is bound as it is, without a copy.
    private var chunks: [[Bind]] = []
    private var recorded: [EventIDKey: Recorded] = [:]
    /// The keys in the order they were added, to take the last ones back.
    private var order: [EventIDKey] = []

    /// How many rows are pending: a mark to `rewind` to.
    var count: Int { order.count }

    /// Makes room for `count` rows in all (a group's size, known before its first event): the
    /// rows by id would otherwise grow — and hash every id again — about a dozen times a batch.
    func reserve(_ count: Int) {
        recorded.reserveCapacity(count)
        order.reserveCapacity(count)
    }

    /// Adds a row: `values` in the order of `columns`.
    func add(_ key: EventIDKey, values row: [Bind], recorded record: Recorded) {
        precondition(row.count == Self.columns.count, "a usage row has \(Self.columns.count) values")
        let chunk = MultiRowInsert.rowsPerStatement * Self.columns.count
        if chunks.last.map({ $0.count == chunk }) ?? true { // a new statement's rows
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(chunk)
        }
        chunks[chunks.count - 1] += row
        recorded[key] = record
        order.append(key)
    }

    /// The event recorded under this id in this transaction, if any.
    func recorded(_ key: EventIDKey) -> Recorded? {
        recorded.isEmpty ? nil : recorded[key]
    }

    /// Takes back the rows added after `mark` (their event's savepoint rolled back).
    func rewind(to mark: Int) {
        while order.count > mark {
            recorded[order.removeLast()] = nil
            chunks[chunks.count - 1].removeLast(Self.columns.count)
            if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
        }
    }

    /// Writes the pending rows and forgets them.
    func flush(_ sql: any StorageConnection) throws {
        guard !chunks.isEmpty else { return }
        for chunk in chunks { try Self.insert.run(chunk, on: sql) }
        chunks.removeAll()
        recorded.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
    }
}
