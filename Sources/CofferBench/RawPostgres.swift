import CPq
import CofferCore
import Foundation

/// A bare libpq connection: the PostgreSQL baseline (SPEC §11 for §13), with no domain code and
/// none of the store's pooling or translation in the way. Durable as the store is: the cluster's
/// defaults (`fsync` and `synchronous_commit` on). Used by one thread at a time.
final class RawPostgres: @unchecked Sendable {
    private let connection: OpaquePointer

    init(url: String) throws {
        guard let connection = PQconnectdb(url) else { throw CofferError("Baseline: cannot connect to PostgreSQL (out of memory)") }
        self.connection = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).split(separator: "\n").first.map(String.init) ?? "?"
            PQfinish(connection)
            throw CofferError("Baseline: cannot connect to PostgreSQL: \(message)")
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// Runs SQL with no parameters (possibly several statements); the first row's columns as text.
    @discardableResult
    func exec(_ sql: String) throws -> [String?] {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, sql)
        guard PQntuples(result) > 0 else { return [] }
        return (0..<PQnfields(result)).map { PQgetisnull(result, 0, $0) == 1 ? nil : String(cString: PQgetvalue(result, 0, $0)) }
    }

    /// The first column of the first row as text.
    func value(_ sql: String) throws -> String? { try exec(sql).first ?? nil }

    /// Prepares `sql` (with `$N` placeholders) once under `name`.
    func prepare(_ name: String, _ sql: String) throws {
        let result = PQprepare(connection, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs a prepared statement with text parameters (nil is NULL; a `[UInt8]` goes as binary bytea):
    /// the rows it changed, and its first row's first column.
    @discardableResult
    func run(_ name: String, _ values: [Any?]) throws -> (changed: Int, value: String?) {
        var texts: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for value in values {
            switch value {
            case let v as Int64: texts.append(Array(String(v).utf8CString)); lengths.append(0); formats.append(0)
            case let v as Int: texts.append(Array(String(v).utf8CString)); lengths.append(0); formats.append(0)
            case let v as String: texts.append(Array(v.utf8CString)); lengths.append(0); formats.append(0)
            case let v as [UInt8]: texts.append(v.map { CChar(bitPattern: $0) }); lengths.append(Int32(v.count)); formats.append(1)
            default: texts.append(nil); lengths.append(0); formats.append(0)
            }
        }
        let result = withCPointers(texts) { pointers in
            PQexecPrepared(connection, name, Int32(values.count), pointers, lengths, formats, 0)
        }
        defer { PQclear(result) }
        try check(result, name)
        let value = PQntuples(result) > 0 && PQgetisnull(result, 0, 0) == 0 ? String(cString: PQgetvalue(result, 0, 0)) : nil
        return (Int(String(cString: PQcmdTuples(result))) ?? 0, value)
    }

    private func check(_ result: OpaquePointer?, _ what: String) throws {
        let status = PQresultStatus(result)
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        let message = String(cString: PQerrorMessage(connection)).split(separator: "\n").first.map(String.init) ?? "?"
        throw CofferError("Baseline: \(message) in \(what.prefix(80))")
    }
}

/// The rows `coffer serve` writes on PostgreSQL for a group of debits (SPEC §11's raw baseline
/// for §13), sent through libpq with no domain code — the statements Coffer's writer sends, in
/// the same shape: per debit its usage record and its ledger entry; per conversation in the group
/// its rollup and its day (a new day: the previous day's lookup, the day's count and the next
/// day's link, as `ConversationDays.add`); once per group the grant drawn, both balances, the
/// wallet's day, the chain head, the daily usage and the member's spend. No reads, no
/// savepoints, no advisory lock: what is left is PostgreSQL writing and committing the same rows.
struct RawPostgresDebitWriter {
    /// The tables it writes (the bench compares them with what a traced Coffer event wrote).
    static let tables = ["usage_events", "entries", "grants", "conversations", "conversation_days", "conversation_day_counts",
                         "accounts", "account_days", "ledger_head", "usage_daily", "member_spend"]
    let database: RawPostgres
    let ids: BenchIDs
    private var nextUsage: Int64
    private var nextEntry: Int64
    /// The newest conversation written: one above it is new, and its first day needs no lookup.
    private var newestConversation: Int64
    private var usage, entry: RawPostgresRows

    init(url: String, ids: BenchIDs) throws {
        database = try RawPostgres(url: url)
        self.ids = ids
        nextUsage = Int64(try database.value("SELECT coalesce(max(id), 0) + 1 FROM usage_events") ?? "1") ?? 1
        nextEntry = Int64(try database.value("SELECT coalesce(max(id), 0) + 1 FROM entries") ?? "1") ?? 1
        newestConversation = Int64(try database.value("SELECT coalesce(max(id), 0) FROM conversations") ?? "0") ?? 0
        usage = RawPostgresRows(database, name: "usage", head: """
            INSERT INTO usage_events(id, workspace_id, event_key, payload_hash, user_id, recorded_by, service, kind, quantity,
              credits, units, value, conversation_id, title, billing_type, api_key, call_id, task_id, import_type, url,
              wallets, balance, unlimited, recharge, created_at, tab, messages, period_start) VALUES
            """, row: """
            ($1, $2, $3, $4, $5, $5, 'gpt-4o', 'conversation_message', 1000, 15, 0, 15, $6, NULL, 'message', NULL, NULL,
              NULL, NULL, NULL, 'team_pool', $7, 0, NULL, $8, 1, 1000, 0)
            """, width: 8)
        entry = RawPostgresRows(database, name: "entry", head: """
            INSERT INTO entries(id, batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at, prev_hash, hash) VALUES
            """, row: "($1, $2, 'credits', $3, $4, 15, $5, 'spend', $6, $7, $8, $9)", width: 9)
        for (name, sql) in [
            ("grant", "UPDATE grants SET remaining = remaining - $1 WHERE id = $2"),
            ("conversation", """
                INSERT INTO conversations(workspace_id, conversation_id, billing_type, title, user_id, creator, messages, credits, updated_at,
                  first_at)
                VALUES ($1, $2, 'message', '', $3, 'ada@acme.test', $4, $5, $6, $6)
                ON CONFLICT (workspace_id, conversation_id, billing_type) DO UPDATE SET
                  messages = conversations.messages + excluded.messages, credits = conversations.credits + excluded.credits,
                  updated_at = CASE WHEN excluded.updated_at > conversations.updated_at THEN excluded.updated_at ELSE conversations.updated_at END,
                  first_at = CASE WHEN excluded.first_at < conversations.first_at THEN excluded.first_at ELSE conversations.first_at END,
                  title = CASE WHEN excluded.title != '' THEN excluded.title ELSE conversations.title END
                RETURNING id
                """),
            ("day", """
                UPDATE conversation_days SET messages = messages + $3, credits = credits + $4,
                  first_at = CASE WHEN $5 < first_at THEN $5 ELSE first_at END, last_at = CASE WHEN $6 > last_at THEN $6 ELSE last_at END
                WHERE workspace_id = $1 AND day = $2 AND conversation = $7
                """),
            ("previous", "SELECT max(day) FROM conversation_days WHERE workspace_id = $1 AND conversation = $2 AND day < $3"),
            ("newDay", """
                INSERT INTO conversation_days(workspace_id, day, conversation, billing_type, messages, credits, first_at, last_at, prev_day)
                VALUES ($1, $2, $3, 'message', $4, $5, $6, $6, $7)
                """),
            ("dayCount", """
                INSERT INTO conversation_day_counts(workspace_id, day, billing_type, conversations) VALUES ($1, $2, 'message', 1)
                ON CONFLICT (workspace_id, day, billing_type) DO UPDATE SET conversations = conversation_day_counts.conversations + 1
                """),
            ("nextDay", """
                UPDATE conversation_days SET prev_day = $1
                WHERE workspace_id = $2 AND conversation = $3
                  AND day = (SELECT min(day) FROM conversation_days WHERE workspace_id = $2 AND conversation = $3 AND day > $1)
                """),
            ("balance", "UPDATE accounts SET balance = balance + $1 WHERE id = $2"),
            ("walletDay", """
                INSERT INTO account_days(account_id, day, net) VALUES ($1, $2, $3)
                ON CONFLICT (account_id, day) DO UPDATE SET net = account_days.net + excluded.net
                """),
            ("head", """
                INSERT INTO ledger_head(id, last_entry_id, hash) VALUES (1, $1, $2)
                ON CONFLICT (id) DO UPDATE SET last_entry_id = excluded.last_entry_id, hash = excluded.hash
                """),
            ("daily", """
                INSERT INTO usage_daily(workspace_id, tab, type, day, user_id, service, lines, messages, credits)
                VALUES ($1, 1, 'message', $2, $3, 'gpt-4o', $4, $5, $6)
                ON CONFLICT (workspace_id, tab, type, day, user_id, service) DO UPDATE SET lines = usage_daily.lines + excluded.lines,
                  messages = usage_daily.messages + excluded.messages, credits = usage_daily.credits + excluded.credits
                """),
            ("spend", """
                INSERT INTO member_spend(workspace_id, user_id, period_start, used) VALUES ($1, $2, 0, $3)
                ON CONFLICT (workspace_id, user_id, period_start) DO UPDATE SET used = member_spend.used + excluded.used
                """),
        ] { try database.prepare(name, sql) }
    }

    /// Writes the rows of `count` debits (no transaction of its own), numbered `first`…, debit n
    /// in the conversation `conversation(n)`; each conversation's rollup once per group, as Coffer's.
    mutating func writeGroup(first: Int64, count: Int, conversation: (Int64) -> String, at time: Timestamp) throws {
        let day = time / 86_400
        let batch = nextEntry
        var hash: [UInt8] = []
        var conversations: [(name: String, debits: Int64)] = []
        for n in first..<first + Int64(count) {
            hash = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 32)
            let name = conversation(n)
            try usage.add([nextUsage, ids.workspace, "raw-\(n)", "fingerprint-\(n)", ids.user, name, Int64(1_000_000), time])
            try entry.add([nextEntry, batch, ids.pool, ids.sink, ids.grant, nextUsage, time, hash, hash])
            nextUsage += 1
            nextEntry += 1
            if let index = conversations.firstIndex(where: { $0.name == name }) { conversations[index].debits += 1 } else { conversations.append((name, 1)) }
        }
        try usage.flush()
        try entry.flush()
        let stored = newestConversation
        for (name, debits) in conversations {
            guard let id = try database.run("conversation", [ids.workspace, name, ids.user, 1000 * debits, 15 * debits, time]).value
                .flatMap(Int64.init) else {
                throw CofferError("Baseline: the conversation upsert returned no id")
            }
            newestConversation = max(newestConversation, id)
            if id > stored {
                try database.run("newDay", [ids.workspace, day, id, 1000 * debits, 15 * debits, time, nil])
                try database.run("dayCount", [ids.workspace, day])
            } else if try database.run("day", [ids.workspace, day, 1000 * debits, 15 * debits, time, time, id]).changed == 0 {
                let previous = try database.run("previous", [ids.workspace, id, day]).value
                try database.run("newDay", [ids.workspace, day, id, 1000 * debits, 15 * debits, time, previous])
                try database.run("dayCount", [ids.workspace, day])
                try database.run("nextDay", [day, ids.workspace, id])
            }
        }
        let total = 15 * Int64(count)
        try database.run("grant", [total, ids.grant])
        try database.run("balance", [-total, ids.pool])
        try database.run("balance", [total, ids.sink])
        try database.run("walletDay", [ids.pool, day, -total])
        try database.run("head", [nextEntry - 1, hash])
        try database.run("daily", [ids.workspace, day, ids.user, Int64(count), 1000 * Int64(count), total])
        try database.run("spend", [ids.workspace, ids.user, total])
    }
}

