import CofferCore

/// What the consumption engine remembers between the events of one transaction, and the event
/// ids of a group looked up at once (R33).
extension ConsumptionEngine {
    /// What this engine keeps beside the transaction's facts (`tx.facts`, see `FactCache`).
    final class Cache {
        /// Whether this engine has read `facts_version` yet (once, before its first fact).
        var factsRefreshed = false
        var nextUsageID: Int64?
        /// Usage ids taken from PostgreSQL's sequence for this transaction, and how many are given.
        var reservedUsageIDs: [Int64] = []
        var givenUsageIDs = 0
        /// What auto-recharge has spent per workspace, seat and period, as this transaction has left it.
        var rechargeSpent: [RechargeSpendKey: Int64] = [:]
        /// Event ids looked up for a whole group before its first event and not recorded then (R33).
        var absentKeys: Set<EventIDKey> = []
        /// The last plan items turned into CofferCore's allowance items, and what they became.
        private var lastItems: (items: [PlanTerms.Item], team: [AllowanceItem], all: [AllowanceItem])?

        /// `items` as CofferCore's allowance items: the team's alone (all team-allowed), and all of
        /// them. The events of a group share their plan, so the last answer is given again for
        /// the same items (the same array compares in one step).
        func allowances(_ items: [PlanTerms.Item]) -> (team: [AllowanceItem], all: [AllowanceItem]) {
            if let last = lastItems, last.items == items { return (last.team, last.all) }
            let all = items.map { AllowanceItem(service: $0.service, amount: $0.amount.map(Quantity.init), isTeamAllowed: $0.team) }
            let team = all.filter(\.isTeamAllowed)
            lastItems = (items, team, all)
            return (team, all)
        }

        /// The last credit period worked out, and its anchor.
        private var lastPeriod: (anchor: Timestamp, start: Timestamp, end: Timestamp)?

        /// The credit period `[start, end)` anchored on `anchor` that holds `now` (R4a): the last
        /// one again when it holds `now` (the events of a group share one), else worked out.
        func creditPeriod(anchor: Timestamp, containing now: Timestamp) -> (start: Timestamp, end: Timestamp) {
            if let last = lastPeriod, last.anchor == anchor, last.start <= now, now < last.end { return (last.start, last.end) }
            let period = UTC.monthlyPeriod(anchor: anchor, containing: now)
            lastPeriod = (anchor, period.start, period.end)
            return (period.start, period.end)
        }

        /// Where the memo stands: what `rewind` returns to when an event's savepoint rolls back.
        struct Mark {
            fileprivate let nextUsageID: Int64?, givenUsageIDs: Int, rechargeSpent: [RechargeSpendKey: Int64]
        }

        /// Where the memo stands now.
        func mark() -> Mark {
            Mark(nextUsageID: nextUsageID, givenUsageIDs: givenUsageIDs, rechargeSpent: rechargeSpent)
        }

        /// Returns to `mark`.
        func rewind(to mark: Mark) {
            (nextUsageID, givenUsageIDs, rechargeSpent) = (mark.nextUsageID, mark.givenUsageIDs, mark.rechargeSpent)
        }
    }

    /// Event ids per statement at most when a group's ids are looked up at once.
    static let keysPerLookup = 100

    /// The lookup's text for each chunk size (the powers of two below `keysPerLookup`, and it),
    /// made once: `size` ids, then the workspace.
    private static let lookupSQL: [Int: String] = Dictionary(uniqueKeysWithValues:
        (sequence(first: 1) { $0 * 2 }.prefix { $0 < keysPerLookup } + [keysPerLookup]).map { size in
            (size, """
                SELECT u.event_key FROM (VALUES \(Array(repeating: "(?)", count: size).joined(separator: ", "))) AS k(event_key)
                CROSS JOIN LATERAL (SELECT event_key FROM usage_events WHERE workspace_id = ? AND event_key = k.event_key LIMIT 1) AS u
                """)
        })

    /// On PostgreSQL, looks up in a few statements which of a group's event ids are already
    /// recorded (R33), so that each event need not ask on its own: one round trip an event. The
    /// answer holds for this transaction: it holds its workspaces, so no other writer records
    /// them meanwhile; what this transaction records itself is found among its pending rows
    /// first (`PendingUsageRows`). On SQLite, where a statement is a function call, each event
    /// asking costs less than the bookkeeping (measured: 222,549 → 229,927 instructions an
    /// imported line), so it does not.
    ///
    /// What the group reads first anyway goes in the same round trip: its usage ids
    /// (`usageIDQuery`) and, once per engine, the facts counter.
    func lookUpKeys(_ keys: @autoclosure () -> [EventIDKey]) throws {
        guard tx.sql.dialect == .postgres else { return }
        let byWorkspace = Dictionary(grouping: Set(keys()), by: \.workspace).sorted { $0.key < $1.key }
        // One probe of the unique (workspace, event id) index per id: with `event_key IN (…)`, a
        // table autovacuum had not analyzed yet (a new ledger under load) made the planner read all
        // of the workspace's rows — 38 ms a lookup at 16,000 rows, instead of 0.25 ms. A chunk is
        // padded (with its last id) to a power of two, so a lone event probes once, whatever plan
        // a table without statistics gets, and a connection prepares a few shapes, not one per size.
        let lookups = byWorkspace.map { workspace, keys in
            let ids = keys.map(\.id)
            return stride(from: 0, to: ids.count, by: Self.keysPerLookup).map { start in
                let chunk = ids[start..<min(start + Self.keysPerLookup, ids.count)]
                let size = min(Self.keysPerLookup, 1 << (Int.bitWidth - (chunk.count - 1).leadingZeroBitCount))
                let padded = Array(chunk) + Array(repeating: chunk.last!, count: size - chunk.count)
                return Query(Self.lookupSQL[size]!, padded.map { .text($0) } + [.int(workspace)])
            }
        }
        try tx.sql.readAhead(lookups.flatMap { $0 } + [Self.usageIDQuery(count: expectedEvents)]
                             + (cache.factsRefreshed ? [] : [FactCache.versionQuery]))
        for ((workspace, keys), queries) in zip(byWorkspace, lookups) {
            var absent = Set(keys)
            for query in queries {
                try tx.sql.each(query.sql, query.values) { row in
                    absent.remove(EventIDKey(workspace: workspace, id: row.text(0)))
                    return true
                }
            }
            cache.absentKeys.formUnion(absent)
        }
    }

    /// Whether `key` is known not to be recorded: looked up absent for the group (the caller has
    /// looked among this transaction's pending rows first).
    func isKnownNew(_ key: EventIDKey) -> Bool {
        cache.absentKeys.contains(key)
    }
}
