import CofferCore
import Foundation
import GRDBSQLite

/// A bare SQLite connection through the C API: the benchmark's baseline, with no domain code
/// and no GRDB in the way.
final class RawSQLite {
    private var handle: OpaquePointer?

    /// Opens `path` in WAL mode with `synchronous = FULL` (the ledger's settings).
    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw CofferError("Baseline: cannot open \(path)")
        }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs statements that return nothing.
    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            throw CofferError("Baseline: \(message)")
        }
    }

    /// The first column of a statement's first row as an integer; nil for no row or NULL.
    func int(_ sql: String) throws -> Int64? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw CofferError("Baseline: \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(statement, 0)
    }

    /// The first column of a statement's first row as text; nil for no row or NULL.
    func text(_ sql: String) throws -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw CofferError("Baseline: \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }

    /// Prepares, steps through every row and finalizes each statement (a replayed query).
    func replay(_ statements: [String]) throws {
        for sql in statements {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
                throw CofferError("Baseline: \(String(cString: sqlite3_errmsg(handle))) in \(sql.prefix(80))")
            }
            while sqlite3_step(statement) == SQLITE_ROW {}
            sqlite3_finalize(statement)
        }
    }

    /// A prepared statement kept for a loop of writes.
    final class Prepared {
        let statement: OpaquePointer
        init(_ statement: OpaquePointer) { self.statement = statement }
        deinit { sqlite3_finalize(statement) }

        /// Binds integers and texts in order, steps once, resets.
        func run(_ values: [Any?]) throws { _ = try value(values) }

        /// Binds, steps once and resets, returning the first column of the row it gave (nil for
        /// none, or NULL): a `RETURNING id`, or a lookup.
        @discardableResult
        func value(_ values: [Any?]) throws -> Int64? {
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case let v as Int64: sqlite3_bind_int64(statement, index, v)
                case let v as Int: sqlite3_bind_int64(statement, index, Int64(v))
                case let v as String: sqlite3_bind_text(statement, index, v, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                case let v as [UInt8]:
                    _ = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
                default: sqlite3_bind_null(statement, index)
                }
            }
            let code = sqlite3_step(statement)
            let first = code == SQLITE_ROW && sqlite3_column_type(statement, 0) != SQLITE_NULL ? sqlite3_column_int64(statement, 0) : nil
            sqlite3_reset(statement)
            guard code == SQLITE_DONE || code == SQLITE_ROW else { throw CofferError("Baseline: step failed (\(code))") }
            return first
        }
    }

    /// Rows the last statement changed.
    var changes: Int32 { sqlite3_changes(handle) }

    /// The rowid of the last row an INSERT added on this connection.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Prepares a statement for repeated use.
    func prepare(_ sql: String) throws -> Prepared {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw CofferError("Baseline: \(String(cString: sqlite3_errmsg(handle)))")
        }
        return Prepared(statement)
    }
}

/// The rows a transaction of debits writes, written through the C API with no domain code, in the
/// shape Coffer's writer writes them: per debit its usage record and ledger entry, 32 to a
/// statement; once per transaction the grant drawn, both balances, the chain head, the wallet's
/// day, the daily usage, each conversation's rollup and its day (a new conversation's first day
/// inserted outright; a new day of an older one after the previous day's lookup, with the day's
/// count and the next day's link, as `ConversationDays`), the member's spend, and — once 512 new
/// conversations wait, as `SearchIndex.catchUp` — the conversations' trigram index. The baseline
/// for durable debits (one transaction each), batch import and `coffer serve`'s groups (many per
/// transaction).
final class RawDebitWriter {
    let database: RawSQLite
    private let usage, entry: RowsStatement
    private let grant, balance, head, daily, conversation, spend, walletDay: RawSQLite.Prepared
    private let conversationID, day, previousDay, newDay, dayCount, nextDay, search, searched: RawSQLite.Prepared
    let workspace: Int64, user: Int64, pool: Int64, sink: Int64, grantID: Int64
    /// The newest conversation the trigram index holds, and the newest written.
    private var indexed: Int64, newestConversation: Int64

