import CofferCore


/// A member as the team rules see it.
struct MemberRow {
    let userID: Int64
    let email: String
    let role: Role
    let access: AccessType
    let previousAccess: AccessType?
    let creditLimit: Int64?
    let pending: Bool
    /// The live seat, if the member holds (or has reserved) one.
    let seatID: Int64?
    let multiplier: Int64

    static let select = """
        SELECT m.user_id, u.email, m.role, m.access, m.previous_access, m.credit_limit, m.pending,
               s.id AS seat_id, coalesce(s.multiplier, 1) AS multiplier
        FROM members m JOIN users u ON u.id = m.user_id
        LEFT JOIN seats s ON s.workspace_id = m.workspace_id AND s.user_id = m.user_id AND s.removed_at IS NULL
        """

    init(_ row: any StorageRow) {
        userID = row.int(0); email = row.text(1); role = Role(rawValue: row.text(2)) ?? .member
        access = AccessType(rawValue: row.text(3)) ?? .personal
        previousAccess = row.optionalText(4).flatMap(AccessType.init(rawValue:))
        creditLimit = row.optionalInt(5); pending = row.bool(6); seatID = row.optionalInt(7); multiplier = row.int(8)
    }

    /// The member with this (normalised) email, if any.
    static func find(_ sql: any StorageConnection, workspace: Int64, email: String) throws -> MemberRow? {
        try sql.first(findQuery(workspace: workspace, email: email)) { MemberRow($0) }
    }

    /// The statement `find` runs (for `readAhead`).
    static func findQuery(workspace: Int64, email: String) -> Query {
        Query(select + " WHERE m.workspace_id = ? AND u.email = ?", .int(workspace), .text(email))
    }

    /// The member, or an error naming the email (`raw` is normalised unless `normalized`).
    static func require(_ sql: any StorageConnection, workspace: Int64, email raw: String, normalized: Bool = false) throws -> MemberRow {
        let email = normalized ? raw : try Email.normalize(raw)
        guard let member = try find(sql, workspace: workspace, email: email) else {
            throw CofferError("\(email) is not a member of this workspace")
        }
        return member
    }

    static func all(_ sql: any StorageConnection, workspace: Int64) throws -> [MemberRow] {
        try sql.all(select + " WHERE m.workspace_id = ? ORDER BY m.role = 'member', u.email", .int(workspace)) { MemberRow($0) }
    }
}

/// The rules every team command shares: seat limits (R26), credit periods (R4a) and seat wallets (R27).
enum TeamRules {
    /// The paid seats, the live subscription (if any) and the strategy.
    static func seatLimit(_ sql: any StorageConnection, workspace: Int64, catalog: Catalog) throws -> (limit: Int64, subscription: SubscriptionRow?) {
        guard let live = try SubscriptionRow.live(sql, workspace: workspace), !live.status.isFinal else {
            return (catalog.freePlan.maxSeats, nil)
        }
        guard live.assigned else {
            throw CofferError("The subscription is not assigned to the team: assign it first (coffer subscription assign)")
        }
        return (live.seats, live)
    }

    /// Seats held, reserved or pending, counted × multiplier (R26).
    static func seatsTaken(_ sql: any StorageConnection, workspace: Int64) throws -> Int64 {
        try sql.int("SELECT coalesce(sum(multiplier), 0) FROM seats WHERE workspace_id = ? AND removed_at IS NULL", .int(workspace)) ?? 0
    }

    /// Refuses when holding `extra` more seats would pass the paid count: `Seats limit exceeded: 4 > 3`.
    static func requireRoom(_ sql: any StorageConnection, workspace: Int64, extra: Int64, catalog: Catalog) throws {
        let (limit, _) = try seatLimit(sql, workspace: workspace, catalog: catalog)
        let wanted = try seatsTaken(sql, workspace: workspace) + extra
        guard wanted <= limit else { throw CofferError("Seats limit exceeded: \(wanted) > \(limit)") }
    }

