import CofferCore

/// A seat as `coffer seats list` shows it.
public struct SeatView: Sendable, Equatable {
    public let email: String
    public let role: Role
    /// `held`, `reserved` (its holder is on Personal access) or `pending` (an invitation).
    public let state: String
    public let multiplier: Int64
    public let addedAt: Timestamp
}

/// The outcome of one item of a seat batch (R26): applied, or refused with its message.
public struct SeatItemResult: Sendable, Equatable {
    public let item: String
    public let error: String?

    /// An item's outcome: nil `error` when it was applied.
    public init(item: String, error: String?) {
        self.item = item
        self.error = error
    }
}

/// Seats within the paid count (R26): add (invite), replace, remove, buy; PER_SEAT wallets (R27).
public struct Seats: Sendable {
    let store: CofferStore

    /// The seats use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Every live seat of the actor's workspace, the owner's first.
    public func list(actor: Actor) throws -> [SeatView] {
        try store.snapshot { sql in
            try sql.all("""
                SELECT u.email, m.role, m.access, m.pending, s.multiplier, s.added_at FROM seats s
                JOIN users u ON u.id = s.user_id JOIN members m ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id
                WHERE s.workspace_id = ? AND s.removed_at IS NULL ORDER BY m.role != 'primary_owner', s.added_at, u.email
                """, .int(actor.workspaceID)) { row in
                SeatView(email: row.text(0), role: Role(rawValue: row.text(1)) ?? .member,
                         state: row.bool(3) ? "pending" : row.text(2) == "personal" ? "reserved" : "held",
                         multiplier: row.int(4), addedAt: row.int(5))
            }
        }
    }

    /// Adds seats for emails (pending until each user accepts or first acts). A batch applies
    /// the valid items and reports each refused one with R26's message.
    public func add(actor: Actor, emails: [String]) throws -> [SeatItemResult] {
        try Permissions.require(actor.role, .manageSeats)
        return try store.write { tx in
            try emails.map { raw in
                do {
                    try addOne(tx, actor: actor, raw: raw)
                    return SeatItemResult(item: raw, error: nil)
                } catch let error as CofferError {
                    return SeatItemResult(item: raw, error: error.message)
                }
            }
        }
    }

