import CofferCore

/// The Conversations tab under a date range, newest first — the default view, and the one the
/// dashboard opens — without grouping the whole range (SPEC §7, §11).
///
/// Walks the range newest first: the later partial day's charge lines, then the conversation-days
/// of the whole days by their latest line, then the earlier partial day's lines. A conversation's
/// first appearance is its latest line in the range, so the walk stops once the page is full; only
/// those conversations are then totalled.
struct RecentConversations {
    let sql: any StorageConnection
    let workspace: Int64
    let filter: UsageFilter

    /// One page after `after`, newest first (the User column only when `showUsers`, R7).
    func page(after: UsageCursor?, limit: Int, showUsers: Bool) throws -> UsagePage {
        let (days, pieces) = try UsageRanges.split(filter, tab: .conversations, workspace: workspace, sql: sql)
        let later = pieces.filter { piece in days.map { piece.from >= $0.to * UTC.day } ?? true }
        let earlier = pieces.filter { piece in days.map { piece.to <= $0.from * UTC.day } ?? false }
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
        for piece in later where !full { full = try walkLines(piece, consider) }
        if !full, let days {
            var arguments: [Bind] = [.int(workspace), .int(days.from), .int(days.to)]
            if let type = filter.type { arguments.append(.text(type)) }
            try sql.each("""
                SELECT conversation, last_at FROM conversation_days
                WHERE workspace_id = ? AND day >= ? AND day < ?\(filter.type == nil ? "" : " AND billing_type = ?")
                ORDER BY day DESC, last_at DESC, conversation DESC
                """, arguments) { row in
                full = consider(row.int(0), row.int(1))
                return !full
            }
        }
        for piece in earlier where !full { full = try walkLines(piece, consider) }
        let page = Array(found.prefix(limit))
        let rows = try zip(page, totals(page.map(\.id), days: days, pieces: pieces)).map { entry, totals in
            UsageRow(key: totals.conversation, title: totals.title, messages: totals.messages, credits: totals.credits,
                     user: showUsers ? totals.creator : nil, billingType: BillingType(rawValue: totals.billingType), apiKey: nil,
                     importType: nil, url: nil, detail: nil, time: entry.updated, cursor: UsageCursor(value: entry.updated, id: entry.id))
        }
        return UsagePage(rows: rows, next: found.count > limit ? rows.last?.cursor : nil)
    }

    /// Charge lines of a partial day, newest first; returns true when the page is full.
    private func walkLines(_ piece: UsageRanges.Piece, _ consider: (Int64, Int64) -> Bool) throws -> Bool {
        var arguments: [Bind] = [.int(workspace), .int(piece.from), .int(piece.to)]
        if let type = filter.type { arguments.append(.text(type)) }
        let typed = filter.type == nil ? "" : " AND u.billing_type = ?"
        var full = false
        try sql.each("""
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

    /// A conversation's figures in the range.
    private struct Totals {
        var conversation = "", title = "", creator = "", billingType = ""
        var messages = Quantity.zero, credits = Credits.zero

        /// Adds one slice of the range (overflow-checked, R1).
        mutating func add(messages: Int64, credits: Int64) throws {
            self.messages = try self.messages.adding(Quantity(milliunits: messages))
            self.credits = try self.credits.adding(Credits(millicredits: credits))
        }
    }

    /// Messages and credits in the range for the page's conversations, in page order.
    private func totals(_ ids: [Int64], days: UsageRanges.Days?, pieces: [UsageRanges.Piece]) throws -> [Totals] {
        guard !ids.isEmpty else { return [] }
        let list = UsageRanges.idList(ids)
        var totals: [Int64: Totals] = [:]
        try sql.each("SELECT id, conversation_id, title, creator, billing_type FROM conversations WHERE id IN (\(list.sql))", list.binds) { row in
            totals[row.int(0)] = Totals(conversation: row.text(1), title: row.text(2), creator: row.text(3), billingType: row.text(4))
            return true
        }
        if let days {
            try sql.each("""
                SELECT conversation, sum(messages), sum(credits) FROM conversation_days
                WHERE workspace_id = ? AND conversation IN (\(list.sql)) AND day >= ? AND day < ? GROUP BY conversation
                """, [.int(workspace)] + list.binds + [.int(days.from), .int(days.to)]) { row in
                try totals[row.int(0)]?.add(messages: row.int(1), credits: row.int(2))
                return true
            }
        }
        for piece in pieces {
            try sql.each("""
                SELECT c.id, sum(u.messages), sum(u.credits) FROM conversations c JOIN usage_events u ON u.workspace_id = c.workspace_id
                  AND u.conversation_id = c.conversation_id AND u.billing_type = c.billing_type AND u.tab = \(EventTab.conversations.rawValue)
                WHERE c.id IN (\(list.sql)) AND u.created_at >= ? AND u.created_at < ? GROUP BY c.id
                """, list.binds + [.int(piece.from), .int(piece.to)]) { row in
                try totals[row.int(0)]?.add(messages: row.int(1), credits: row.int(2))
                return true
            }
        }
        return ids.map { totals[$0] ?? Totals() }
    }
}
