import CofferCore
import OrderedCollections

/// Where a usage event shows (SPEC §7) and the rollups kept in step with each charge, in the
/// charge's own transaction: the all-time conversations table (and its search index) and the
/// daily totals behind the summary bars.
struct UsageRecordShape {
    /// The `EventTab` code (stored as is in `usage_events.tab` and `usage_daily.tab`).
    let tab: Int64
    /// The row's type dimension: billing type, API key or import type.
    let type: String
    let conversationID: String?
    let billingType: String?
    let callID: String?
    let taskID: String?
    let importType: String?
    /// Messages (or generations) in thousandths: the quantity, or one for a metered line.
    let messages: Int64

    /// The shape of a request for a service, with the defaults a row needs filled in.
    init(_ request: UsageRequest, service: Service, quantity: Quantity?) {
        switch service.kind {
        case .conversationMessage, .imageGeneration, .videoGeneration:
            let type = request.billingType ?? BillingType(defaultFor: service.kind)?.rawValue ?? BillingType.message.rawValue
            self = UsageRecordShape(tab: .conversations, type: type, conversationID: request.conversationID ?? request.eventID, billingType: type,
                                    callID: nil, taskID: nil, importType: nil, messages: quantity?.milliunits ?? FixedPoint.scale)
        case .mcpHTTPCall:
            self = UsageRecordShape(tab: .calls, type: request.apiKey ?? "", conversationID: nil, billingType: nil,
                                    callID: request.callID ?? request.eventID, taskID: nil, importType: nil, messages: 0)
        case .importJob:
            let kind = request.importType ?? ImportType(defaultForService: service.slug).rawValue
            self = UsageRecordShape(tab: .imports, type: kind, conversationID: nil, billingType: nil, callID: nil,
                                    taskID: request.taskID ?? request.eventID, importType: kind, messages: 0)
        case .consumable:
            self = UsageRecordShape(tab: .untabbed, type: "", conversationID: nil, billingType: nil, callID: nil, taskID: nil,
                                    importType: nil, messages: 0)
        }
    }

    private init(tab: EventTab, type: String, conversationID: String?, billingType: String?, callID: String?, taskID: String?,
                 importType: String?, messages: Int64) {
        (self.tab, self.type, self.conversationID, self.billingType) = (tab.rawValue, type, conversationID, billingType)
        (self.callID, self.taskID, self.importType, self.messages) = (callID, taskID, importType, messages)
    }

    /// Adds one charge line to the transaction's pending rollups.
    func record(into rollups: PendingRollups, workspace: Int64, user: Int64, creator: String, service: String, title: String?,
                credits: Int64, at time: Timestamp) {
        guard tab != EventTab.untabbed.rawValue else { return }
        let day = UTC.dayNumber(time)
        rollups.day(.init(workspace: workspace, tab: tab, type: type, day: day, user: user, service: service), messages: messages, credits: credits)
        guard tab == EventTab.conversations.rawValue, let conversationID, let billingType else { return }
        rollups.conversation(.init(workspace: workspace, conversation: conversationID, billingType: billingType),
                             user: user, creator: creator, title: title, messages: messages, credits: credits, at: time, day: day)
    }
}

/// Rollups kept in step with the charges of one write transaction: summed in memory, written
/// once per key when the transaction ends (the same totals as one upsert per line, far fewer writes).
final class PendingRollups {
    /// A row of `usage_daily`: who was charged for which service, per tab, type and UTC day.
    struct DayKey: Hashable { let workspace: Int64, tab: Int64, type: String, day: Int64, user: Int64, service: String }
    struct ConversationKey: Hashable { let workspace: Int64, conversation: String, billingType: String }
    struct SpendKey: Hashable { let workspace: Int64, user: Int64, period: Int64 }
    private struct DayTotals {
        var lines: Int64 = 0, messages: Int64 = 0, credits: Int64 = 0

        mutating func add(messages: Int64, credits: Int64) {
            lines += 1
            self.messages += messages
            self.credits += credits
        }
    }
    /// A conversation's totals over some lines: messages, credits, the first and the latest line's time.
    private struct LineTotals {
        var messages: Int64 = 0, credits: Int64 = 0, first = Int64.max, last = Int64.min

        mutating func add(messages: Int64, credits: Int64, at time: Timestamp) {
            self.messages += messages
            self.credits += credits
            first = min(first, time)
            last = max(last, time)
        }
    }
    private struct ConversationTotals {
        let user: Int64, creator: String
        var title = "", all = LineTotals()
        /// The same totals per day.
        var days: [Int64: LineTotals] = [:]
    }

    private var days: [DayKey: DayTotals] = [:]
    /// In first-seen order, so new conversations get ids in order.
    private var conversations: OrderedDictionary<ConversationKey, ConversationTotals> = [:]
    private var spend: [SpendKey: Int64] = [:]

    func day(_ key: DayKey, messages: Int64, credits: Int64) {
        days[key, default: DayTotals()].add(messages: messages, credits: credits) // one lookup, changed in place
    }

