import CofferCore

/// The Conversations tab under a date range sorted by messages or credits, largest first, without
/// totalling every conversation of the range (SPEC §7, §11; issue #18.5).
///
/// A conversation's messages (or credits) in a range are at most its all-time figure, and equal to
/// it when its first and latest lines both lie in the range. So the walk reads the conversations
/// by all-time figure, largest first (`conversations_by_messages` / `_by_credits`, which carry
/// the times): one wholly in the range comes with its figures; one that straddles an end of the
/// range (few do) is totalled exactly; and the walk stops once the page — and one row more, to
/// know there is a next page — beats every conversation not yet read, whose all-time figures bound
/// them. After a cursor, the conversations above it still count when they straddle the range.
///
/// The walk reads at most ``ConversationRange/walkBudget(limit:)`` index entries; when the page is
/// not known by then (a range holding a sliver of the tab, a page deep down) it says so, and the
/// caller totals the range instead.
struct TopConversations {
    let range: ConversationRange
    /// `messages` or `credits`: a column of `conversations`, and the name of its index.
    let column: String

    /// The sort as a column; nil for a field this walk does not serve.
    init?(_ range: ConversationRange, field: SortField) {
        guard field == .messages || field == .credits else { return nil }
        (self.range, column) = (range, field == .messages ? "messages" : "credits")
    }

    /// A conversation on the page: its figure sorted by, id, and row.
    private struct Entry {
        let value: Int64, id: Int64
        let totals: ConversationRange.Totals
        var key: (Int64, Int64) { (value, id) }
    }

    /// One page after `after`, largest first (the User column only when `showUsers`, R7); nil when
    /// the walk ran out of budget before the page was known.
    func page(after: UsageCursor?, limit: Int, showUsers: Bool) throws -> UsagePage? {
        guard let budget = try range.walkBudget(limit: limit) else { return nil }
        let index = "conversations_by_\(column)"
        let workspace = Bind.int(range.workspace)
        // Where the budget ends: the walk goes no further (nil: the index is shorter).
        let boundary = try range.sql.first("""
            SELECT \(column), id FROM conversations INDEXED BY \(index) WHERE workspace_id = ? ORDER BY \(column) DESC, id DESC LIMIT 1 OFFSET ?
            """, [workspace, .int(budget)]) { (value: $0.int(0), id: $0.int(1)) }
        var conditions = "workspace_id = ? AND updated_at >= ? AND first_at < ?"
        var binds: [Bind] = [workspace, .int(range.from), .int(range.to)]
        if let type = range.type { conditions += " AND billing_type = ?"; binds.append(.text(type)) }
        if let after {
            conditions += " AND ((\(column), id) < (?, ?) OR first_at < ? OR updated_at >= ?)"
            binds += [.int(after.value), .int(after.id), .int(range.from), .int(range.to)]
        }
        if let boundary { conditions += " AND (\(column), id) >= (?, ?)"; binds += [.int(boundary.value), .int(boundary.id)] }

        var best: [Entry] = [] // largest first, at most limit + 1
        var straddling: [Int64] = []
        func consider(_ entry: Entry) {
            if let after, entry.key >= (after.value, after.id) { return }
            guard best.count <= limit || entry.key > best[limit].key else { return }
            best.insert(entry, at: best.firstIndex { $0.key < entry.key } ?? best.count)
            if best.count > limit + 1 { best.removeLast() }
        }
        func settle() throws {
            for (id, totals) in try range.totals(straddling) where totals.latest != nil {
                consider(Entry(value: column == "messages" ? totals.messages.milliunits : totals.credits.millicredits, id: id, totals: totals))
            }
            straddling.removeAll()
        }
        var known = false
        try range.sql.each("""
            SELECT id, \(column), messages, credits, first_at, updated_at, conversation_id, title, creator, billing_type
            FROM conversations INDEXED BY \(index) WHERE \(conditions) ORDER BY \(column) DESC, id DESC
            """, binds) { row in
            let (id, value) = (row.int(0), row.int(1))
            if row.int(4) >= range.from, row.int(5) < range.to {
                consider(Entry(value: value, id: id, totals: .init(conversation: row.text(6), title: row.text(7), creator: row.text(8),
                                                                  billingType: row.text(9), messages: Quantity(milliunits: row.int(2)),
                                                                  credits: Credits(millicredits: row.int(3)), latest: row.int(5))))
            } else {
                straddling.append(id)
                if straddling.count == 64 { try settle() }
            }
            // Every conversation after this one is bounded by this one's figure.
            known = best.count > limit && best[limit].key >= (value, id)
            return !known
        }
        try settle()
        guard known || boundary == nil else { return nil }
        let rows = best.prefix(limit).map { entry in
            UsageRow(key: entry.totals.conversation, title: entry.totals.title, messages: entry.totals.messages, credits: entry.totals.credits,
                     user: showUsers ? entry.totals.creator : nil, billingType: BillingType(rawValue: entry.totals.billingType), apiKey: nil,
                     importType: nil, url: nil, detail: nil, time: entry.totals.latest ?? 0, cursor: UsageCursor(value: entry.value, id: entry.id))
        }
        return UsagePage(rows: rows, next: best.count > limit ? rows.last?.cursor : nil)
    }
}