    private func addOne(_ tx: WriteContext, actor: Actor, raw: String) throws {
        let email = try Email.normalize(raw)
        let existing = try MemberRow.find(tx.sql, workspace: actor.workspaceID, email: email)
        if existing?.seatID != nil { throw CofferError("User already has a seat for this team") }
        try TeamRules.requireRoom(tx.sql, workspace: actor.workspaceID, extra: 1, catalog: store.catalog)
        let user = try Users.findOrCreate(email: email, in: tx)
        if let existing {
            try tx.sql.run("UPDATE members SET access = 'seat', previous_access = NULL WHERE workspace_id = ? AND user_id = ?",
                           .int(actor.workspaceID), .int(existing.userID))
        } else {
            try tx.sql.run("""
                INSERT INTO members(workspace_id, user_id, role, access, joined_at, pending) VALUES (?, ?, 'member', 'seat', ?, 1)
                """, .int(actor.workspaceID), .int(user), .int(tx.now))
        }
        let seat = try tx.sql.insert("INSERT INTO seats(workspace_id, user_id, added_at) VALUES (?, ?, ?)",
                                     .int(actor.workspaceID), .int(user), .int(tx.now))
        try TeamRules.grantSeatAllotment(tx, workspace: actor.workspaceID, seat: seat, multiplier: 1)
        try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "seat.add",
                     subject: email, before: existing.map { $0.access.rawValue }, after: existing == nil ? "pending" : "seat")
    }

    /// Moves a seat (and under PER_SEAT its wallet) to another email (R26).
    public func replace(actor: Actor, from rawFrom: String, to rawTo: String) throws {
        try Permissions.require(actor.role, .manageSeats)
        try store.write { tx in try replaceOne(tx, actor: actor, from: rawFrom, to: rawTo) }
    }

    /// Moves several seats in one transaction, reporting each item as R26 does: the valid ones
    /// are applied, each refused one says why (`from → to` names the item).
    public func replace(actor: Actor, pairs: [(from: String, to: String)]) throws -> [SeatItemResult] {
        try Permissions.require(actor.role, .manageSeats)
        return try store.write { tx in
            try pairs.map { pair in
                let item = "\(pair.from) → \(pair.to)"
                do {
                    try replaceOne(tx, actor: actor, from: pair.from, to: pair.to)
                    return SeatItemResult(item: item, error: nil)
                } catch let error as CofferError {
                    return SeatItemResult(item: item, error: error.message)
                }
            }
        }
    }

    /// One replacement; every check comes before the first write, so a refusal leaves nothing.
    private func replaceOne(_ tx: WriteContext, actor: Actor, from rawFrom: String, to rawTo: String) throws {
        let from = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: rawFrom)
        if let refusal = MemberRules.seatReplacementRefusal(email: from.email, role: from.role, holdsSeat: from.seatID != nil) {
            throw CofferError(refusal)
        }
        let seat = from.seatID!
        let to = try Email.normalize(rawTo)
        guard try MemberRow.find(tx.sql, workspace: actor.workspaceID, email: to) == nil else {
            throw CofferError("There is already a seat with this email \(to)")
        }
        let user = try Users.findOrCreate(email: to, in: tx)
        try tx.sql.run("UPDATE seats SET user_id = ? WHERE id = ?", .int(user), .int(seat))
        try tx.sql.run("""
            INSERT INTO members(workspace_id, user_id, role, access, joined_at, pending) VALUES (?, ?, 'member', 'seat', ?, 1)
            """, .int(actor.workspaceID), .int(user), .int(tx.now))
        try leaveSeat(tx, workspace: actor.workspaceID, member: from)
        try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "seat.replace",
                     subject: "seat \(seat)", before: from.email, after: to)
    }

    /// Removes a seat: its slot is free again; a pending invitation is withdrawn; a member falls
    /// back to Personal access; under PER_SEAT its wallet's credits move to the team pool (R26–R27).
    public func remove(actor: Actor, email rawEmail: String) throws {
        try Permissions.require(actor.role, .manageSeats)
        try store.write { tx in
            let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: rawEmail)
            if let refusal = MemberRules.seatRemovalRefusal(email: member.email, role: member.role, holdsSeat: member.seatID != nil) {
                throw CofferError(refusal)
            }
            let seat = member.seatID!
            try tx.sql.run("UPDATE seats SET removed_at = ? WHERE id = ?", .int(tx.now), .int(seat))
            try TeamRules.closeSeatWallet(tx, workspace: actor.workspaceID, seat: seat, actor: actor.email, role: actor.role.rawValue)
            try leaveSeat(tx, workspace: actor.workspaceID, member: member)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "seat.remove",
                         subject: member.email, before: member.pending ? "pending" : member.access.rawValue,
                         after: member.pending ? "withdrawn" : "personal")
        }
    }

    /// Someone who no longer has a seat: an invitation is withdrawn, a member is on Personal access.
    private func leaveSeat(_ tx: WriteContext, workspace: Int64, member: MemberRow) throws {
        if member.pending {
            if member.creditLimit != nil { try TeamRules.recordLimit(tx, workspace: workspace, where: "user_id = \(member.userID)", limit: nil) }
            try tx.sql.run("DELETE FROM members WHERE workspace_id = ? AND user_id = ?", .int(workspace), .int(member.userID))
        } else {
            try tx.sql.run("UPDATE members SET access = 'personal', previous_access = NULL WHERE workspace_id = ? AND user_id = ?",
                           .int(workspace), .int(member.userID))
        }
    }

    /// Buys `count` more paid seats (R9): self-serve plans only, with a prorated charge and,
    /// under PER_TEAM, the new seats' prorated credits for the current period (R4, R20).
    @discardableResult
    public func buy(actor: Actor, count: Int64) throws -> Int64 {
        try Permissions.require(actor.role, .manageSubscription)
        guard (1...1_000).contains(count) else { throw CofferError("Buy 1 to 1,000 seats at a time") }
        return try store.write { tx in
            var s = try SubscriptionRow.running(tx.sql, workspace: actor.workspaceID, or: "Subscribe to a plan first to buy seats")
            guard s.terms.selfServeSeats else {
                throw CofferError("Seat changes on the \(s.terms.name) plan are made by your account manager")
            }
            guard s.status.isActive else { throw CofferError("Your subscription is \(s.status.title): seats can be bought once it is active") }
            let maximum = store.catalog.plan(s.plan)?.maxSeats ?? s.seats + count
            guard s.seats + count <= maximum else { throw CofferError("The \(s.terms.name) plan has at most \(maximum) seats") }
            let cents = s.status == .trialing ? 0
                : try Proration.cents(s.terms.seatPrice(s.interval) * count, remaining: s.billingEnd - tx.now, of: s.billingEnd - s.billingStart)
            guard try Charges.charge(tx, payer: s.payer(tx.sql), workspace: s.workspace, subscription: s.id, cents: cents,
                                     description: "\(count) more seat\(count == 1 ? "" : "s") (prorated)",
                                     key: "sub\(s.id):seats:\(tx.now):\(s.seats)+\(count)") else {
                throw CofferError("Your card was declined: no seats were added")
            }
            let before = s.seats
            s.seats += count
            if s.strategy == "per_team", s.assigned, CreditPolicy.of(s.status).periodGrants, s.terms.creditsPerSeat > 0 {
                let credits = try Proration.credits(Credits(millicredits: s.terms.creditsPerSeat * count),
                                                    remaining: s.creditEnd - tx.now, of: s.creditEnd - s.creditStart)
                if credits.millicredits > 0 {
                    let ledger = try tx.ledger()
                    try ledger.grant(to: ledger.account(.teamPool, workspace: actor.workspaceID, asset: .credits), asset: .credits,
                                     amount: credits.millicredits, from: .grants, type: .subscriptionRenewal,
                                     detail: "\(s.label), \(count) added seat\(count == 1 ? "" : "s") (prorated)",
                                     expiresAt: s.creditEnd, workspace: actor.workspaceID)
                }
            }
            try s.save(tx.sql)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "seats.buy",
                         subject: actor.workspaceSlug, before: String(before), after: "\(s.seats), charged \(Money.cents(cents))")
            return s.seats
        }
    }

    /// The operator's seat change for any plan (Business and Enterprise above all), effective
    /// from the next credit period (R9).
    public func operatorSet(workspace: WorkspaceRef, seats: Int64) throws -> Timestamp {
        guard (1...100_000).contains(seats) else { throw CofferError("Seats go from 1 to 100,000") }
        return try store.write { tx in
            var s = try SubscriptionRow.running(tx.sql, workspace: workspace.id, or: "\(workspace.slug) has no subscription")
            let taken = try TeamRules.seatsTaken(tx.sql, workspace: workspace.id)
            guard seats >= taken else { throw CofferError("\(seats) seats is fewer than the \(taken) in use: remove seats first") }
            let before = s.seats
            s.scheduledSeats = seats
            try s.save(tx.sql)
            try tx.audit(workspace: workspace.id, actor: "operator", role: "operator", action: "seats.set",
                         subject: workspace.slug, before: String(before), after: "\(seats) from \(UTC.iso(s.creditEnd))")
            return s.creditEnd
        }
    }
}