    init(path: String, workspace: Int64, user: Int64, pool: Int64, sink: Int64, grant: Int64) throws {
        database = try RawSQLite(path: path)
        (self.workspace, self.user, self.pool, self.sink, self.grantID) = (workspace, user, pool, sink, grant)
        usage = RowsStatement(database, head: """
            INSERT INTO usage_events(workspace_id, event_key, payload_hash, user_id, recorded_by, service, kind, quantity,
              credits, units, value, conversation_id, title, billing_type, api_key, call_id, task_id, import_type, url,
              wallets, balance, unlimited, recharge, created_at, tab, messages) VALUES
            """, row: """
            (?, ?, ?, ?, ?, 'gpt-4o', 'conversation_message', 1000, 15, 0, 15, ?, 'Roadmap review', 'message',
              NULL, NULL, NULL, NULL, NULL, 'team_pool', ?, 0, NULL, ?, 1, 1000)
            """)
        entry = RowsStatement(database, head: """
            INSERT INTO entries(batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at, prev_hash, hash) VALUES
            """, row: "(?, 'credits', ?, ?, 15, ?, 'spend', ?, ?, ?, ?)")
        self.grant = try database.prepare("UPDATE grants SET remaining = remaining - ? WHERE id = ?")
        balance = try database.prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?")
        head = try database.prepare("UPDATE ledger_head SET last_entry_id = ?, hash = ? WHERE id = 1")
        daily = try database.prepare("""
            INSERT INTO usage_daily(workspace_id, tab, type, day, user_id, service, lines, messages, credits)
            VALUES (?1, 1, 'message', ?2, ?3, 'gpt-4o', ?4, 1000 * ?4, 15 * ?4)
            ON CONFLICT DO UPDATE SET lines = lines + ?4, messages = messages + 1000 * ?4, credits = credits + 15 * ?4
            """)
        conversation = try database.prepare("""
            INSERT INTO conversations(workspace_id, conversation_id, billing_type, title, user_id, creator, messages, credits, updated_at, first_at)
            VALUES (?1, ?2, 'message', 'Roadmap review', ?3, 'ada@acme.test', 1000 * ?5, 15 * ?5, ?4, ?4)
            ON CONFLICT (workspace_id, conversation_id, billing_type) DO UPDATE SET messages = messages + 1000 * ?5, credits = credits + 15 * ?5,
              updated_at = max(updated_at, excluded.updated_at), first_at = min(first_at, excluded.first_at)
            """)
        conversationID = try database.prepare("SELECT id FROM conversations WHERE workspace_id = ? AND conversation_id = ? AND billing_type = 'message'")
        spend = try database.prepare("""
            INSERT INTO member_spend(workspace_id, user_id, period_start, used) VALUES (?1, ?2, 0, ?3)
            ON CONFLICT DO UPDATE SET used = used + ?3
            """)
        walletDay = try database.prepare("""
            INSERT INTO account_days(account_id, day, net) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET net = net + ?3
            """)
        day = try database.prepare("""
            UPDATE conversation_days SET messages = messages + ?3, credits = credits + ?4, first_at = min(first_at, ?5), last_at = max(last_at, ?5)
            WHERE workspace_id = ?1 AND day = ?2 AND conversation = ?6
            """)
        previousDay = try database.prepare("SELECT max(day) FROM conversation_days WHERE workspace_id = ? AND conversation = ? AND day < ?")
        newDay = try database.prepare("""
            INSERT INTO conversation_days(workspace_id, day, conversation, billing_type, messages, credits, first_at, last_at, prev_day)
            VALUES (?1, ?2, ?3, 'message', ?4, ?5, ?6, ?6, ?7)
            """)
        dayCount = try database.prepare("""
            INSERT INTO conversation_day_counts(workspace_id, day, billing_type, conversations) VALUES (?, ?, 'message', 1)
            ON CONFLICT (workspace_id, day, billing_type) DO UPDATE SET conversations = conversations + 1
            """)
        nextDay = try database.prepare("""
            UPDATE conversation_days SET prev_day = ?1
            WHERE workspace_id = ?2 AND conversation = ?3
              AND day = (SELECT min(day) FROM conversation_days WHERE workspace_id = ?2 AND conversation = ?3 AND day > ?1)
            """)
        search = try database.prepare("""
            INSERT INTO conversation_search(rowid, conversation_id, title, creator)
            SELECT id, conversation_id, title, creator FROM conversations WHERE id > ? ORDER BY id
            """)
        searched = try database.prepare("""
            INSERT INTO meta(key, value) VALUES ('search_indexed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """)
        indexed = Int64(try database.text("SELECT value FROM meta WHERE key = 'search_indexed'") ?? "0") ?? 0
        newestConversation = try database.int("SELECT max(id) FROM conversations") ?? 0
    }

