import CofferCore

/// SPEC §10 and R30, proved from the ledger: each member's cached use per credit period equals
/// what the ledger drew from team wallets for that member and period, and no debit took a member
/// past the limit in force when it was made. A limit lowered below what was already used is not a
/// violation (R30): only the debit that crosses a limit is.
struct MemberSpendCheck {
    let sql: any StorageConnection
    let catalog: Catalog

    /// One usage event's value drawn from team wallets (credits, and allowance units at the price).
    private struct TeamDraw {
        let usage: Int64
        let key: SpendKey
        var value: Int64
    }

    private struct SpendKey: Hashable {
        let workspace: Int64, user: Int64, period: Int64?
    }

    /// Every violation found, one line each, at most `limit` of each kind.
    func violations(limit: Int) throws -> [String] {
        let draws = try teamDraws()
        var computed: [SpendKey: Int64] = [:]
        for draw in draws { computed[draw.key, default: 0] += draw.value }
        var cached: [SpendKey: Int64] = [:]
        try sql.each("SELECT workspace_id, user_id, period_start, used FROM member_spend", []) { row in
            cached[SpendKey(workspace: row.int(0), user: row.int(1), period: row.optionalInt(2))] = row.int(3)
            return true
        }
        let emails = Dictionary(uniqueKeysWithValues: try sql.all("SELECT id, email FROM users", []) { ($0.int(0), $0.text(1)) })
        func name(_ key: SpendKey) -> String {
            let period = key.period.map { UTC.dateString($0) } ?? "an unknown period"
            return "\(emails[key.user] ?? "user \(key.user)") in workspace \(key.workspace), period from \(period)"
        }
        var found: [String] = []
        let mismatched = Set(computed.keys).union(cached.keys).filter { (computed[$0] ?? 0) != (cached[$0] ?? 0) }
            .sorted { ($0.workspace, $0.user, $0.period ?? .min) < ($1.workspace, $1.user, $1.period ?? .min) }
        found += mismatched.prefix(limit).map { key in
            "member spend of \(name(key)): cached \(Credits(millicredits: cached[key] ?? 0)) != the ledger's \(Credits(millicredits: computed[key] ?? 0))"
        }
        if mismatched.count > limit { found.append("… and \(mismatched.count - limit) more member spend mismatches") }
        let crossings = try limitCrossings(draws, describe: name)
        found += crossings.prefix(limit)
        if crossings.count > limit { found.append("… and \(crossings.count - limit) more debits past a member's limit") }
        return found
    }

    /// The team-wallet value of every usage event, in event order.
    private func teamDraws() throws -> [TeamDraw] {
        var draws: [TeamDraw] = []
        try sql.each("""
            SELECT u.id, u.workspace_id, u.user_id, u.period_start, u.service, e.asset, sum(e.amount)
            FROM entries e JOIN accounts a ON a.id = e.from_account JOIN usage_events u ON u.id = e.usage_id
            WHERE e.usage_id IS NOT NULL AND e.kind = 'spend' AND a.kind IN ('team_pool', 'seat')
            GROUP BY u.id, e.from_account, e.asset ORDER BY u.id
            """, []) { row in
            let asset = row.text(5)
            let amount = row.int(6)
            let value: Int64
            if asset == Asset.credits.code {
                value = amount
            } else if let service = catalog.service(row.text(4)) {
                value = try Credits.cost(of: Quantity(milliunits: amount), at: service.unitPrice).millicredits
            } else {
                throw CofferError("usage event \(row.int(0)) drew \(asset) for a service the catalog does not price: \(row.text(4))")
            }
            let usage = row.int(0)
            if let last = draws.last, last.usage == usage {
                draws[draws.count - 1].value += value
            } else {
                draws.append(TeamDraw(usage: usage, key: SpendKey(workspace: row.int(1), user: row.int(2), period: row.optionalInt(3)),
                                      value: value))
            }
            return true
        }
        return draws
    }

    /// Debits that took a member past the limit in force when they were made (R30).
    private func limitCrossings(_ draws: [TeamDraw], describe: (SpendKey) -> String) throws -> [String] {
        struct Member: Hashable { let workspace: Int64, user: Int64 }
        var history: [Member: [(afterUsage: Int64, limit: Int64?)]] = [:]
        try sql.each("SELECT workspace_id, user_id, after_usage, credit_limit FROM member_limits ORDER BY after_usage, id", []) { row in
            history[Member(workspace: row.int(0), user: row.int(1)), default: []].append((row.int(2), row.optionalInt(3)))
            return true
        }
        var used: [SpendKey: Int64] = [:]
        var crossings: [String] = []
        for draw in draws {
            let before = used[draw.key, default: 0]
            used[draw.key] = before + draw.value
            // The newest limit set before this event was recorded.
            guard let limit = history[Member(workspace: draw.key.workspace, user: draw.key.user)]?
                .last(where: { $0.afterUsage < draw.usage })?.limit else { continue }
            if before + draw.value > limit {
                crossings.append("usage event \(draw.usage) took \(describe(draw.key)) past the \(Credits(millicredits: limit)) limit: "
                                 + "\(Credits(millicredits: before)) used before, \(Credits(millicredits: draw.value)) more")
            }
        }
        return crossings
    }
}
