import CofferCore

/// Where the credits of a range went (SPEC §9, the Spending tab): per day with the team pool's
/// balance at each day's end, per member and per service, served from the same daily rollups as
/// the summary bars (whole days) and the charge lines (the partial days at either end), so its
/// totals equal theirs for the same filters. A member sees only their own spending (R7).
public struct Spending: Sendable {
    let store: CofferStore

    /// The spending report over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The report of `scope` as `actor` sees it.
    public func report(_ scope: SpendingScope, actor: Actor) throws -> SpendingReport {
        let ownOnly = !Permissions.allows(actor.role, .seeUsageUsers)
        let query = SpendingQuery(scope: scope, workspace: actor.workspaceID, user: ownOnly ? actor.userID : nil, actor: actor)
        return try store.snapshot { sql in
            var slices = SpendingSlices()
            try query.collect(into: &slices, sql: sql)
            let days = try query.days(slices, now: store.now, sql: sql)
            return try SpendingReport(from: scope.filter.from, to: scope.filter.to, days: days, tabs: try slices.tabs(),
                                  members: try slices.members(sql: sql), services: try slices.services(catalog: store.catalog),
                                  ownOnly: ownOnly)
        }
    }
}

/// What a Spending report covers: a records tab (nil: conversations, calls and imports together)
/// with the Usage tab's filter — its dates, and the type, API key and search of that tab.
public struct SpendingScope: Sendable, Equatable {
    public var tab: UsageTab?
    public var filter: UsageFilter

    /// The spending of `tab` (nil: every charged tab) under `filter`; a type, key or search
    /// applies only with a tab, whose filter it is.
    public init(tab: UsageTab?, filter: UsageFilter) {
        self.tab = tab == .adjustments ? nil : tab // adjustments are not spending
        self.filter = filter
        if self.tab == nil { (self.filter.type, self.filter.apiKey, self.filter.search) = (nil, nil, nil) }
    }

    /// The charged tabs it covers.
    var tabs: [EventTab] { tab.flatMap(EventTab.init).map { [$0] } ?? [.conversations, .calls, .imports] }
}

/// Where the credits of a range went.
public struct SpendingReport: Sendable, Equatable {
    /// One UTC day of the range: credits spent on it (only within the range on a partial day) and
    /// the team pool's balance at its end (nil without a team pool).
    public struct Day: Sendable, Equatable {
        public let start: Timestamp
        public let credits: Credits
        public let poolBalance: Credits?
    }

    /// A member's, service's or tab's part of the total.
    public struct Share: Sendable, Equatable {
        /// The email, service slug or tab title.
        public let key: String
        /// What to call it: the member's name (or email), the service's name.
        public let name: String
        public let credits: Credits
        /// Charge lines.
        public let charges: Int64
    }

    /// The range's bounds (nil: open).
    public let from, to: Timestamp?
    /// Every UTC day of the range, oldest first (all time: from the first day with spending).
    public let days: [Day]
    /// Per charged tab, in tab order (those in scope).
    public let tabs: [Share]
    /// Per member and per service, most credits first (ties by name).
    public let members: [Share]
    public let services: [Share]
    /// True when the viewer is a member: every figure is their own.
    public let ownOnly: Bool
    /// The credits and the charge lines of the whole report (its tabs' added up).
    public let total: Credits
    public let charges: Int64

    /// A report of these parts; the totals are added up from the tabs, overflow-checked (R1).
    init(from: Timestamp?, to: Timestamp?, days: [Day], tabs: [Share], members: [Share], services: [Share], ownOnly: Bool) throws {
        (self.from, self.to, self.days, self.tabs, self.members, self.services, self.ownOnly) = (from, to, days, tabs, members, services, ownOnly)
        total = try tabs.reduce(Credits.zero) { try $0.adding($1.credits) }
        charges = try tabs.reduce(0) { try checked($0, plus: $1.charges) }
    }
}

/// Rows of (day, user, service, tab, charges, credits) added up as they arrive from rollups and lines.
struct SpendingSlices {
    private(set) var byDay: [Int64: Int64] = [:]
    private var byUser: [Int64: (charges: Int64, credits: Int64)] = [:]
    private var byService: [String: (charges: Int64, credits: Int64)] = [:]
    private var byTab: [Int64: (charges: Int64, credits: Int64)] = [:]
    /// The tabs in scope, so each shows even when nothing was spent on it.
    var scope: [EventTab] = []

