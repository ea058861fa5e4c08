import CofferCore

/// The Conversations tab under a date range by latest line — newest first, the default view and
/// the one the dashboard opens, or oldest first (End) — without grouping the whole range (SPEC §7,
/// §11).
///
/// Walks the range's conversation-days in time order: the earlier partial day's (those with a line
/// at or after the start), the whole days', then the later partial day's (those with a line before
/// the end; a conversation that goes on past the end, as few do, has its latest line looked up).
/// A conversation's row is its latest line in the range: newest first that is its first
/// appearance; oldest first, the appearance after which it has no line later in the range. The
/// walk stops once the page is full; only those conversations are then totalled.
struct RecentConversations {
    let range: ConversationRange

    /// One page after `after` (the User column only when `showUsers`, R7); nil for oldest first
    /// over a range with no whole day, whose few lines the caller groups instead.
    func page(after: UsageCursor?, limit: Int, showUsers: Bool, descending: Bool = true) throws -> UsagePage? {
        var seen = Set<Int64>()
        var found: [(id: Int64, updated: Int64)] = []
        /// True once the page (and one more, to know there is a next page) is full.
        func consider(_ id: Int64, _ updated: Int64) -> Bool {
            guard seen.insert(id).inserted else { return false }
            if let after, descending ? (updated, id) >= (after.value, after.id) : (updated, id) <= (after.value, after.id) { return false }
            found.append((id, updated))
            return found.count > limit
        }
        /// Considers entries in order; true once the page is full.
        func feed(_ entries: some Sequence<(id: Int64, at: Timestamp)>) -> Bool {
            for entry in entries where consider(entry.id, entry.at) { return true }
            return false
        }
        guard let days = range.days else {
            guard descending else { return nil }
            if let piece = range.pieces.first { _ = try walkLines(piece, limit: limit, consider) }
            return try rows(found, limit: limit, showUsers: showUsers)
        }
        let later = try laterDay()
        var full = descending && feed(later)
        if !full {
            // The earlier partial day's conversation-days with a line in range, then the whole days'.
            var arguments: [Bind] = [.int(range.workspace), .int(range.earlier == nil ? days.from : days.from - 1), .int(days.to),
                                     .int(days.from), .int(range.from)]
            if let type = range.type { arguments.append(.text(type)) }
            let order = descending ? "DESC" : "ASC"
            try walk("""
                SELECT conversation, last_at, day FROM conversation_days
                WHERE workspace_id = ? AND day >= ? AND day < ? AND (day >= ? OR last_at >= ?)\(range.type == nil ? "" : " AND billing_type = ?")
                ORDER BY day \(order), last_at \(order), conversation \(order)
                """, arguments, limit: limit) { row in
                guard try descending || !hasLaterLine(row.int(0), after: row.int(2)) else { return true }
                full = consider(row.int(0), row.int(1))
                return !full
            }
        }
        if !full, !descending { _ = feed(later.reversed()) }
        return try rows(found, limit: limit, showUsers: showUsers)
    }

    /// The page's rows, totalled over the range, and where the next page starts.
    private func rows(_ found: [(id: Int64, updated: Int64)], limit: Int, showUsers: Bool) throws -> UsagePage {
        let page = Array(found.prefix(limit))
        let totals = try range.totals(page.map(\.id))
        let rows = page.map { entry in
            let totals = totals[entry.id] ?? ConversationRange.Totals()
            return UsageRow(key: totals.conversation, title: totals.title, messages: totals.messages, credits: totals.credits,
                            user: showUsers ? totals.creator : nil, billingType: BillingType(rawValue: totals.billingType), apiKey: nil,
                            importType: nil, url: nil, detail: nil, time: entry.updated, cursor: UsageCursor(value: entry.updated, id: entry.id))
        }
        return UsagePage(rows: rows, next: found.count > limit ? rows.last?.cursor : nil)
    }

    /// The partial day after the whole days (none: empty), newest first, from its conversation-days
    /// with a line before the end: a conversation whose lines that day all come before the end has
    /// its latest there; one that goes on past the end is looked up.
    private func laterDay() throws -> [(id: Int64, at: Timestamp)] {
        guard let piece = range.later else { return [] }
        var arguments: [Bind] = [.int(range.workspace), .int(piece.from / UTC.day), .int(piece.to)]
        if let type = range.type { arguments.append(.text(type)) }
        var latest: [(id: Int64, at: Timestamp)] = [], going: [Int64] = []
        try range.sql.each("""
            SELECT conversation, last_at FROM conversation_days WHERE workspace_id = ? AND day = ? AND first_at < ?\(range.type == nil ? "" : " AND billing_type = ?")
            """, arguments) { row in
            if row.int(1) < piece.to { latest.append((row.int(0), row.int(1))) } else { going.append(row.int(0)) }
            return true
        }
        // The later day is the latest part of the range: a conversation's latest line in the range lies there.
        for (id, totals) in try range.totals(going) { if let at = totals.latest { latest.append((id, at)) } }
        return latest.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
    }

    /// Whether `conversation` has a line in the range on a day after `day`.
    private func hasLaterLine(_ conversation: Int64, after day: Int64) throws -> Bool {
        try range.sql.exists("""
            SELECT 1 FROM conversation_days INDEXED BY conversation_days_by_conversation
            WHERE workspace_id = ? AND conversation = ? AND day > ? AND day <= ? AND first_at < ?
            """, .int(range.workspace), .int(conversation), .int(day), .int(range.days?.to ?? day), .int(range.to))
    }

    /// Charge lines of a range with no whole day, newest first (the page fills as it goes).
    private func walkLines(_ piece: UsageRanges.Piece, limit: Int, _ consider: (Int64, Int64) -> Bool) throws -> Bool {
        var arguments: [Bind] = [.int(range.workspace), .int(piece.from), .int(piece.to)]
        if let type = range.type { arguments.append(.text(type)) }
        let typed = range.type == nil ? "" : " AND u.billing_type = ?"
        var full = false
        try walk("""
            SELECT c.id, u.created_at FROM usage_events u JOIN conversations c ON c.workspace_id = u.workspace_id
              AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
            WHERE u.workspace_id = ? AND u.tab = \(EventTab.conversations.rawValue) AND u.created_at >= ? AND u.created_at < ?\(typed)
            ORDER BY u.created_at DESC, c.id DESC
            """, arguments, limit: limit) { row in
            full = consider(row.int(0), row.int(1))
            return !full
        }
        return full
    }

    /// Runs `sql` (ending in its ORDER BY) a chunk at a time — LIMIT and OFFSET, each chunk twice
    /// the last, the first four pages' worth — until `row` returns false or the rows run out.
    /// PostgreSQL sends a statement's whole result before the first row is read, so a walk that
    /// stops early asks only for about what it reads (at most twice as much). Rows that tie in
    /// the order are rows of one conversation at one time, which `consider` takes once anyway.
    private func walk(_ sql: String, _ arguments: [Bind], limit: Int, _ row: (any StorageRow) throws -> Bool) throws {
        var offset = 0, chunk = 4 * (min(max(limit, 1), 10_000) + 1)
        while true {
            var read = 0, going = true
            try range.sql.each(sql + " LIMIT ? OFFSET ?", arguments + [.int(chunk), .int(offset)]) { current in
                read += 1
                going = try row(current)
                return going
            }
            guard going, read == chunk else { return }
            offset += chunk
            chunk *= 2
        }
    }
}