    /// Writes the rows of debits `first`…`first + count - 1` (no transaction of its own); debit n is
    /// in conversation `n / 8`, as the bench's events are.
    func write(first: Int64, count: Int, at time: Timestamp) throws {
        var hash: [UInt8] = []
        var conversations: [(name: String, debits: Int64)] = []
        for n in first..<first + Int64(count) {
            hash = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 32)
            let name = "conv-\(n / 8)"
            try usage.add([workspace, "raw-\(n)", "fingerprint-\(n)", user, user, name, Int64(1_000_000), time])
            try entry.add([n, pool, sink, grantID, n, time, hash, hash])
            if conversations.last?.name == name { conversations[conversations.count - 1].debits += 1 } else { conversations.append((name, 1)) }
        }
        try usage.flush()
        try entry.flush()
        let debits = Int64(count), total = 15 * Int64(count)
        try grant.run([total, grantID])
        try balance.run([-total, pool])
        try balance.run([total, sink])
        try head.run([first + debits - 1, hash])
        try daily.run([workspace, time / 86_400, user, debits])
        try walletDay.run([pool, time / 86_400, -total])
        let today = time / 86_400
        let stored = newestConversation // a conversation above it is new: its day is its first
        for (name, debits) in conversations {
            // As Coffer's writer: the id of the row the upsert inserted, or of the one it updated, looked up.
            let before = database.lastInsertedRowID
            try conversation.run([workspace, name, user, time, debits])
            let inserted = database.lastInsertedRowID
            guard let id = inserted != before ? inserted : try conversationID.value([workspace, name]) else {
                throw CofferError("Baseline: the conversation upsert left no row")
            }
            newestConversation = max(newestConversation, id)
            if id > stored {
                try newDay.run([workspace, today, id, 1000 * debits, 15 * debits, time, nil])
                try dayCount.run([workspace, today])
                continue
            }
            try day.run([workspace, today, 1000 * debits, 15 * debits, time, id])
            if database.changes == 0 {
                let previous = try previousDay.value([workspace, id, today])
                try newDay.run([workspace, today, id, 1000 * debits, 15 * debits, time, previous])
                try dayCount.run([workspace, today])
                try nextDay.run([today, workspace, id])
            }
        }
        try spend.run([workspace, user, total])
        if newestConversation - indexed >= 512 {
            try search.run([indexed])
            try searched.run([String(newestConversation)])
            indexed = newestConversation
        }
    }
}

/// Rows of one table written as Coffer writes them, 32 to an INSERT (a statement prepared once
/// per row count).
final class RowsStatement {
    private static let rowsPerStatement = 32
    private let database: RawSQLite
    private let head: String, row: String
    private var prepared: [Int: RawSQLite.Prepared] = [:]
    private var values: [Any?] = []
    private var rows = 0

    init(_ database: RawSQLite, head: String, row: String) {
        (self.database, self.head, self.row) = (database, head, row)
    }

    /// Adds a row's values, writing a statement's worth when there are 32 rows.
    func add(_ row: [Any?]) throws {
        values += row
        rows += 1
        if rows == Self.rowsPerStatement { try flush() }
    }

    /// Writes the rows added.
    func flush() throws {
        guard rows > 0 else { return }
        if prepared[rows] == nil {
            prepared[rows] = try database.prepare(head + " " + Array(repeating: row, count: rows).joined(separator: ", "))
        }
        try prepared[rows]!.run(values)
        values.removeAll(keepingCapacity: true)
        rows = 0
    }
}

/// How many rows each table a debit writes holds: the bench compares what Coffer added with what
/// the raw baseline added for the same work, so a baseline that skips a row is caught. Entries count
/// the usage records they pay for (settlement may grant something once a day, which is no debit's
/// work, and a debit that empties one grant and goes on from the next writes two entries).
struct RowCounts {
    static let tables = ["usage_events", "entries", "conversations", "conversation_days", "conversation_day_counts",
                         "conversation_search", "usage_daily", "account_days", "member_spend"]
    let rows: [String: Int64]

    init(path: String) throws {
        let database = try RawSQLite(path: path)
        var rows: [String: Int64] = [:]
        for table in Self.tables {
            let counted = table == "entries" ? "count(DISTINCT usage_id)" : "count(*)"
            rows[table] = try database.int("SELECT \(counted) FROM \(table)") ?? 0
        }
        self.rows = rows
    }

    private init(rows: [String: Int64]) { self.rows = rows }

    /// The rows added since `earlier`.
    func minus(_ earlier: RowCounts) -> RowCounts {
        RowCounts(rows: rows.merging(earlier.rows) { $0 - $1 })
    }

    /// Throws, naming the tables, unless both added the same number of rows to each.
    static func requireSameRows(coffer: RowCounts, raw: RowCounts) throws {
        let differing = tables.filter { coffer.rows[$0] != raw.rows[$0] }
        guard differing.isEmpty else {
            throw CofferError("The raw baseline did not write the rows Coffer wrote: "
                + differing.map { "\($0) \(coffer.rows[$0] ?? 0) vs \(raw.rows[$0] ?? 0)" }.joined(separator: ", "))
        }
    }
}