    func conversation(_ key: ConversationKey, user: Int64, creator: String, title: String?, messages: Int64, credits: Int64,
                      at time: Timestamp, day: Int64) {
        // One lookup, the totals changed in place.
        conversations.updateValue(forKey: key, default: ConversationTotals(user: user, creator: creator)) { totals in
            if let title, !title.isEmpty { totals.title = title }
            totals.all.add(messages: messages, credits: credits, at: time)
            totals.days[day, default: LineTotals()].add(messages: messages, credits: credits, at: time)
        }
    }

    /// A member's spending from team wallets this period (R30), to add to what is stored.
    func addSpend(_ key: SpendKey, _ amount: Int64) { spend[key, default: 0] += amount }

    /// What this transaction has added to a member's spending and not yet written.
    func pendingSpend(_ key: SpendKey) -> Int64 { spend[key] ?? 0 }

    /// Writes everything pending (in first-seen order, so new conversations get ids in order).
    func flush(_ sql: any StorageConnection) throws {
        if !days.isEmpty {
            let insert = """
                INSERT INTO usage_daily(workspace_id, tab, type, day, user_id, service, lines, messages, credits)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, tab, type, day, user_id, service) DO UPDATE SET lines = usage_daily.lines + excluded.lines,
                  messages = usage_daily.messages + excluded.messages, credits = usage_daily.credits + excluded.credits
                """
            for (key, totals) in days {
                try sql.run(insert, .int(key.workspace), .int(key.tab), .text(key.type), .int(key.day), .int(key.user), .text(key.service),
                            .int(totals.lines), .int(totals.messages), .int(totals.credits))
            }
            days.removeAll(keepingCapacity: true)
        }
        if !conversations.isEmpty {
            let days = ConversationDays(sql)
            // A conversation this flush creates gets an id above every one already stored (SQLite's
            // next rowid, PostgreSQL's sequence; a workspace's conversations are written by one
            // transaction at a time): its days are all new, and come in order.
            let stored = try sql.int("SELECT max(id) FROM conversations") ?? 0
            var lines: [(line: ConversationDays.Line, new: Bool, previous: Int64?)] = []
            for ((key, c), id) in zip(conversations, try upsertConversations(sql)) {
                var previous: Int64?
                for (day, totals) in c.days.sorted(by: { $0.key < $1.key }) {
                    lines.append((ConversationDays.Line(workspace: key.workspace, conversation: id, billingType: key.billingType, day: day,
                                                        messages: totals.messages, credits: totals.credits, first: totals.first, last: totals.last),
                                  id > stored, previous))
                    previous = day
                }
            }
            try days.readAhead(adding: lines.filter { !$0.new }.map(\.line))
            for entry in lines {
                if entry.new { try days.insert(entry.line, previous: entry.previous) } else { try days.add(entry.line) }
            }
            conversations.removeAll(keepingCapacity: true)
        }
        if !spend.isEmpty {
            let upsert = """
                INSERT INTO member_spend(workspace_id, user_id, period_start, used) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, user_id, period_start) DO UPDATE SET used = member_spend.used + excluded.used
                """
            for (key, used) in spend { try sql.run(upsert, .int(key.workspace), .int(key.user), .int(key.period), .int(used)) }
            spend.removeAll(keepingCapacity: true)
        }
    }

    private static let conversationUpsert = """
        INSERT INTO conversations(workspace_id, conversation_id, billing_type, title, user_id, creator, messages, credits, updated_at,
          first_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (workspace_id, conversation_id, billing_type) DO UPDATE SET
          messages = conversations.messages + excluded.messages, credits = conversations.credits + excluded.credits,
          updated_at = CASE WHEN excluded.updated_at > conversations.updated_at THEN excluded.updated_at ELSE conversations.updated_at END,
          first_at = CASE WHEN excluded.first_at < conversations.first_at THEN excluded.first_at ELSE conversations.first_at END,
          title = CASE WHEN excluded.title != '' THEN excluded.title ELSE conversations.title END
        """
    private static let conversationUpsertReturningID = conversationUpsert + " RETURNING id"

