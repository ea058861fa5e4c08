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

    /// An event's id within its workspace, as a 64-bit FNV-1a digest of its bytes: hashing two
    /// integers costs an event much less than hashing (and comparing) a `String`, and bytes are
    /// what the database's unique index compares (`String`'s `==` would take two spellings of "é"
    /// for one id). The id itself is kept with what it recorded, and checked on every match.
    private struct Key: Hashable {
        let workspace: Int64, digest: UInt64

        init(workspace: Int64, eventKey: String) {
            var key = eventKey
            self.workspace = workspace
            digest = key.withUTF8 { bytes in
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                return hash
            }
        }
    }

    /// A recorded event under its id.
    private struct Entry {
        let eventKey: String
        let recorded: Recorded
    }

    /// The columns written, in the order `add` takes their values.
    static let columns = [
        "id", "workspace_id", "event_key", "payload_hash", "user_id", "recorded_by", "service", "kind", "quantity",
        "credits", "units", "value", "conversation_id", "title", "billing_type", "api_key", "call_id", "task_id", "import_type", "url",
        "wallets", "balance", "unlimited", "recharge", "created_at", "tab", "messages", "period_start",
    ]
    private static let rowsPerStatement = 32
    private static let head = "INSERT INTO usage_events(\(columns.joined(separator: ", "))) VALUES "
    private static let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    /// The statement for a full chunk (the same text every time, so it is prepared once).
    private static let fullChunk = statement(rows: rowsPerStatement)

    private static func statement(rows: Int) -> String {
        head + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The rows' values, a statement's worth (`rowsPerStatement` rows) to a chunk, so each chunk
    /// is bound as it is, without a copy.
    private var chunks: [[Bind]] = []
    private var recorded: [Key: Entry] = [:]
    /// Ids whose digest another id of the transaction had already (a collision: never seen, but
    /// possible), looked through one by one.
    private var collided: [(workspace: Int64, entry: Entry)] = []
    /// The keys in the order they were added (and whether in `collided`), to take the last ones back.
    private var order: [(key: Key, collided: Bool)] = []

    /// How many rows are pending: a mark to `rewind` to.
    var count: Int { order.count }

    /// Adds a row: `values` in the order of `columns`.
    func add(workspace: Int64, eventKey: String, values row: [Bind], recorded record: Recorded) {
        precondition(row.count == Self.columns.count, "a usage row has \(Self.columns.count) values")
        let key = Key(workspace: workspace, eventKey: eventKey)
        if chunks.last.map({ $0.count == Self.rowsPerStatement * Self.columns.count }) ?? true { // a new statement's rows
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.rowsPerStatement * Self.columns.count)
        }
        chunks[chunks.count - 1] += row
        let entry = Entry(eventKey: eventKey, recorded: record)
        if recorded[key] == nil {
            recorded[key] = entry
            order.append((key, false))
        } else {
            collided.append((workspace, entry))
            order.append((key, true))
        }
    }

    /// The event recorded under this id in this transaction, if any.
    func recorded(workspace: Int64, eventKey: String) -> Recorded? {
        guard !recorded.isEmpty, let entry = recorded[Key(workspace: workspace, eventKey: eventKey)] else { return nil }
        if Self.sameBytes(entry.eventKey, eventKey) { return entry.recorded }
        return collided.first { $0.workspace == workspace && Self.sameBytes($0.entry.eventKey, eventKey) }?.entry.recorded
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }

    /// Takes back the rows added after `mark` (their event's savepoint rolled back).
    func rewind(to mark: Int) {
        while order.count > mark {
            let last = order.removeLast()
            if last.collided { collided.removeLast() } else { recorded[last.key] = nil }
            chunks[chunks.count - 1].removeLast(Self.columns.count)
            if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
        }
    }

    /// Writes the pending rows and forgets them.
    func flush(_ sql: any StorageConnection) throws {
        guard !chunks.isEmpty else { return }
        for chunk in chunks {
            let rows = chunk.count / Self.columns.count
            try sql.run(rows == Self.rowsPerStatement ? Self.fullChunk : Self.statement(rows: rows), chunk)
        }
        chunks.removeAll()
        recorded.removeAll(keepingCapacity: true)
        collided.removeAll()
        order.removeAll(keepingCapacity: true)
    }
}
