import CofferCore

/// The Conversations tab's date range as the rollups see it (SPEC §7 applies dates to charge
/// lines): whole UTC days from `conversation_days`, the partial days at either end from the
/// lines. Answers what a page or the summary bar needs without totalling every conversation of
/// the range: given conversations' figures in it, and how many conversations it has.
struct ConversationRange {
    let sql: any StorageConnection
    let workspace: Int64
    /// The billing type filter, if any.
    let type: String?
    /// The range, `[from, to)`; open ends as the extremes.
    let from: Timestamp, to: Timestamp
    let days: UsageRanges.Days?
    let pieces: [UsageRanges.Piece]

    /// `filter`'s range in `workspace` (a partial day whose rest holds no line counts as whole).
    init(_ filter: UsageFilter, workspace: Int64, sql: any StorageConnection) throws {
        (self.sql, self.workspace, type) = (sql, workspace, filter.type)
        (from, to) = (filter.from ?? Int64.min, filter.to ?? Int64.max)
        (days, pieces) = try UsageRanges.split(filter, tab: .conversations, workspace: workspace, sql: sql)
    }

    /// The partial day before the whole days, and the one after them.
    var earlier: UsageRanges.Piece? { days.flatMap { days in pieces.first { $0.to <= days.from * UTC.day } } }
    var later: UsageRanges.Piece? { days.flatMap { days in pieces.first { $0.from >= days.to * UTC.day } } }

    private var typed: String { type == nil ? "" : " AND billing_type = ?" }
    private var typeBind: [Bind] { type.map { [.text($0)] } ?? [] }

    /// A conversation's figures in the range; `latest` is its latest line there (nil: none).
    struct Totals {
        var conversation = "", title = "", creator = "", billingType = ""
        var messages = Quantity.zero, credits = Credits.zero
        var latest: Timestamp?

        /// Adds one slice of the range (overflow-checked, R1).
        mutating func add(messages: Int64, credits: Int64, latest: Timestamp) throws {
            self.messages = try self.messages.adding(Quantity(milliunits: messages))
            self.credits = try self.credits.adding(Credits(millicredits: credits))
            self.latest = max(self.latest ?? latest, latest)
        }
    }

    /// Messages, credits and latest line in the range of the conversations `ids`, by id: from their
    /// conversation-days — a partial day's too, when all the conversation's lines that day lie in
    /// the range — and, for a conversation whose lines that day cross an end of the range, from
    /// its lines in that partial day.
    func totals(_ ids: [Int64]) throws -> [Int64: Totals] {
        guard !ids.isEmpty else { return [:] }
        let list = UsageRanges.idList(ids)
        var totals: [Int64: Totals] = [:]
        try sql.each("SELECT id, conversation_id, title, creator, billing_type FROM conversations WHERE id IN (\(list.sql))", list.binds) { row in
            totals[row.int(0)] = Totals(conversation: row.text(1), title: row.text(2), creator: row.text(3), billingType: row.text(4))
            return true
        }
        guard let days else {
            try addLines(pieces.first, of: ids, to: &totals)
            return totals
        }
        var crossing: (earlier: [Int64], later: [Int64]) = ([], [])
        // By conversation: the day range would read every conversation-day of the range.
        try sql.each("""
            SELECT conversation, day, messages, credits, first_at, last_at FROM conversation_days INDEXED BY conversation_days_by_conversation
            WHERE workspace_id = ? AND conversation IN (\(list.sql)) AND day >= ? AND day <= ?
            """, [.int(workspace)] + list.binds + [.int(days.from - 1), .int(days.to)]) { row in
            let (id, day, first, last) = (row.int(0), row.int(1), row.int(4), row.int(5))
            if first >= from, last < to {
                try totals[id]?.add(messages: row.int(2), credits: row.int(3), latest: last)
            } else if last >= from, first < to {
                if day < days.from { crossing.earlier.append(id) } else { crossing.later.append(id) }
            }
            return true
        }
        try addLines(earlier, of: crossing.earlier, to: &totals)
        try addLines(later, of: crossing.later, to: &totals)
        return totals
    }

    /// Adds the lines of `ids` in `piece` (a partial day) to their totals.
    private func addLines(_ piece: UsageRanges.Piece?, of ids: [Int64], to totals: inout [Int64: Totals]) throws {
        guard let piece, !ids.isEmpty else { return }
        let list = UsageRanges.idList(ids)
        try sql.each("""
            SELECT c.id, sum(u.messages), sum(u.credits), max(u.created_at) FROM conversations c JOIN usage_events u
              ON u.workspace_id = c.workspace_id AND u.conversation_id = c.conversation_id AND u.billing_type = c.billing_type
              AND u.tab = \(EventTab.conversations.rawValue)
            WHERE c.id IN (\(list.sql)) AND u.created_at >= ? AND u.created_at < ? GROUP BY c.id
            """, list.binds + [.int(piece.from), .int(piece.to)]) { row in
            try totals[row.int(0)]?.add(messages: row.int(1), credits: row.int(2), latest: row.int(3))
            return true
        }
    }