    /// Adds each pending conversation's totals to its row (creating it when new) and returns the
    /// rows' ids, in order. PostgreSQL returns them from the upserts, all sent in one round trip.
    /// SQLite says which row an upsert inserted (its last inserted id moves); only a conversation
    /// that was already stored is looked up — a `RETURNING` clause there would fill a temporary
    /// table on every run (about 61,000 instructions a new conversation instead of 35,000).
    private func upsertConversations(_ sql: any StorageConnection) throws -> [Int64] {
        let upserts = conversations.map { key, c in
            Query(Self.conversationUpsert, [.int(key.workspace), .text(key.conversation), .text(key.billingType), .text(c.title),
                                            .int(c.user), .text(c.creator), .int(c.all.messages), .int(c.all.credits), .int(c.all.last),
                                            .int(c.all.first)])
        }
        guard sql.dialect == .sqlite else {
            let returning = upserts.map { Query(Self.conversationUpsertReturningID, $0.values) }
            try sql.readAhead(returning)
            return try returning.map { query in try sql.first(query) { $0.int(0) } ?? 0 }
        }
        return try zip(conversations.keys, upserts).map { key, upsert in
            let before = sql.lastInsertedID
            try sql.run(upsert.sql, upsert.values)
            if let inserted = sql.lastInsertedID, inserted != before { return inserted }
            // Updated (or, rarely, inserted under the very id the last insert into another table got).
            return try sql.int("SELECT id FROM conversations WHERE workspace_id = ? AND conversation_id = ? AND billing_type = ?",
                               .int(key.workspace), .text(key.conversation), .text(key.billingType)) ?? 0
        }
    }
}

/// Writes to `conversation_days`, keeping each row's `prev_day` (the conversation's previous day
/// with lines) right even when a day arrives out of order, and `conversation_day_counts` (rows per
/// day and billing type) in step with the rows.
struct ConversationDays {
    let sql: any StorageConnection

    init(_ sql: any StorageConnection) { self.sql = sql }

    /// A conversation's lines on one UTC day.
    struct Line {
        let workspace: Int64, conversation: Int64, billingType: String, day: Int64
        let messages: Int64, credits: Int64, first: Int64, last: Int64
    }

    /// Adds a day's lines to a conversation that may have lines on any day already.
    func add(_ line: Line) throws {
        guard try !updated(line) else { return }
        let previous = try sql.int("SELECT max(day) FROM conversation_days WHERE workspace_id = ? AND conversation = ? AND day < ?",
                                   .int(line.workspace), .int(line.conversation), .int(line.day))
        try insert(line, previous: previous)
        // A day that arrives before a later one becomes that later day's previous day.
        try sql.run("""
            UPDATE conversation_days SET prev_day = ?1
            WHERE workspace_id = ?2 AND conversation = ?3
              AND day = (SELECT min(day) FROM conversation_days WHERE workspace_id = ?2 AND conversation = ?3 AND day > ?1)
            """, .int(line.day), .int(line.workspace), .int(line.conversation))
    }

    /// Sends ahead the UPDATEs `add` will try for `lines` where that saves round trips: on
    /// PostgreSQL, where they return the row they change, all of them in one.
    func readAhead(adding lines: [Line]) throws {
        guard updatesReturnRows, !lines.isEmpty else { return }
        try sql.readAhead(lines.map(updateQuery))
    }

    /// Whether the UPDATE `add` tries first returns the row it changes (PostgreSQL: it can then be
    /// read ahead) or has its changed rows counted (SQLite: a RETURNING clause there opens a
    /// temporary table on every run — 804 → 860 million instructions for 4,000 imported lines in
    /// 50 conversations).
    private var updatesReturnRows: Bool { sql.dialect == .postgres }

    /// Adds the line to the conversation's row for its day; false when there is no such row yet.
    private func updated(_ line: Line) throws -> Bool {
        let update = updateQuery(line)
        guard updatesReturnRows else {
            try sql.run(update.sql, update.values)
            return try sql.changedRows > 0
        }
        return try sql.first(update) { _ in true } ?? false
    }

    /// The UPDATE `add` tries first.
    private func updateQuery(_ line: Line) -> Query {
        Query(updatesReturnRows ? Self.addReturningSQL : Self.addSQL, .int(line.workspace), .int(line.day), .int(line.messages),
              .int(line.credits), .int(line.first), .int(line.last), .int(line.conversation))
    }

    private static let addSQL = """
        UPDATE conversation_days SET messages = messages + ?3, credits = credits + ?4,
          first_at = CASE WHEN ?5 < first_at THEN ?5 ELSE first_at END, last_at = CASE WHEN ?6 > last_at THEN ?6 ELSE last_at END
        WHERE workspace_id = ?1 AND day = ?2 AND conversation = ?7
        """
    private static let addReturningSQL = addSQL + " RETURNING 1"

    /// Writes a day the conversation has no row for yet, after `previous` (its latest day before
    /// this one, if any) — all there is to do for a conversation's first days, given in order.
    func insert(_ line: Line, previous: Int64?) throws {
        try sql.run("""
            INSERT INTO conversation_days(workspace_id, day, conversation, billing_type, messages, credits, first_at, last_at, prev_day)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, .int(line.workspace), .int(line.day), .int(line.conversation), .text(line.billingType), .int(line.messages),
                     .int(line.credits), .int(line.first), .int(line.last), .int(previous))
        try sql.run("""
            INSERT INTO conversation_day_counts(workspace_id, day, billing_type, conversations) VALUES (?, ?, ?, 1)
            ON CONFLICT (workspace_id, day, billing_type) DO UPDATE SET conversations = conversation_day_counts.conversations + 1
            """, .int(line.workspace), .int(line.day), .text(line.billingType))
    }
}