/// Rows of one table written as Coffer writes them, 32 to an INSERT (prepared once per row count):
/// `row` numbers its own parameters from $1 to `width`.
struct RawPostgresRows {
    private static let rowsPerStatement = 32
    private let database: RawPostgres
    private let name: String, head: String, row: String, width: Int
    private var prepared: Set<Int> = []
    private var values: [Any?] = []
    private var rows = 0

    init(_ database: RawPostgres, name: String, head: String, row: String, width: Int) {
        (self.database, self.name, self.head, self.row, self.width) = (database, name, head, row, width)
    }

    /// Adds a row's values, writing a statement's worth when there are 32 rows.
    mutating func add(_ row: [Any?]) throws {
        values += row
        rows += 1
        if rows == Self.rowsPerStatement { try flush() }
    }

    /// Writes the rows added.
    mutating func flush() throws {
        guard rows > 0 else { return }
        if !prepared.contains(rows) {
            let all = (0..<rows).map { Self.renumber(row, by: $0 * width) }
            try database.prepare("\(name)-\(rows)", head + " " + all.joined(separator: ", "))
            prepared.insert(rows)
        }
        try database.run("\(name)-\(rows)", values)
        values.removeAll(keepingCapacity: true)
        rows = 0
    }

    /// `sql` with each `$k` made `$(k + offset)`.
    static func renumber(_ sql: String, by offset: Int) -> String {
        var result = "", digits = "", inParameter = false
        for character in sql + " " {
            if inParameter, character.isASCII, character.isNumber { digits.append(character); continue }
            if inParameter { result += "\(Int(digits)! + offset)"; inParameter = false; digits = "" }
            if character == "$" { inParameter = true }
            result.append(character)
        }
        return String(result.dropLast())
    }
}

/// Calls `body` with C pointers to `texts` (nil stays nil), valid for the call.
private func withCPointers<R>(_ texts: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(texts.count)
    func next(_ index: Int) -> R {
        guard index < texts.count else { return body(pointers) }
        guard let text = texts[index] else { pointers.append(nil); return next(index + 1) }
        return text.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return next(index + 1)
        }
    }
    return next(0)
}