    /// Adds one row: day, user_id, service, tab, charges, credits.
    mutating func add(_ row: any StorageRow) throws {
        let (day, user, service, tab, charges, credits) = (row.int(0), row.int(1), row.text(2), row.int(3), row.int(4), row.int(5))
        byDay[day] = try checked(byDay[day] ?? 0, plus: credits)
        byUser[user] = try Self.plus(byUser[user], charges, credits)
        byService[service] = try Self.plus(byService[service], charges, credits)
        byTab[tab] = try Self.plus(byTab[tab], charges, credits)
    }

    private static func plus(_ old: (charges: Int64, credits: Int64)?, _ charges: Int64, _ credits: Int64) throws -> (charges: Int64, credits: Int64) {
        (try checked(old?.charges ?? 0, plus: charges), try checked(old?.credits ?? 0, plus: credits))
    }

    func tabs() throws -> [SpendingReport.Share] {
        scope.map { tab in
            let totals = byTab[tab.rawValue] ?? (0, 0)
            let title = tab.usageTab?.title ?? ""
            return SpendingReport.Share(key: title, name: title, credits: Credits(millicredits: totals.credits), charges: totals.charges)
        }
    }

    func members(sql: any StorageConnection) throws -> [SpendingReport.Share] {
        guard !byUser.isEmpty else { return [] }
        let ids = UsageRanges.idList(Array(byUser.keys))
        var people: [Int64: (email: String, name: String)] = [:]
        try sql.each("SELECT id, email, name FROM users WHERE id IN (\(ids.sql))", ids.binds) { row in
            people[row.int(0)] = (row.text(1), row.text(2)); return true
        }
        return Self.ranked(byUser.map { user, totals in
            let person = people[user] ?? ("user \(user)", "")
            return SpendingReport.Share(key: person.email, name: person.name.isEmpty ? person.email : person.name,
                                        credits: Credits(millicredits: totals.credits), charges: totals.charges)
        })
    }

    func services(catalog: Catalog) throws -> [SpendingReport.Share] {
        Self.ranked(byService.map { slug, totals in
            SpendingReport.Share(key: slug, name: catalog.service(slug)?.name ?? slug, credits: Credits(millicredits: totals.credits),
                                 charges: totals.charges)
        })
    }

    private static func ranked(_ shares: [SpendingReport.Share]) -> [SpendingReport.Share] {
        shares.sorted { ($0.credits, $1.name) > ($1.credits, $0.name) }
    }
}

/// The SQL behind a Spending report: whole days from `usage_daily` (by member and service), the
/// partial days at either end from the charge lines, and a search through the lines it matches.
struct SpendingQuery {
    let scope: SpendingScope
    let workspace: Int64
    /// Only this member's spending (a member's own view, R7).
    let user: Int64?
    let actor: Actor

    /// Adds every slice of the scope to `slices`.
    func collect(into slices: inout SpendingSlices, sql: any StorageConnection) throws {
        slices.scope = scope.tabs
        let mine: [Bind] = user.map { [.int($0)] } ?? []
        if let search = UsageQueries.searchText(scope.filter), let tab = scope.tabs.first {
            return try searched(tab, search, into: &slices, sql: sql)
        }
        for tab in scope.tabs {
            let type = tab == .calls ? scope.filter.apiKey : scope.filter.type
            let typed: [Bind] = type.map { [.text($0)] } ?? []
            let (days, pieces) = try UsageRanges.split(scope.filter, tab: tab, workspace: workspace, sql: sql)
            // The tab goes in as a literal: the WHERE fixes it, and a bare column outside GROUP BY is SQLite's alone.
            if let days {
                try sql.each("""
                    SELECT day, user_id, service, \(tab.rawValue), sum(lines), sum(credits) FROM usage_daily
                    WHERE workspace_id = ? AND tab = ? AND day >= ? AND day < ?\(type == nil ? "" : " AND type = ?")\(user == nil ? "" : " AND user_id = ?")
                    GROUP BY day, user_id, service, tab
                    """, [.int(workspace), .int(tab.rawValue), .int(days.from), .int(days.to)] + typed + mine) { try slices.add($0); return true }
            }
            for piece in pieces {
                try sql.each("""
                    SELECT \(Schema.dayOf("created_at")), user_id, service, \(tab.rawValue), count(*), sum(credits) FROM usage_events
                    WHERE workspace_id = ? AND tab = ? AND created_at >= ? AND created_at < ?\(type == nil ? "" : " AND \(tab.typeColumn) = ?")\(user == nil ? "" : " AND user_id = ?")
                    GROUP BY 1, 2, 3, 4
                    """, [.int(workspace), .int(tab.rawValue), .int(piece.from), .int(piece.to)] + typed + mine) { try slices.add($0); return true }
            }
        }
    }