    /// How many conversations (rows of the tab) have a line in the range. Whole days: each day's
    /// count, less the conversation-days whose conversation had an earlier day in the range
    /// (`prev_day`). The partial day before them: its conversation-days with a line at or after
    /// the start (`last_at`), less those seen again in the whole days; the one after them: its
    /// conversation-days with a line before the end (`first_at`), not seen earlier in the range.
    func count() throws -> Int64 {
        guard let days else { return try countFromLines() }
        let bounds: [Bind] = [.int(workspace), .int(days.from), .int(days.to)]
        var count = try sql.int("""
            SELECT ifnull(sum(conversations), 0) FROM conversation_day_counts WHERE workspace_id = ? AND day >= ? AND day < ?\(typed)
            """, bounds + typeBind) ?? 0
        count -= try sql.int("""
            SELECT count(*) FROM conversation_days WHERE workspace_id = ? AND prev_day >= ? AND prev_day < ? AND day < ?\(typed)
            """, bounds + [.int(days.to)] + typeBind) ?? 0
        let before = days.from - 1
        if let earlier {
            let inPiece: [Bind] = [.int(workspace), .int(before), .int(earlier.from)]
            count += try sql.int("SELECT count(*) FROM conversation_days WHERE workspace_id = ? AND day = ? AND last_at >= ?\(typed)",
                                 inPiece + typeBind) ?? 0
            count -= try sql.int("""
                SELECT count(*) FROM conversation_days n JOIN conversation_days e
                  ON e.workspace_id = n.workspace_id AND e.day = n.prev_day AND e.conversation = n.conversation
                WHERE n.workspace_id = ? AND n.prev_day = ? AND e.last_at >= ? AND n.day < ?\(type == nil ? "" : " AND n.billing_type = ?")
                """, inPiece + [.int(days.to)] + typeBind) ?? 0
        }
        if let later {
            // Not counted already: no day in the whole days, nor a line in the earlier piece.
            var seen = "", seenBinds: [Bind] = []
            if let earlier {
                seen = " AND NOT EXISTS (SELECT 1 FROM conversation_days e WHERE e.workspace_id = l.workspace_id AND e.day = ? AND e.conversation = l.conversation AND e.last_at >= ?)"
                seenBinds = [.int(before), .int(earlier.from)]
            }
            count += try sql.int("""
                SELECT count(*) FROM conversation_days l WHERE l.workspace_id = ? AND l.day = ? AND l.first_at < ?
                  AND (l.prev_day IS NULL OR l.prev_day < ?)\(type == nil ? "" : " AND l.billing_type = ?")\(seen)
                """, [.int(workspace), .int(days.to), .int(later.to), .int(days.from)] + typeBind + seenBinds) ?? 0
        }
        return count
    }

    /// A range within a day or two with no whole day in it: the conversations of its lines.
    private func countFromLines() throws -> Int64 {
        try pieces.first.map { piece in
            try sql.int("""
                SELECT count(*) FROM (SELECT DISTINCT conversation_id, billing_type FROM usage_events
                WHERE workspace_id = ? AND tab = \(EventTab.conversations.rawValue) AND created_at >= ? AND created_at < ?\(typed)) pairs
                """, [.int(workspace), .int(piece.from), .int(piece.to)] + typeBind) ?? 0
        } ?? 0
    }

    /// Whether a walk of a conversations index in order (``TopConversations``) is expected to find a
    /// page of `limit` sooner than totalling the range would: it reads about `limit × all ÷ in
    /// range` entries, each about a tenth of the cost of totalling one conversation-day of the range
    /// (measured at 1M records). Counts come from `conversation_day_counts`.
    func walkPays(limit: Int) throws -> Bool {
        guard let days else { return false } // a day or two: totalling them is cheap
        let lower = earlier == nil ? days.from : days.from - 1, upper = later == nil ? days.to : days.to + 1
        guard let counts = try sql.first("""
            SELECT ifnull(sum(conversations), 0), ifnull(sum(CASE WHEN day >= ? AND day < ?\(typed) THEN conversations END), 0)
            FROM conversation_day_counts WHERE workspace_id = ?
            """, [.int(lower), .int(upper)] + typeBind + [.int(workspace)], map: { (all: $0.int(0), inRange: $0.int(1)) }),
              counts.inRange > 0 else { return false }
        return Int64(limit + 1) * counts.all <= 8 * counts.inRange * counts.inRange
    }
}
