import CofferCore
import GRDB

/// The Conversations tab under a date range, newest first — the default view, and the one the
/// dashboard opens — without grouping the whole range (SPEC §7, §11).
///
/// Walks the range newest first: the later partial day's charge lines, then the conversation-days
/// of the whole days by their latest line, then the earlier partial day's lines. A conversation's
/// first appearance is its latest line in the range, so the walk stops once the page is full; only
/// those conversations are then totalled.
struct RecentConversations {
    let db: Database
    let workspace: Int64
    let filter: UsageFilter

    func page(after: UsageCursor?, limit: Int, showUsers: Bool) throws -> UsagePage {
        let (days, pieces) = try UsageRanges.split(filter, tab: 1, workspace: workspace, db: db)
        let later = pieces.filter { days == nil || $0.from >= days!.to * UTC.day }
        let earlier = pieces.filter { days != nil && $0.to <= days!.from * UTC.day }
        var seen = Set<Int64>()
        var found: [(id: Int64, updated: Int64)] = []
        /// True once the page (and one more, to know there is a next page) is full.
        func consider(_ id: Int64, _ updated: Int64) -> Bool {
            guard seen.insert(id).inserted else { return false }
            if let after, (updated, id) >= (after.value, after.id) { return false }
            found.append((id, updated))
            return found.count > limit
        }
        let typed = filter.type == nil ? "" : " AND u.billing_type = ?"
        var full = false
        for piece in later where !full { full = try walkLines(piece, typed: typed, consider) }
        if !full, let days {
            var arguments: [(any DatabaseValueConvertible)?] = [workspace, days.from, days.to]
            if let type = filter.type { arguments.append(type) }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT conversation, last_at FROM conversation_days
                WHERE workspace_id = ? AND day >= ? AND day < ?\(filter.type == nil ? "" : " AND billing_type = ?")
                ORDER BY day DESC, last_at DESC, conversation DESC
                """, arguments: StatementArguments(arguments))
            while !full, let row = try cursor.next() { full = consider(row[0], row[1]) }
        }
        for piece in earlier where !full { full = try walkLines(piece, typed: typed, consider) }
        let page = Array(found.prefix(limit))
        let rows = try totals(page.map(\.id), days: days, pieces: pieces).map { id, totals -> UsageRow in
            let updated = page.first { $0.id == id }!.updated
            return UsageRow(key: totals.conversation, title: totals.title, messages: totals.messages, credits: totals.credits,
                            user: showUsers ? totals.creator : nil, billingType: totals.billingType, apiKey: nil, importType: nil,
                            url: nil, detail: nil, time: updated, cursor: UsageCursor(value: updated, id: id))
        }
        return UsagePage(rows: rows, next: found.count > limit ? rows.last?.cursor : nil)
    }

    /// Charge lines of a partial day, newest first; returns true when the page is full.
    private func walkLines(_ piece: (from: Int64, to: Int64), typed: String, _ consider: (Int64, Int64) -> Bool) throws -> Bool {
        var arguments: [(any DatabaseValueConvertible)?] = [workspace, piece.from, piece.to]
        if let type = filter.type { arguments.append(type) }
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT c.id, u.created_at FROM usage_events u JOIN conversations c ON c.workspace_id = u.workspace_id
              AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
            WHERE u.workspace_id = ? AND u.tab = 1 AND u.created_at >= ? AND u.created_at < ?\(typed)
            ORDER BY u.created_at DESC, c.id DESC
            """, arguments: StatementArguments(arguments))
        while let row = try cursor.next() { if consider(row[0], row[1]) { return true } }
        return false
    }

    private struct Totals {
        var conversation = "", title = "", creator = "", billingType = ""
        var messages: Int64 = 0, credits: Int64 = 0
    }

    /// Messages and credits in the range for the page's conversations, in page order.
    private func totals(_ ids: [Int64], days: (from: Int64, to: Int64)?, pieces: [(from: Int64, to: Int64)]) throws -> [(Int64, Totals)] {
        guard !ids.isEmpty else { return [] }
        let list = ids.map(String.init).joined(separator: ",")
        var totals: [Int64: Totals] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, conversation_id, title, creator, billing_type FROM conversations WHERE id IN (\(list))") {
            totals[row[0]] = Totals(conversation: row[1], title: row[2], creator: row[3], billingType: row[4])
        }
        if let days {
            for row in try Row.fetchAll(db, sql: """
                SELECT conversation, sum(messages), sum(credits) FROM conversation_days
                WHERE workspace_id = ? AND conversation IN (\(list)) AND day >= ? AND day < ? GROUP BY conversation
                """, arguments: [workspace, days.from, days.to]) {
                totals[row[0]]?.messages += row[1]
                totals[row[0]]?.credits += row[2]
            }
        }
        for piece in pieces {
            for row in try Row.fetchAll(db, sql: """
                SELECT c.id, sum(u.messages), sum(u.credits) FROM conversations c JOIN usage_events u ON u.workspace_id = c.workspace_id
                  AND u.conversation_id = c.conversation_id AND u.billing_type = c.billing_type AND u.tab = 1
                WHERE c.id IN (\(list)) AND u.created_at >= ? AND u.created_at < ? GROUP BY c.id
                """, arguments: [piece.from, piece.to]) {
                totals[row[0]]?.messages += row[1]
                totals[row[0]]?.credits += row[2]
            }
        }
        return ids.map { ($0, totals[$0] ?? Totals()) }
    }
}