    /// The credit period containing `now` (R4a): the subscription's, else monthly from the workspace's creation.
    static func creditPeriod(_ sql: any StorageConnection, workspace: Int64, now: Timestamp) throws -> (start: Timestamp, end: Timestamp) {
        try creditPeriod(sql, workspace: workspace, now: now, live: SubscriptionRow.live(sql, workspace: workspace))
    }

    /// When the workspace was created: the credit period's anchor without a subscription (for `readAhead`).
    static func createdQuery(workspace: Int64) -> Query {
        Query("SELECT created_at FROM workspaces WHERE id = ?", .int(workspace))
    }

    /// The same, when the caller already holds the live subscription.
    static func creditPeriod(_ sql: any StorageConnection, workspace: Int64, now: Timestamp, live: SubscriptionRow?) throws -> (start: Timestamp, end: Timestamp) {
        let period = UTC.monthlyPeriod(anchor: try creditAnchor(sql, workspace: workspace, now: now, live: live), containing: now)
        return (period.start, period.end)
    }

    /// What the credit periods are counted from: the live subscription's anchor, or else the
    /// workspace's creation.
    static func creditAnchor(_ sql: any StorageConnection, workspace: Int64, now: Timestamp, live: SubscriptionRow?) throws -> Timestamp {
        if let live { return live.creditAnchor }
        return try (sql.first(createdQuery(workspace: workspace)) { $0.optionalInt(0) } ?? nil) ?? now
    }

    /// Records the credit limit now in force for the workspace's members matching `condition` (a
    /// fixed SQL condition on `members`), so `check` knows which limit held for each debit (SPEC §10).
    static func recordLimit(_ tx: WriteContext, workspace: Int64, where condition: String, limit: Int64?) throws {
        try tx.sql.run("""
            INSERT INTO member_limits(workspace_id, user_id, credit_limit, after_usage, set_at)
            SELECT workspace_id, user_id, ?, coalesce((SELECT max(id) FROM usage_events), 0), ?
            FROM members WHERE workspace_id = ? AND \(condition)
            """, .int(limit), .int(tx.now), .int(workspace))
    }

    /// Gives a new seat under PER_SEAT its allotment for the current period (R27).
    static func grantSeatAllotment(_ tx: WriteContext, workspace: Int64, seat: Int64, multiplier: Int64) throws {
        guard let s = try SubscriptionRow.live(tx.sql, workspace: workspace), s.strategy == "per_seat", s.assigned,
              CreditPolicy.of(s.status).periodGrants, s.endedAt == nil else { return }
        try Settlement(tx).grantSeat(s, seat: seat, multiplier: multiplier)
    }

    /// Ends a seat's wallet (R27): its credits move to the team pool (audited), allowances expire.
    static func closeSeatWallet(_ tx: WriteContext, workspace: Int64, seat: Int64, actor: String, role: String) throws {
        let ledger = try tx.ledger()
        let grants = try tx.sql.all("""
            SELECT g.id, g.account_id, a.asset, g.remaining, g.expires_at FROM grants g JOIN accounts a ON a.id = g.account_id
            WHERE a.kind = 'seat' AND a.seat_id = ? AND g.remaining > 0 ORDER BY g.id
            """, .int(seat)) { (id: $0.int(0), account: $0.int(1), asset: Asset(code: $0.text(2)), remaining: $0.int(3), expires: $0.optionalInt(4)) }
        var moved: Int64 = 0
        for grant in grants {
            if grant.asset == .credits {
                let pool = try ledger.account(.teamPool, workspace: workspace, asset: .credits)
                try ledger.move(grant: grant.id, from: grant.account, to: pool, asset: .credits, amount: grant.remaining,
                                expiresAt: grant.expires, detail: "From a removed seat's wallet")
                moved += grant.remaining
            } else {
                try ledger.expire(grant: grant.id, account: grant.account, asset: grant.asset, amount: grant.remaining)
            }
        }
        if moved > 0 {
            try tx.audit(workspace: workspace, actor: actor, role: role, action: "seat.wallet-closed", subject: "seat \(seat)",
                         after: "moved \(Credits(millicredits: moved).plain) to the team pool")
        }
    }
}