    /// A searched tab: the lines of what the search matches, as the tab's own search finds them.
    private func searched(_ tab: EventTab, _ search: String, into slices: inout SpendingSlices, sql: any StorageConnection) throws {
        let filter = scope.filter
        var conditions = "", binds: [Bind] = []
        if let from = filter.from { conditions += " AND u.created_at >= ?"; binds.append(.int(from)) }
        if let to = filter.to { conditions += " AND u.created_at < ?"; binds.append(.int(to)) }
        if let user { conditions += " AND u.user_id = ?"; binds.append(.int(user)) }
        let statement: String
        if tab == .conversations {
            let match = UsageQueries.conversationSearch(search, actor: actor, dialect: sql.dialect)
            if let type = filter.type { conditions += " AND v.billing_type = ?"; binds.append(.text(type)) }
            statement = """
                SELECT \(Schema.dayOf("u.created_at")), u.user_id, u.service, \(tab.rawValue), count(*), sum(u.credits)
                FROM conversations v JOIN usage_events u ON u.workspace_id = v.workspace_id AND u.conversation_id = v.conversation_id
                  AND u.billing_type = v.billing_type AND u.tab = \(tab.rawValue)
                WHERE v.workspace_id = ? AND \(match.sql)\(conditions) GROUP BY 1, 2, 3, 4
                """
            binds = [.int(workspace)] + match.binds + binds
        } else {
            var lines = UsageQueries.events(tab, filter: filter, actor: actor)
            lines.whereSQL += user == nil ? "" : " AND u.user_id = ?"
            statement = """
                SELECT \(Schema.dayOf("created_at")), user_id, service, \(tab.rawValue), count(*), sum(credits)
                FROM (\(lines.selectSQL) WHERE \(lines.whereSQL)) lines GROUP BY 1, 2, 3
                """
            binds = lines.arguments + (user.map { [.int($0)] } ?? [])
        }
        try sql.each(statement, binds) { try slices.add($0); return true }
    }

    /// Every UTC day of the range with what was spent and the team pool's balance at its end: its
    /// balance now less the movements of the days after (`account_days`).
    func days(_ slices: SpendingSlices, now: Timestamp, sql: any StorageConnection) throws -> [SpendingReport.Day] {
        let filter = scope.filter
        let lastDay = max(UTC.dayNumber((filter.to ?? now + 1) - 1), filter.to == nil ? slices.byDay.keys.max() ?? .min : .min)
        let firstDay = filter.from.map(UTC.dayNumber) ?? slices.byDay.keys.min() ?? lastDay
        guard firstDay <= lastDay else { return [] }
        var ends: [Int64: Int64] = [:]
        if let pool = try sql.first("""
            SELECT id, balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ? AND asset = 'credits'
            """, [.int(workspace)], map: { (id: $0.int(0), balance: $0.int(1)) }) {
            let later = try sql.all("SELECT day, net FROM account_days WHERE account_id = ? AND day > ? ORDER BY day DESC",
                                    [.int(pool.id), .int(firstDay)]) { (day: $0.int(0), net: $0.int(1)) }
            var running = pool.balance, index = 0
            for day in stride(from: lastDay, through: firstDay, by: -1) {
                while index < later.count, later[index].day > day {
                    running = try checked(running, minus: later[index].net)
                    index += 1
                }
                ends[day] = running
            }
        }
        return (firstDay...lastDay).map { day in
            SpendingReport.Day(start: day * UTC.day, credits: Credits(millicredits: slices.byDay[day] ?? 0),
                               poolBalance: ends[day].map(Credits.init(millicredits:)))
        }
    }
}
