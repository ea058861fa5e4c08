import CofferCore
import Foundation

/// The four tabs as windowed queries (SPEC §7): a page is `LIMIT n` after a keyset cursor, never
/// OFFSET; summaries use the daily rollups for whole days and the charge lines for the rest.
public struct UsageQueries: Sendable {
    let store: CofferStore

    /// The usage queries over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// One page of a tab for `actor` (the User column only for owners, R7). A sort by a field the
    /// tab does not sort by is refused, naming the fields it does.
    public func page(_ tab: UsageTab, filter: UsageFilter, sort: UsageSort? = nil, after: UsageCursor? = nil,
                     limit: Int = 50, actor: Actor) throws -> UsagePage {
        let sort = sort ?? .newest(tab)
        let column = try Self.sortColumn(tab, sort.field)
        let showUsers = Permissions.allows(actor.role, .seeUsageUsers)
        return try store.snapshot { sql in
            // Under a date range, by latest line either way or largest first: walks that stop at the page (SPEC §11).
            if tab == .conversations, filter.from != nil || filter.to != nil, Self.searchText(filter) == nil {
                let range = try ConversationRange(filter, workspace: actor.workspaceID, sql: sql)
                if sort.field == .updated,
                   let page = try RecentConversations(range: range).page(after: after, limit: limit, showUsers: showUsers, descending: sort.descending) {
                    return page
                }
                if sort.descending, let page = try TopConversations(range, field: sort.field)?.page(after: after, limit: limit, showUsers: showUsers) {
                    return page
                }
            }
            var query = try base(tab, filter: filter, actor: actor, sql: sql)
            if sort.field == .credits, try Self.walksCredits(tab, filter: filter, limit: limit, workspace: actor.workspaceID, sql: sql) {
                query.selectSQL = query.selectSQL.replacingOccurrences(of: "FROM usage_events u", with: "FROM usage_events u INDEXED BY usage_by_credits")
                // The partial index's own condition, for the planner.
                query.whereSQL += " AND u.tab IN (\(EventTab.calls.rawValue), \(EventTab.imports.rawValue))"
            }
            let order = sort.descending ? "DESC" : "ASC"
            if let after {
                query.whereSQL += " AND (\(column.sql), \(query.idColumn)) \(sort.descending ? "<" : ">") (?, ?)"
                query.arguments += [.int(after.value), .int(after.id)]
            }
            let statement = "\(query.selectSQL) WHERE \(query.whereSQL) ORDER BY \(column.sql) \(order), \(query.idColumn) \(order) LIMIT ?"
            var rows: [UsageRow] = []
            var more = false
            try sql.each(statement, query.arguments + [.int(limit + 1)]) { row in
                guard rows.count < limit else { more = true; return false }
                rows.append(Self.row(row, tab: tab, sortValue: column.index, showUsers: showUsers))
                return true
            }
            return UsagePage(rows: rows, next: more ? rows.last?.cursor : nil)
        }
    }

    /// One page of a tab read from the other end: the `limit` rows just before `before` in the
    /// order of `sort` (the last rows of the tab when `before` is nil), still in that order — a
    /// keyset query in the reversed order, never OFFSET. Its `next` is where the page before it
    /// ends (its first row), when there are rows before it.
    public func page(_ tab: UsageTab, filter: UsageFilter, sort: UsageSort? = nil, before: UsageCursor?, limit: Int = 50,
                     actor: Actor) throws -> UsagePage {
        let sort = sort ?? .newest(tab)
        let reversed = try page(tab, filter: filter, sort: UsageSort(field: sort.field, descending: !sort.descending),
                                after: before, limit: limit, actor: actor)
        let rows = Array(reversed.rows.reversed())
        return UsagePage(rows: rows, next: reversed.next == nil ? nil : rows.first?.cursor)
    }

