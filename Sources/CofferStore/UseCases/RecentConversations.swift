import CofferCore

/// The Conversations tab under a date range, newest first — the default view, and the one the
/// dashboard opens — without grouping the whole range (SPEC §7, §11).
///
/// Walks the range newest first: the later partial day (its conversation-days with a line before
/// the end), then the conversation-days of the whole days by their latest line, then the earlier
/// partial day's lines. A conversation's first appearance is its latest line in the range, so the
/// walk stops once the page is full; only those conversations are then totalled.
struct RecentConversations {
    let range: ConversationRange

    /// One page after `after`, newest first (the User column only when `showUsers`, R7).
    func page(after: UsageCursor?, limit: Int, showUsers: Bool) throws -> UsagePage {
        var seen = Set<Int64>()
        var found: [(id: Int64, updated: Int64)] = []
        /// True once the page (and one more, to know there is a next page) is full.
        func consider(_ id: Int64, _ updated: Int64) -> Bool {
            guard seen.insert(id).inserted else { return false }
            if let after, (updated, id) >= (after.value, after.id) { return false }
            found.append((id, updated))
            return found.count > limit
        }
        var full = false
        if let piece = range.later {
            full = try walkLaterDay(piece, consider)
        } else if range.days == nil, let piece = range.pieces.first {
            full = try walkLines(piece, consider)
        }
        if !full, let days = range.days {
            var arguments: [Bind] = [.int(range.workspace), .int(days.from), .int(days.to)]
            if let type = range.type { arguments.append(.text(type)) }
            try range.sql.each("""
                SELECT conversation, last_at FROM conversation_days
                WHERE workspace_id = ? AND day >= ? AND day < ?\(range.type == nil ? "" : " AND billing_type = ?")
                ORDER BY day DESC, last_at DESC, conversation DESC
                """, arguments) { row in
                full = consider(row.int(0), row.int(1))
                return !full
            }
        }
        if !full, let piece = range.earlier { full = try walkLines(piece, consider) }
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

    /// The partial day after the whole days, newest first; returns true when the page is full. Its
    /// conversation-days with a line before the end: a conversation whose lines that day all come
    /// before the end has its latest there; one that goes on past the end (few do) is looked up.
    private func walkLaterDay(_ piece: UsageRanges.Piece, _ consider: (Int64, Int64) -> Bool) throws -> Bool {
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
        latest.sort { ($0.at, $0.id) > ($1.at, $1.id) }
        for entry in latest where consider(entry.id, entry.at) { return true }
        return false
    }

    /// Charge lines of a partial day, newest first; returns true when the page is full.
    private func walkLines(_ piece: UsageRanges.Piece, _ consider: (Int64, Int64) -> Bool) throws -> Bool {
        var arguments: [Bind] = [.int(range.workspace), .int(piece.from), .int(piece.to)]
        if let type = range.type { arguments.append(.text(type)) }
        let typed = range.type == nil ? "" : " AND u.billing_type = ?"
        var full = false
        try range.sql.each("""
            SELECT c.id, u.created_at FROM usage_events u JOIN conversations c ON c.workspace_id = u.workspace_id
              AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
            WHERE u.workspace_id = ? AND u.tab = \(EventTab.conversations.rawValue) AND u.created_at >= ? AND u.created_at < ?\(typed)
            ORDER BY u.created_at DESC, c.id DESC
            """, arguments) { row in
            full = consider(row.int(0), row.int(1))
            return !full
        }
        return full
    }
}
