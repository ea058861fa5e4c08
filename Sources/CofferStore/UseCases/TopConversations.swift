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
/// The walk reads the index alone to skip what is out of the range, and at worst all of it; it is
/// taken when ``ConversationRange/walkPays(limit:)`` expects it to read less than totalling the
/// range would (not for a range holding a sliver of the tab: the caller totals that range instead).
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
    /// totalling the range is the cheaper way to it.
    func page(after: UsageCursor?, limit: Int, showUsers: Bool) throws -> UsagePage? {
        guard try range.walkPays(limit: limit) else { return nil }
        var conditions = "workspace_id = ? AND updated_at >= ? AND first_at < ?"
        var binds: [Bind] = [.int(range.workspace), .int(range.from), .int(range.to)]
        if let type = range.type { conditions += " AND billing_type = ?"; binds.append(.text(type)) }
        if let after {
            conditions += " AND ((\(column), id) < (?, ?) OR first_at < ? OR updated_at >= ?)"
            binds += [.int(after.value), .int(after.id), .int(range.from), .int(range.to)]
        }

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
        try range.sql.each("""
            SELECT id, \(column), messages, credits, first_at, updated_at, conversation_id, title, creator, billing_type
            FROM conversations INDEXED BY conversations_by_\(column) WHERE \(conditions) ORDER BY \(column) DESC, id DESC
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
            return best.count <= limit || best[limit].key < (value, id)
        }
        try settle()
        let rows = best.prefix(limit).map { entry in
            UsageRow(key: entry.totals.conversation, title: entry.totals.title, messages: entry.totals.messages, credits: entry.totals.credits,
                     user: showUsers ? entry.totals.creator : nil, billingType: BillingType(rawValue: entry.totals.billingType), apiKey: nil,
                     importType: nil, url: nil, detail: nil, time: entry.totals.latest ?? 0, cursor: UsageCursor(value: entry.value, id: entry.id))
        }
        return UsagePage(rows: rows, next: best.count > limit ? rows.last?.cursor : nil)
    }
}