    /// Where a tab sorts by `field`: the column in SQL and its index in the tab's rows (see `row`).
    /// A field the tab does not sort by is refused as `UsageSort.parse` refuses it.
    static func sortColumn(_ tab: UsageTab, _ field: SortField) throws -> (sql: String, index: Int32) {
        switch (tab, field) {
        case (.conversations, .updated): return ("v.updated_at", 7)
        case (.conversations, .messages): return ("v.messages", 5)
        case (.conversations, .credits): return ("v.credits", 6)
        case (.calls, .created), (.imports, .created): return ("u.created_at", 7)
        case (.calls, .credits), (.imports, .credits): return ("u.credits", 6)
        case (.adjustments, .created): return ("a.created_at", 4)
        case (.adjustments, .amount): return ("a.amount", 2)
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
    static func walksCredits(_ tab: UsageTab, filter: UsageFilter, limit: Int, workspace: Int64, sql: any StorageConnection) throws -> Bool {
        guard let events = EventTab(tab), events == .calls || events == .imports, searchText(filter) == nil else { return false }
        guard (events == .calls ? filter.apiKey : filter.type) == nil else { return false } // the key's or type's own index serves it
        let from = filter.from.map { UsageFilter.dayStart($0) / UTC.day } ?? Int64.min / 2
        let to = filter.to.map { ($0 - 1) / UTC.day } ?? Int64.max / 2
        guard let lines = try sql.first("""
            SELECT ifnull(sum(lines), 0), ifnull(sum(CASE WHEN day BETWEEN ? AND ? THEN lines END), 0)
            FROM usage_daily WHERE workspace_id = ? AND tab = ?
            """, [.int(from), .int(to), .int(workspace), .int(events.rawValue)], map: { (all: $0.int(0), inRange: $0.int(1)) }),
              lines.inRange > 0 else { return false }
        return Int64(limit) * lines.all < 10 * lines.inRange * lines.inRange
    }

    /// The summary bar's totals for a filtered tab.
    public func summary(_ tab: UsageTab, filter: UsageFilter, actor: Actor) throws -> UsageSummary {
        try store.snapshot { sql in
            let searching = !(filter.search ?? "").isEmpty
            if let events = EventTab(tab), events == .calls || events == .imports, !searching {
                return try rolledUp(events, filter: filter, actor: actor, sql: sql)
            }
            if tab == .conversations, !searching {
                return try conversationTotals(filter: filter, actor: actor, sql: sql)
            }
            let query = try base(tab, filter: filter, actor: actor, sql: sql)
            return try sql.first("""
                SELECT count(*), ifnull(sum(\(query.messagesColumn)), 0), ifnull(sum(\(query.creditsColumn)), 0)
                FROM (\(query.selectSQL) WHERE \(query.whereSQL)) page
                """, query.arguments) {
                UsageSummary(count: $0.int(0), messages: Quantity(milliunits: $0.int(1)), credits: Credits(millicredits: $0.int(2)))
            } ?? UsageSummary(count: 0, messages: .zero, credits: .zero)
        }
    }

    /// The summary bar's totals of one member's charge lines (`coffer usage summary --user`), added
    /// up from the lines themselves rather than the rollups: owners and admins may ask for anyone, a
    /// member only for themself (R7). Conversations count distinct (conversation, billing type) rows.
    public func summary(_ tab: UsageTab, filter: UsageFilter, member email: String, actor: Actor) throws -> UsageSummary {
        let email = try Email.normalize(email)
        if email != actor.email { try Permissions.require(actor.role, .seeUsageUsers) }
        guard let events = EventTab(tab) else { throw CofferError("--user applies to conversations, calls and imports") }
        return try store.snapshot { sql in
            guard let user = try sql.int("""
                SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND u.email = ?
                """, .int(actor.workspaceID), .text(email)) else {
                throw CofferError("No member \(CofferError.quote(email)) in this workspace")
            }
            var lines = Self.events(events, filter: filter, actor: actor)
            if events == .conversations {
                lines = Query(selectSQL: """
                    SELECT u.id, u.conversation_id, u.billing_type, u.messages, u.credits, u.user_id, u.service
                    FROM usage_events u JOIN conversations v ON v.workspace_id = u.workspace_id
                      AND v.conversation_id = u.conversation_id AND v.billing_type = u.billing_type
                    """, whereSQL: "u.workspace_id = ? AND u.tab = \(events.rawValue)", arguments: [.int(actor.workspaceID)],
                              idColumn: "u.id", messagesColumn: "messages", creditsColumn: "credits")
                Self.range(&lines, column: "u.created_at", filter)
                if let type = filter.type { lines.whereSQL += " AND u.billing_type = ?"; lines.arguments.append(.text(type)) }
                if let search = Self.searchText(filter) {
                    let match = Self.conversationSearch(search, actor: actor, dialect: sql.dialect)
                    lines.whereSQL += " AND " + match.sql
                    lines.arguments += match.binds
                }
            }
            let count = events == .conversations ? "count(DISTINCT conversation_id || '/' || billing_type)" : "count(*)"
            return try sql.first("""
                SELECT \(count), ifnull(sum(messages), 0), ifnull(sum(credits), 0)
                FROM (\(lines.selectSQL) WHERE \(lines.whereSQL) AND u.user_id = ?) member_lines
                """, lines.arguments + [.int(user)]) {
                UsageSummary(count: $0.int(0), messages: Quantity(milliunits: $0.int(1)), credits: Credits(millicredits: $0.int(2)))
            } ?? UsageSummary(count: 0, messages: .zero, credits: .zero)
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
        try store.snapshot { sql in
            try sql.all("""
                SELECT DISTINCT type FROM usage_daily WHERE workspace_id = ? AND tab = \(EventTab.calls.rawValue) AND type != '' ORDER BY type
                """, .int(actor.workspaceID)) { $0.text(0) }
        }
    }

    /// Credits charged on each UTC day of `days` (day numbers since the epoch, e.g. `Runway.days(endingAt:)`)
    /// by the usage records of `actor`'s workspace — conversations, calls and imports — oldest first, zero
    /// on days without any. From the daily rollup, so it stays fast at any number of records; over whole
    /// days it adds up to the three tabs' summaries.
    public func dailyCredits(days: ClosedRange<Int64>, actor: Actor) throws -> [Credits] {
        try store.snapshot { try UsageDaily.credits($0, workspace: actor.workspaceID, days: days) }
    }

    /// A conversation's billing detail sheet: every charge line with the grants it drew from.
    public func detail(conversation: String, actor: Actor) throws -> [ChargeLine] {
        let showUsers = Permissions.allows(actor.role, .seeUsageUsers)
        let tab = EventTab.conversations.rawValue
        return try store.snapshot { sql in
            var draws: [Int64: [ChargeLine.GrantDraw]] = [:]
            try sql.each("""
                SELECT e.usage_id, e.grant_id, e.asset, e.amount, g.source, g.detail
                FROM usage_events u JOIN entries e ON e.usage_id = u.id JOIN grants g ON g.id = e.grant_id
                WHERE u.workspace_id = ? AND u.tab = \(tab) AND u.conversation_id = ? AND e.kind = 'spend' ORDER BY e.id
                """, [.int(actor.workspaceID), .text(conversation)]) { row in
                draws[row.int(0), default: []].append(.init(grant: row.int(1), source: row.text(4), detail: row.text(5),
                                                            amount: Amount(thousandths: row.int(3), of: Asset(code: row.text(2)))))
                return true
            }
            let lines = try sql.all("""
                SELECT u.id, u.event_key, u.created_at, u.service, u.billing_type, u.quantity, u.credits, u.units, usr.email
                FROM usage_events u JOIN users usr ON usr.id = u.user_id
                WHERE u.workspace_id = ? AND u.tab = \(tab) AND u.conversation_id = ? ORDER BY u.created_at, u.id
                """, [.int(actor.workspaceID), .text(conversation)]) { row in
                ChargeLine(eventID: row.text(1), time: row.int(2), service: row.text(3),
                           billingType: row.optionalText(4).flatMap(BillingType.init(rawValue:)),
                           quantity: row.optionalInt(5).map(Quantity.init(milliunits:)), credits: Credits(millicredits: row.int(6)),
                           units: Quantity(milliunits: row.int(7)), user: showUsers ? row.optionalText(8) : nil, grants: draws[row.int(0)] ?? [])
            }
            guard !lines.isEmpty else { throw CofferError("No conversation \(CofferError.quote(conversation))") }
            return lines
        }
    }

    /// A tab's rows as SQL: what to select, the filter, and the columns that identify and total.
    struct Query {
        var selectSQL: String
        var whereSQL: String
        var arguments: [Bind]
        let idColumn: String
        let messagesColumn: String
        let creditsColumn: String
    }

    private func base(_ tab: UsageTab, filter: UsageFilter, actor: Actor, sql: any StorageConnection) throws -> Query {
        switch tab {
        case .adjustments:
            var query = Query(selectSQL: "SELECT a.id, a.type, a.amount, a.detail, a.created_at, 0 AS messages FROM adjustments a",
                              whereSQL: "a.workspace_id = ?", arguments: [.int(actor.workspaceID)], idColumn: "a.id",
                              messagesColumn: "messages", creditsColumn: "amount")
            Self.range(&query, column: "a.created_at", filter)
            if let type = filter.type { query.whereSQL += " AND a.type = ?"; query.arguments.append(.text(type)) }
            return query
        case .calls: return Self.events(.calls, filter: filter, actor: actor)
        case .imports: return Self.events(.imports, filter: filter, actor: actor)
        case .conversations: return try conversations(filter: filter, actor: actor, sql: sql)
        }
    }

    /// Calls or imports: their charge lines, filtered.
    static func events(_ tab: EventTab, filter: UsageFilter, actor: Actor) -> Query {
        var query = Query(selectSQL: """
            SELECT u.id, u.call_id, u.task_id, u.import_type, u.url, u.api_key, u.credits, u.created_at, usr.email, 0 AS messages,
                   u.user_id, u.service
            FROM usage_events u JOIN users usr ON usr.id = u.user_id
            """, whereSQL: "u.workspace_id = ? AND u.tab = \(tab.rawValue)", arguments: [.int(actor.workspaceID)], idColumn: "u.id",
                          messagesColumn: "messages", creditsColumn: "credits")
        Self.range(&query, column: "u.created_at", filter)
        if tab == .calls, let key = filter.apiKey { query.whereSQL += " AND u.api_key = ?"; query.arguments.append(.text(key)) }
        if tab == .imports, let type = filter.type { query.whereSQL += " AND u.import_type = ?"; query.arguments.append(.text(type)) }
        if let search = Self.searchText(filter) {
            let column = tab == .calls ? "u.call_id" : "u.task_id"
            let users = Permissions.allows(actor.role, .seeUsageUsers) ? " OR usr.email LIKE ? ESCAPE '\\'" : ""
            query.whereSQL += " AND (\(column) LIKE ? ESCAPE '\\'\(tab == .imports ? " OR u.url LIKE ? ESCAPE '\\'" : "")\(users))"
            query.arguments += Array(repeating: .text(Self.like(search)), count: 1 + (tab == .imports ? 1 : 0) + (users.isEmpty ? 0 : 1))
        }
        return query
    }

    static func range(_ query: inout Query, column: String, _ filter: UsageFilter) {
        if let from = filter.from { query.whereSQL += " AND \(column) >= ?"; query.arguments.append(.int(from)) }
        if let to = filter.to { query.whereSQL += " AND \(column) < ?"; query.arguments.append(.int(to)) }
    }

    static func searchText(_ filter: UsageFilter) -> String? {
        guard let text = filter.search?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    static func like(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// A row of a tab, read by column index. Conversations: id, conversation_id, title, creator,
    /// billing_type, messages, credits, updated_at. Calls and imports: id, call_id, task_id,
    /// import_type, url, api_key, credits, created_at, email (then messages, user_id, service). Adjustments: id, type, amount, detail,
    /// created_at. `sortValue` is the index of the sorted column (the cursor's value).
    private static func row(_ row: any StorageRow, tab: UsageTab, sortValue: Int32, showUsers: Bool) -> UsageRow {
        let cursor = UsageCursor(value: row.int(sortValue), id: row.int(0))
        switch tab {
        case .conversations:
            return UsageRow(key: row.text(1), title: row.optionalText(2), messages: Quantity(milliunits: row.int(5)),
                            credits: Credits(millicredits: row.int(6)), user: showUsers ? row.optionalText(3) : nil,
                            billingType: BillingType(rawValue: row.text(4)), apiKey: nil, importType: nil, url: nil, detail: nil,
                            time: row.int(7), cursor: cursor)
        case .calls, .imports:
            return UsageRow(key: row.optionalText(tab == .calls ? 1 : 2) ?? "", title: nil, messages: nil,
                            credits: Credits(millicredits: row.int(6)), user: showUsers ? row.optionalText(8) : nil, billingType: nil,
                            apiKey: row.optionalText(5), importType: row.optionalText(3).flatMap(ImportType.init(rawValue:)),
                            url: row.optionalText(4), detail: nil, time: row.int(7), cursor: cursor)
        case .adjustments:
            return UsageRow(key: row.text(1), title: nil, messages: nil, credits: Credits(millicredits: row.int(2)), user: nil,
                            billingType: nil, apiKey: nil, importType: nil, url: nil, detail: row.optionalText(3), time: row.int(4),
                            cursor: cursor)
        }
    }
}
