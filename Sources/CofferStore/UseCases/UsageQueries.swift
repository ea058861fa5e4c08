import CofferCore
import GRDB

/// The four tabs as windowed queries (SPEC §7): a page is `LIMIT n` after a keyset cursor, never
/// OFFSET; summaries use the daily rollups for whole days and the charge lines for the rest.
public struct UsageQueries: Sendable {
    let store: CofferStore

    /// The usage queries over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// One page of a tab for `actor` (the User column only for owners, R7).
    public func page(_ tab: UsageTab, filter: UsageFilter, sort: UsageSort? = nil, after: UsageCursor? = nil,
                     limit: Int = 50, actor: Actor) throws -> UsagePage {
        let sort = sort ?? .newest(tab)
        let column = try Self.sortColumn(tab, sort.field)
        let showUsers = Permissions.allows(actor.role, .seeUsageUsers)
        return try store.read { db in
            if tab == .conversations, sort.field == .updated, sort.descending, filter.from != nil || filter.to != nil,
               Self.searchText(filter) == nil {
                return try RecentConversations(db: db, workspace: actor.workspaceID, filter: filter)
                    .page(after: after, limit: limit, showUsers: showUsers)
            }
            var query = try base(tab, filter: filter, actor: actor, db: db)
            if sort.field == .credits, try Self.walksCredits(tab, filter: filter, limit: limit, workspace: actor.workspaceID, db: db) {
                query.selectSQL = query.selectSQL.replacingOccurrences(of: "FROM usage_events u", with: "FROM usage_events u INDEXED BY usage_by_credits")
                query.whereSQL += " AND u.tab IN (2, 3)" // the partial index's own condition, for the planner
            }
            let order = sort.descending ? "DESC" : "ASC"
            if let after {
                query.whereSQL += " AND (\(column), \(query.idColumn)) \(sort.descending ? "<" : ">") (?, ?)"
                query.arguments += [after.value, after.id]
            }
            let sql = "\(query.selectSQL) WHERE \(query.whereSQL) ORDER BY \(column) \(order), \(query.idColumn) \(order) LIMIT ?"
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(query.arguments + [limit + 1]))
            let mapped = rows.prefix(limit).map { Self.row($0, tab: tab, sortField: sort.field, showUsers: showUsers) }
            return UsagePage(rows: mapped, next: rows.count > limit ? mapped.last?.cursor : nil)
        }
    }

    /// Where a tab sorts by `field`, in SQL. A field the tab does not sort by is refused as
    /// `UsageSort.parse` refuses it.
    static func sortColumn(_ tab: UsageTab, _ field: SortField) throws -> String {
        switch (tab, field) {
        case (.conversations, .updated): return "v.updated_at"
        case (.conversations, .messages): return "v.messages"
        case (.conversations, .credits): return "v.credits"
        case (.calls, .created), (.imports, .created): return "u.created_at"
        case (.calls, .credits), (.imports, .credits): return "u.credits"
        case (.adjustments, .created): return "a.created_at"
        case (.adjustments, .amount): return "a.amount"
        case (.conversations, .created), (.conversations, .amount), (.calls, .updated), (.calls, .messages), (.calls, .amount),
             (.imports, .updated), (.imports, .messages), (.imports, .amount), (.adjustments, .updated), (.adjustments, .messages),
             (.adjustments, .credits):
            throw UsageSort.refusal(field.rawValue, tab: tab)
        }
    }

    /// Whether a page of calls or imports sorted by credits is cheaper walking `usage_by_credits` in
    /// order (skipping lines outside the range, time read from the index) than sorting every line of
    /// the range: the walk reads about `limit × all ÷ in range` index entries, the sort touches every
    /// line in range with a row lookup (~10× an index entry). Counts come from the daily rollup.
    static func walksCredits(_ tab: UsageTab, filter: UsageFilter, limit: Int, workspace: Int64, db: Database) throws -> Bool {
        guard tab == .calls || tab == .imports, searchText(filter) == nil else { return false }
        guard (tab == .calls ? filter.apiKey : filter.type) == nil else { return false } // the key's or type's own index serves it
        let from = filter.from.map { UsageFilter.dayStart($0) / UTC.day } ?? Int64.min / 2
        let to = filter.to.map { ($0 - 1) / UTC.day } ?? Int64.max / 2
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT ifnull(sum(lines), 0), ifnull(sum(CASE WHEN day BETWEEN ? AND ? THEN lines END), 0)
            FROM usage_daily WHERE workspace_id = ? AND tab = ?
            """), arguments: [from, to, workspace, tab == .calls ? 2 : 3])!
        let (all, inRange): (Int64, Int64) = (row[0], row[1])
        guard inRange > 0 else { return false }
        return Int64(limit) * all < 10 * inRange * inRange
    }

    /// The summary bar's totals for a filtered tab.
    public func summary(_ tab: UsageTab, filter: UsageFilter, actor: Actor) throws -> UsageSummary {
        try store.read { db in
            if tab == .calls || tab == .imports, (filter.search ?? "").isEmpty {
                return try rolledUp(tab, filter: filter, actor: actor, db: db)
            }
            if tab == .conversations, (filter.search ?? "").isEmpty {
                return try conversationTotals(filter: filter, actor: actor, db: db)
            }
            let query = try base(tab, filter: filter, actor: actor, db: db)
            let row = try Row.fetchOne(db, sql: "SELECT count(*), ifnull(sum(\(query.messagesColumn)), 0), ifnull(sum(\(query.creditsColumn)), 0) FROM (\(query.selectSQL) WHERE \(query.whereSQL))",
                                       arguments: StatementArguments(query.arguments))!
            return UsageSummary(count: row[0], messages: row[1], credits: row[2])
        }
    }

    /// Every row of a filtered tab, page by page (for export).
    public func all(_ tab: UsageTab, filter: UsageFilter, sort: UsageSort? = nil, actor: Actor) throws -> [UsageRow] {
        var rows: [UsageRow] = []
        var cursor: UsageCursor?
        repeat {
            let page = try page(tab, filter: filter, sort: sort, after: cursor, limit: 1_000, actor: actor)
            rows += page.rows
            cursor = page.next
        } while cursor != nil
        return rows
    }

    /// The API key names that appear in the workspace's call records (the Calls tab's filter).
    public func apiKeyNames(actor: Actor) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT type FROM usage_daily WHERE workspace_id = ? AND tab = 2 AND type != '' ORDER BY type",
                                arguments: [actor.workspaceID])
        }
    }

    /// A conversation's billing detail sheet: every charge line with the grants it drew from.
    public func detail(conversation: String, actor: Actor) throws -> [ChargeLine] {
        let showUsers = Permissions.allows(actor.role, .seeUsageUsers)
        return try store.read { db in
            let lines = try Row.fetchAll(db, sql: """
                SELECT u.id, u.event_key, u.created_at, u.service, u.billing_type, u.quantity, u.credits, u.units, usr.email
                FROM usage_events u JOIN users usr ON usr.id = u.user_id
                WHERE u.workspace_id = ? AND u.tab = 1 AND u.conversation_id = ? ORDER BY u.created_at, u.id
                """, arguments: [actor.workspaceID, conversation])
            guard !lines.isEmpty else { throw CofferError("No conversation \(CofferError.quote(conversation))") }
            var draws: [Int64: [ChargeLine.GrantDraw]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT e.usage_id, e.grant_id, e.asset, e.amount, g.source, g.detail FROM entries e JOIN grants g ON g.id = e.grant_id
                WHERE e.usage_id IN (\(lines.map { String($0[0] as Int64) }.joined(separator: ","))) AND e.kind = 'spend' ORDER BY e.id
                """) {
                draws[row[0], default: []].append(.init(grant: row[1], source: row[4], detail: row[5], asset: row[2], amount: row[3]))
            }
            return lines.map { row in
                ChargeLine(eventID: row[1], time: row[2], service: row[3], billingType: row[4] ?? "", quantity: row[5], credits: row[6],
                           units: row[7], user: showUsers ? row[8] : nil, grants: draws[row[0]] ?? [])
            }
        }
    }

    /// A tab's rows as SQL: what to select, the filter, and the columns that identify and total.
    struct Query {
        var selectSQL: String
        var whereSQL: String
        var arguments: [(any DatabaseValueConvertible)?]
        let idColumn: String
        let messagesColumn: String
        let creditsColumn: String
    }

    private func base(_ tab: UsageTab, filter: UsageFilter, actor: Actor, db: Database) throws -> Query {
        let workspace = actor.workspaceID
        switch tab {
        case .adjustments:
            var query = Query(selectSQL: "SELECT a.id, a.type, a.amount, a.detail, a.created_at, 0 AS messages FROM adjustments a",
                              whereSQL: "a.workspace_id = ?", arguments: [workspace], idColumn: "a.id",
                              messagesColumn: "messages", creditsColumn: "amount")
            range(&query, column: "a.created_at", filter)
            if let type = filter.type { query.whereSQL += " AND a.type = ?"; query.arguments.append(type) }
            return query
        case .calls, .imports:
            var query = Query(selectSQL: """
                SELECT u.id, u.call_id, u.task_id, u.import_type, u.url, u.api_key, u.credits, u.created_at, usr.email, 0 AS messages
                FROM usage_events u JOIN users usr ON usr.id = u.user_id
                """, whereSQL: "u.workspace_id = ? AND u.tab = \(tab == .calls ? 2 : 3)", arguments: [workspace], idColumn: "u.id",
                              messagesColumn: "messages", creditsColumn: "credits")
            range(&query, column: "u.created_at", filter)
            if tab == .calls, let key = filter.apiKey { query.whereSQL += " AND u.api_key = ?"; query.arguments.append(key) }
            if tab == .imports, let type = filter.type { query.whereSQL += " AND u.import_type = ?"; query.arguments.append(type) }
            if let search = Self.searchText(filter) {
                let column = tab == .calls ? "u.call_id" : "u.task_id"
                let users = Permissions.allows(actor.role, .seeUsageUsers) ? " OR usr.email LIKE ? ESCAPE '\\'" : ""
                query.whereSQL += " AND (\(column) LIKE ? ESCAPE '\\'\(tab == .imports ? " OR u.url LIKE ? ESCAPE '\\'" : "")\(users))"
                query.arguments += Array(repeating: Self.like(search), count: 1 + (tab == .imports ? 1 : 0) + (users.isEmpty ? 0 : 1))
            }
            return query
        case .conversations:
            return try conversations(filter: filter, actor: actor, db: db)
        }
    }

    /// Conversations: all time from the rollup; with dates, aggregated from the charge lines in range (SPEC §7).
    private func conversations(filter: UsageFilter, actor: Actor, db: Database) throws -> Query {
        var arguments: [(any DatabaseValueConvertible)?] = [actor.workspaceID]
        var conditions: [String] = []
        var tail: [(any DatabaseValueConvertible)?] = []
        let source: String
        if filter.from != nil || filter.to != nil {
            // Whole days from conversation_days, the partial days at either end from the lines.
            let (days, pieces) = try UsageRanges.split(filter, tab: 1, workspace: actor.workspaceID, db: db)
            var parts: [String] = []
            arguments.removeAll()
            if let days {
                parts.append("""
                    SELECT conversation AS cid, messages AS m, credits AS cr, last_at AS t FROM conversation_days
                    WHERE workspace_id = ? AND day >= ? AND day < ?\(filter.type == nil ? "" : " AND billing_type = ?")
                    """)
                arguments += [actor.workspaceID, days.from, days.to] + (filter.type.map { [$0] } ?? [])
            }
            for piece in pieces {
                parts.append("""
                    SELECT c.id AS cid, u.messages AS m, u.credits AS cr, u.created_at AS t FROM usage_events u JOIN conversations c
                      ON c.workspace_id = u.workspace_id AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
                    WHERE u.workspace_id = ? AND u.tab = 1 AND u.created_at >= ? AND u.created_at < ?\(filter.type == nil ? "" : " AND u.billing_type = ?")
                    """)
                arguments += [actor.workspaceID, piece.from, piece.to] + (filter.type.map { [$0] } ?? [])
            }
            if parts.isEmpty { parts.append("SELECT NULL AS cid, 0 AS m, 0 AS cr, 0 AS t WHERE 0") } // an empty range
            source = """
                SELECT c.id, c.conversation_id, c.title, c.creator, c.billing_type, agg.m AS messages, agg.cr AS credits, agg.t AS updated_at
                FROM (SELECT cid, sum(m) AS m, sum(cr) AS cr, max(t) AS t FROM (\(parts.joined(separator: " UNION ALL "))) GROUP BY cid) agg
                JOIN conversations c ON c.id = agg.cid
                """
        } else {
            source = "SELECT c.id, c.conversation_id, c.title, c.creator, c.billing_type, c.messages, c.credits, c.updated_at FROM conversations c WHERE c.workspace_id = ?"
            if let type = filter.type { conditions.append("v.billing_type = ?"); tail.append(type) }
        }
        if let search = Self.searchText(filter) {
            let owners = Permissions.allows(actor.role, .seeUsageUsers)
            if search.count >= 3 {
                // The trigram index; members cannot search by creator (R7).
                let phrase = "\"" + search.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                // Conversations newer than the index (it catches up in batches) are matched by scanning them.
                conditions.append("""
                    (v.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)
                     OR (v.id > coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'), 0)
                         AND (v.conversation_id LIKE ? ESCAPE '\\' OR v.title LIKE ? ESCAPE '\\'\(owners ? " OR v.creator LIKE ? ESCAPE '\\'" : ""))))
                    """)
                tail.append(owners ? phrase : "{conversation_id title} : \(phrase)")
                tail += Array(repeating: Self.like(search), count: owners ? 3 : 2)
            } else {
                conditions.append("(v.conversation_id LIKE ? ESCAPE '\\' OR v.title LIKE ? ESCAPE '\\'\(owners ? " OR v.creator LIKE ? ESCAPE '\\'" : ""))")
                tail += Array(repeating: Self.like(search), count: owners ? 3 : 2)
            }
        }
        let whereSQL = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return Query(selectSQL: "SELECT * FROM (\(source)) v", whereSQL: whereSQL, arguments: arguments + tail, idColumn: "v.id",
                     messagesColumn: "messages", creditsColumn: "credits")
    }

    /// Calls and imports summaries without a search: whole days from `usage_daily`, the rest from the lines.
    private func rolledUp(_ tab: UsageTab, filter: UsageFilter, actor: Actor, db: Database) throws -> UsageSummary {
        let tabCode: Int64 = tab == .calls ? 2 : 3
        let type = tab == .calls ? filter.apiKey : filter.type
        // Whole days inside [from, to): [fullFrom, fullTo).
        let fullFrom = filter.from.map { UsageFilter.dayStart($0) == $0 ? $0 : UsageFilter.dayStart($0) + UTC.day }
        let fullTo = filter.to.map { UsageFilter.dayStart($0) }
        var count: Int64 = 0, credits: Int64 = 0
        let days = try Row.fetchOne(db, sql: """
            SELECT ifnull(sum(lines), 0), ifnull(sum(credits), 0) FROM usage_daily
            WHERE workspace_id = ? AND tab = ? AND (? IS NULL OR type = ?) AND day >= ? AND day < ?
            """, arguments: [actor.workspaceID, tabCode, type, type, (fullFrom ?? Int64.min / 2) / UTC.day,
                             fullTo.map { $0 / UTC.day } ?? Int64.max / UTC.day])!
        if (fullFrom ?? .min) < (fullTo ?? .max) {
            count += days[0]; credits += days[1]
        }
        let column = tab == .calls ? "api_key" : "import_type"
        // The partial days at either end (or the whole range when it spans no full day).
        var pieces: [(Timestamp?, Timestamp?)] = []
        if (fullFrom ?? .min) < (fullTo ?? .max) {
            if let from = filter.from, let fullFrom, from < fullFrom { pieces.append((from, fullFrom)) }
            if let to = filter.to, let fullTo, fullTo < to { pieces.append((fullTo, to)) }
        } else {
            pieces.append((filter.from, filter.to))
        }
        for (from, to) in pieces {
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*), ifnull(sum(credits), 0) FROM usage_events
                WHERE workspace_id = ? AND tab = ? AND (? IS NULL OR \(column) = ?) AND created_at >= ? AND created_at < ?
                """, arguments: [actor.workspaceID, tabCode, type, type, from ?? Int64.min, to ?? Int64.max])!
            count += row[0]; credits += row[1]
        }
        return UsageSummary(count: count, messages: 0, credits: credits)
    }

    /// Conversations' summary without a search: sums from the daily totals and the partial days'
    /// lines; the count of distinct conversations from the daily rollup and those lines (all time:
    /// from the conversations themselves).
    private func conversationTotals(filter: UsageFilter, actor: Actor, db: Database) throws -> UsageSummary {
        let (days, pieces) = try UsageRanges.split(filter, tab: 1, workspace: actor.workspaceID, db: db)
        let typed = filter.type == nil ? "" : " AND billing_type = ?"
        let type: [(any DatabaseValueConvertible)?] = filter.type.map { [$0] } ?? []
        var messages: Int64 = 0, credits: Int64 = 0
        var ids: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let days {
            let row = try Row.fetchOne(db, sql: """
                SELECT ifnull(sum(messages), 0), ifnull(sum(credits), 0) FROM usage_daily
                WHERE workspace_id = ? AND tab = 1\(filter.type == nil ? "" : " AND type = ?") AND day >= ? AND day < ?
                """, arguments: StatementArguments([actor.workspaceID] + type + [days.from, days.to]))!
            messages += row[0]; credits += row[1]
            ids.append("SELECT conversation AS cid FROM conversation_days WHERE workspace_id = ? AND day >= ? AND day < ?\(typed)")
            arguments += [actor.workspaceID, days.from, days.to] + type
        }
        for piece in pieces {
            let lines = "FROM usage_events WHERE workspace_id = ? AND tab = 1 AND created_at >= ? AND created_at < ?\(typed)"
            let row = try Row.fetchOne(db, sql: "SELECT ifnull(sum(messages), 0), ifnull(sum(credits), 0) \(lines)",
                                       arguments: StatementArguments([actor.workspaceID, piece.from, piece.to] + type))!
            messages += row[0]; credits += row[1]
            ids.append("""
                SELECT c.id AS cid FROM usage_events u JOIN conversations c ON c.workspace_id = u.workspace_id
                  AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
                WHERE u.workspace_id = ? AND u.tab = 1 AND u.created_at >= ? AND u.created_at < ?\(filter.type == nil ? "" : " AND u.billing_type = ?")
                """)
            arguments += [actor.workspaceID, piece.from, piece.to] + type
        }
        // All time: every conversation of the workspace (an index-only count).
        if filter.from == nil, filter.to == nil, pieces.isEmpty {
            let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM conversations WHERE workspace_id = ?\(typed)",
                                           arguments: StatementArguments([actor.workspaceID] + type)) ?? 0
            return UsageSummary(count: count, messages: messages, credits: credits)
        }
        // Whole days: each conversation counts on its first day in the range (no DISTINCT over the range).
        var count: Int64 = 0
        if let days {
            count += try Int64.fetchOne(db, sql: """
                SELECT count(*) FROM conversation_days WHERE workspace_id = ? AND day >= ? AND day < ?\(typed)
                  AND (prev_day IS NULL OR prev_day < ?)
                """, arguments: StatementArguments([actor.workspaceID, days.from, days.to] + type + [days.from])) ?? 0
        }
        // Partial days: the conversations of their lines that have no line in the whole days.
        let partial = Array(ids.dropFirst(days == nil ? 0 : 1))
        if !partial.isEmpty {
            let partialArguments = Array(arguments.dropFirst(days == nil ? 0 : 3 + type.count))
            let outside = days.map { "WHERE NOT EXISTS (SELECT 1 FROM conversation_days d WHERE d.workspace_id = \(actor.workspaceID) AND d.conversation = p.cid AND d.day >= \($0.from) AND d.day < \($0.to))" } ?? ""
            count += try Int64.fetchOne(db, sql: "SELECT count(*) FROM (SELECT DISTINCT cid FROM (\(partial.joined(separator: " UNION ALL ")))) p \(outside)",
                                        arguments: StatementArguments(partialArguments)) ?? 0
        }
        return UsageSummary(count: count, messages: messages, credits: credits)
    }

    private func range(_ query: inout Query, column: String, _ filter: UsageFilter) {
        if let from = filter.from { query.whereSQL += " AND \(column) >= ?"; query.arguments.append(from) }
        if let to = filter.to { query.whereSQL += " AND \(column) < ?"; query.arguments.append(to) }
    }

    private static func searchText(_ filter: UsageFilter) -> String? {
        guard let text = filter.search?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    private static func like(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    private static func row(_ row: Row, tab: UsageTab, sortField: SortField, showUsers: Bool) -> UsageRow {
        switch tab {
        case .conversations:
            let value: Int64 = sortField == .messages ? row["messages"] : sortField == .credits ? row["credits"] : row["updated_at"]
            return UsageRow(key: row["conversation_id"], title: row["title"], messages: row["messages"], credits: row["credits"],
                            user: showUsers ? row["creator"] : nil, billingType: row["billing_type"], apiKey: nil, importType: nil,
                            url: nil, detail: nil, time: row["updated_at"], cursor: UsageCursor(value: value, id: row["id"]))
        case .calls, .imports:
            let value: Int64 = sortField == .credits ? row["credits"] : row["created_at"]
            return UsageRow(key: (tab == .calls ? row["call_id"] : row["task_id"]) ?? "", title: nil, messages: nil, credits: row["credits"],
                            user: showUsers ? row["email"] : nil, billingType: nil, apiKey: row["api_key"], importType: row["import_type"],
                            url: row["url"], detail: nil, time: row["created_at"], cursor: UsageCursor(value: value, id: row["id"]))
        case .adjustments:
            let value: Int64 = sortField == .amount ? row["amount"] : row["created_at"]
            return UsageRow(key: row["type"], title: nil, messages: nil, credits: row["amount"], user: nil, billingType: nil, apiKey: nil,
                            importType: nil, url: nil, detail: row["detail"], time: row["created_at"], cursor: UsageCursor(value: value, id: row["id"]))
        }
    }
}
