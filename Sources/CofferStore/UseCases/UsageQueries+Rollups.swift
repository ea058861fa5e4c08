import CofferCore

/// The Conversations tab over a date range, and the summary bars: whole days from the daily
/// rollups, the partial days at either end from the charge lines (SPEC §7, §11).
extension UsageQueries {
    /// Conversations: all time from the rollup; with dates, aggregated from the charge lines in range (SPEC §7).
    func conversations(filter: UsageFilter, actor: Actor, sql: any StorageConnection) throws -> Query {
        var arguments: [Bind] = [.int(actor.workspaceID)]
        var conditions: [String] = []
        var tail: [Bind] = []
        let type: [Bind] = filter.type.map { [.text($0)] } ?? []
        let typed = filter.type == nil ? "" : " AND billing_type = ?", typedLines = filter.type == nil ? "" : " AND u.billing_type = ?"
        let source: String
        if filter.from != nil || filter.to != nil {
            // Whole days from conversation_days, the partial days at either end from the lines.
            let (days, pieces) = try UsageRanges.split(filter, tab: .conversations, workspace: actor.workspaceID, sql: sql)
            var parts: [String] = []
            arguments.removeAll()
            if let days {
                parts.append("""
                    SELECT conversation AS cid, messages AS m, credits AS cr, last_at AS t FROM conversation_days
                    WHERE workspace_id = ? AND day >= ? AND day < ?\(typed)
                    """)
                arguments += [.int(actor.workspaceID), .int(days.from), .int(days.to)] + type
            }
            for piece in pieces {
                parts.append("""
                    SELECT c.id AS cid, u.messages AS m, u.credits AS cr, u.created_at AS t FROM usage_events u JOIN conversations c
                      ON c.workspace_id = u.workspace_id AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
                    WHERE u.workspace_id = ? AND u.tab = \(EventTab.conversations.rawValue) AND u.created_at >= ? AND u.created_at < ?\(typedLines)
                    """)
                arguments += [.int(actor.workspaceID), .int(piece.from), .int(piece.to)] + type
            }
            if parts.isEmpty { parts.append("SELECT NULL AS cid, 0 AS m, 0 AS cr, 0 AS t WHERE 1 = 0") } // an empty range
            source = """
                SELECT c.id, c.conversation_id, c.title, c.creator, c.billing_type, agg.m AS messages, agg.cr AS credits, agg.t AS updated_at
                FROM (SELECT cid, sum(m) AS m, sum(cr) AS cr, max(t) AS t FROM (\(parts.joined(separator: " UNION ALL "))) parts GROUP BY cid) agg
                JOIN conversations c ON c.id = agg.cid
                """
        } else {
            source = "SELECT c.id, c.conversation_id, c.title, c.creator, c.billing_type, c.messages, c.credits, c.updated_at FROM conversations c WHERE c.workspace_id = ?"
            if filter.type != nil { conditions.append("v.billing_type = ?"); tail += type }
        }
        if let search = Self.searchText(filter) {
            let condition = Self.conversationSearch(search, actor: actor, dialect: sql.dialect)
            conditions.append(condition.sql)
            tail += condition.binds
        }
        let whereSQL = conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND ")
        return Query(selectSQL: "SELECT * FROM (\(source)) v", whereSQL: whereSQL, arguments: arguments + tail, idColumn: "v.id",
                     messagesColumn: "messages", creditsColumn: "credits")
    }

    /// The condition on conversations (as `v`) that a search matches: ID, title or (owners only,
    /// R7) creator — through the trigram index for three characters or more, and by scanning the
    /// conversations newer than the index (it catches up in batches) so results stay complete.
    static func conversationSearch(_ search: String, actor: Actor, dialect: SQLDialect) -> (sql: String, binds: [Bind]) {
        let owners = Permissions.allows(actor.role, .seeUsageUsers)
        let pattern = Bind.text(like(search))
        let scan = "v.conversation_id LIKE ? ESCAPE '\\' OR v.title LIKE ? ESCAPE '\\'\(owners ? " OR v.creator LIKE ? ESCAPE '\\'" : "")"
        let likes = Array(repeating: pattern, count: owners ? 3 : 2)
        // PostgreSQL's trigram indexes serve the LIKEs themselves (the connection makes them ILIKE).
        guard search.count >= 3, dialect == .sqlite else { return ("(\(scan))", likes) }
        let phrase = "\"" + search.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return ("""
            (v.id IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH ?)
             OR (v.id > coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'), 0) AND (\(scan))))
            """, [.text(owners ? phrase : "{conversation_id title} : \(phrase)")] + likes)
    }

    /// Calls and imports summaries without a search: whole days from `usage_daily`, the rest from the lines.
    func rolledUp(_ tab: EventTab, filter: UsageFilter, actor: Actor, sql: any StorageConnection) throws -> UsageSummary {
        let type = tab == .calls ? filter.apiKey : filter.type
        // Whole days inside [from, to): [fullFrom, fullTo).
        let fullFrom = filter.from.map { UsageFilter.dayStart($0) == $0 ? $0 : UsageFilter.dayStart($0) + UTC.day }
        let fullTo = filter.to.map { UsageFilter.dayStart($0) }
        var totals = Totals()
        if (fullFrom ?? .min) < (fullTo ?? .max) {
            try totals.add(sql.first("""
                SELECT ifnull(sum(lines), 0), 0, ifnull(sum(credits), 0) FROM usage_daily
                WHERE workspace_id = ? AND tab = ? AND (? IS NULL OR type = ?) AND day >= ? AND day < ?
                """, [.int(actor.workspaceID), .int(tab.rawValue), .text(type), .text(type), .int((fullFrom ?? Int64.min / 2) / UTC.day),
                      .int(fullTo.map { $0 / UTC.day } ?? Int64.max / UTC.day)], map: Totals.init))
        }
        let column = tab.typeColumn
        // The partial days at either end (or the whole range when it spans no full day).
        var pieces: [(Timestamp?, Timestamp?)] = []
        if (fullFrom ?? .min) < (fullTo ?? .max) {
            if let from = filter.from, let fullFrom, from < fullFrom { pieces.append((from, fullFrom)) }
            if let to = filter.to, let fullTo, fullTo < to { pieces.append((fullTo, to)) }
        } else {
            pieces.append((filter.from, filter.to))
        }
        for (from, to) in pieces {
            try totals.add(sql.first("""
                SELECT count(*), 0, ifnull(sum(credits), 0) FROM usage_events
                WHERE workspace_id = ? AND tab = ? AND (? IS NULL OR \(column) = ?) AND created_at >= ? AND created_at < ?
                """, [.int(actor.workspaceID), .int(tab.rawValue), .text(type), .text(type), .int(from ?? Int64.min), .int(to ?? Int64.max)],
                map: Totals.init))
        }
        return totals.summary
    }

    /// Conversations' summary without a search: sums from the daily totals and the partial days'
    /// lines; the count of distinct conversations from the daily rollups (``ConversationRange/count()``;
    /// all time: from the conversations themselves).
    func conversationTotals(filter: UsageFilter, actor: Actor, sql: any StorageConnection) throws -> UsageSummary {
        let workspace = actor.workspaceID
        let tab = EventTab.conversations.rawValue
        let typed = filter.type == nil ? "" : " AND billing_type = ?"
        let type: [Bind] = filter.type.map { [.text($0)] } ?? []
        var totals = Totals()
        // All time: every conversation of the workspace (an index-only count).
        if filter.from == nil, filter.to == nil {
            try totals.add(sql.first("""
                SELECT 0, ifnull(sum(messages), 0), ifnull(sum(credits), 0) FROM usage_daily
                WHERE workspace_id = ? AND tab = \(tab)\(filter.type == nil ? "" : " AND type = ?")
                """, [.int(workspace)] + type, map: Totals.init))
            totals.count = try sql.int("SELECT count(*) FROM conversations WHERE workspace_id = ?\(typed)", [.int(workspace)] + type) ?? 0
            return totals.summary
        }
        let range = try ConversationRange(filter, workspace: workspace, sql: sql)
        if let days = range.days {
            try totals.add(sql.first("""
                SELECT 0, ifnull(sum(messages), 0), ifnull(sum(credits), 0) FROM usage_daily
                WHERE workspace_id = ? AND tab = \(tab)\(filter.type == nil ? "" : " AND type = ?") AND day >= ? AND day < ?
                """, [.int(workspace)] + type + [.int(days.from), .int(days.to)], map: Totals.init))
        }
        for piece in range.pieces {
            try totals.add(sql.first("""
                SELECT 0, ifnull(sum(messages), 0), ifnull(sum(credits), 0)
                FROM usage_events WHERE workspace_id = ? AND tab = \(tab) AND created_at >= ? AND created_at < ?\(typed)
                """, [.int(workspace), .int(piece.from), .int(piece.to)] + type, map: Totals.init))
        }
        totals.count = try range.count()
        return totals.summary
    }

    /// A summary added up slice by slice, overflow-checked on the money (R1).
    struct Totals {
        var count: Int64 = 0
        var messages = Quantity.zero
        var credits = Credits.zero

        init() {}

        /// A slice's figures from a row of count, messages (thousandths) and credits (millicredits).
        init(_ row: any StorageRow) {
            (count, messages, credits) = (row.int(0), Quantity(milliunits: row.int(1)), Credits(millicredits: row.int(2)))
        }

        /// Adds a slice, if there is one.
        mutating func add(_ slice: Totals?) throws {
            guard let slice else { return }
            count = try checked(count, plus: slice.count)
            messages = try messages.adding(slice.messages)
            credits = try credits.adding(slice.credits)
        }

        var summary: UsageSummary { UsageSummary(count: count, messages: messages, credits: credits) }
    }
}
