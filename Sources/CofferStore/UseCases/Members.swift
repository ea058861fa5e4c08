import CofferCore

/// A row of the members table (SPEC §9 Team tab, `coffer members list`).
public struct MemberView: Sendable, Equatable {
    public let name: String
    public let email: String
    public let role: Role
    public let access: AccessType
    /// An invitation not yet accepted (shown as Pending).
    public let pending: Bool
    /// The seat's multiplier, when the member holds or has reserved a seat.
    public let multiplier: Int64?
    public let limit: Credits?
    public let usedThisPeriod: Credits
    public let remaining: Credits?
    /// The team plan for Seat access; the member's own plan for Credits and Personal.
    public let effectivePlan: String
}

extension MemberView {
    /// Name, email, role, access (Pending for an invitation), multiplier, limit, used, remaining and
    /// plan as `members list` and the Team tab show them (SPEC §9).
    public var displayFields: [String] {
        [name, email, role.title, pending ? "Pending" : access.title, multiplier.map { "\($0)×" } ?? "—",
         limit?.description ?? "none", usedThisPeriod.description, remaining?.description ?? "—", effectivePlan]
    }
}

/// Roles, access types, limits and multipliers (R6–R7, R25–R26, R31–R32), every change audited.
public struct Members: Sendable {
    let store: CofferStore

    /// The members use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Every member of the actor's workspace.
    public func list(actor: Actor) throws -> [MemberView] {
        try store.snapshot { sql in try Self.views(sql, workspace: actor.workspaceID, now: store.now, catalog: store.catalog) }
    }

    /// The members of a workspace as `list` shows them (only `email`'s when given).
    static func views(_ sql: any StorageConnection, workspace: Int64, now: Timestamp, catalog: Catalog, only email: String? = nil) throws -> [MemberView] {
        let period = try TeamRules.creditPeriod(sql, workspace: workspace, now: now)
        let team = try SubscriptionRow.live(sql, workspace: workspace)
        let teamPlan = team.flatMap { $0.status.isFinal ? nil : $0.terms.name } ?? catalog.freePlan.name
        return try MemberRow.all(sql, workspace: workspace).filter { email == nil || $0.email == email }.map { m in
            let used = try sql.int("SELECT used FROM member_spend WHERE workspace_id = ? AND user_id = ? AND period_start = ?",
                                   .int(workspace), .int(m.userID), .int(period.start)) ?? 0
            let name = try sql.text("SELECT name FROM users WHERE id = ?", .int(m.userID)) ?? ""
            return MemberView(
                name: name, email: m.email, role: m.role, access: m.access, pending: m.pending,
                multiplier: m.seatID == nil ? nil : m.multiplier, limit: m.creditLimit.map(Credits.init),
                usedThisPeriod: Credits(millicredits: used),
                remaining: m.creditLimit.map { Credits(millicredits: max(0, $0 - used)) },
                effectivePlan: m.access == .seat ? teamPlan : try personalPlan(sql, user: m.userID, catalog: catalog).name)
        }
    }

    /// The plan a user pays for themself (Free when none).
    static func personalPlan(_ sql: any StorageConnection, user: Int64, catalog: Catalog) throws -> (tier: String, name: String) {
        if let s = try SubscriptionRow.live(sql, user: user), s.status.isActive { return (s.plan, s.terms.name) }
        return (catalog.freePlan.tier, catalog.freePlan.name)
    }

    /// Makes a member an owner (admin) or a member again (primary owner only).
    public func setRole(actor: Actor, email: String, role: Role) throws {
        try Permissions.require(actor.role, .changeRoles)
        guard role != .primaryOwner else { throw CofferError("Use transfer-ownership to hand over the primary owner role") }
        try change(actor: actor, email: email, action: "member.role") { member, tx in
            guard member.role != .primaryOwner else {
                throw CofferError("The primary owner's role changes only by transfer-ownership")
            }
            try tx.sql.run("UPDATE members SET role = ? WHERE workspace_id = ? AND user_id = ?",
                           .text(role.rawValue), .int(actor.workspaceID), .int(member.userID))
            return (member.role.rawValue, role.rawValue)
        }
    }

    /// Hands the primary owner role to an owner; the old primary owner stays an owner (R6).
    public func transferOwnership(actor: Actor, to email: String) throws {
        try Permissions.require(actor.role, .changeRoles)
        try change(actor: actor, email: email, action: "member.transfer-ownership") { member, tx in
            guard member.role == .owner, !member.pending else {
                throw CofferError("The primary owner role can go only to an owner: make \(member.email) an owner first")
            }
            try tx.sql.run("UPDATE members SET role = 'owner' WHERE workspace_id = ? AND user_id = ?",
                           .int(actor.workspaceID), .int(actor.userID))
            try tx.sql.run("UPDATE members SET role = 'primary_owner' WHERE workspace_id = ? AND user_id = ?",
                           .int(actor.workspaceID), .int(member.userID))
            return (actor.email, member.email)
        }
    }

    /// An owner sets a member's access type (R25–R26, R31).
    public func setAccess(actor: Actor, email: String, access: AccessType) throws {
        try Permissions.require(actor.role, .setMemberAccess)
        try change(actor: actor, email: email, action: "member.access") { member, tx in try changeAccess(member, to: access, tx, actor: actor) }
    }

    /// The acting user switches themself to Personal, or opts back in to their previous type (R31).
    public func switchSelf(actor: Actor, toPersonal: Bool) throws -> AccessType {
        try Permissions.require(actor.role, .recordOwnUsage)
        return try store.write { tx in
            let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: actor.email)
            let target: AccessType
            if let refusal = MemberRules.selfSwitchRefusal(toPersonal: toPersonal, access: member.access) { throw CofferError(refusal) }
            if toPersonal {
                target = .personal
            } else {
                guard let previous = member.previousAccess else {
                    throw CofferError("You have no team access to return to: ask an owner to add you")
                }
                target = previous
            }
            try apply(target, to: member, tx, actor: actor, remember: toPersonal)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "member.access.self",
                         subject: actor.email, before: member.access.rawValue, after: target.rawValue)
            return target
        }
    }

    /// An owner's change of `member`'s access, for the audit log.
    func changeAccess(_ member: MemberRow, to access: AccessType, _ tx: WriteContext, actor: Actor) throws -> (before: String, after: String) {
        try apply(access, to: member, tx, actor: actor, remember: true)
        return (member.access.rawValue, access.rawValue)
    }

    /// Moves a member to `access`: Seat needs a seat (a reserved one, or room for a new one);
    /// Credits needs a personal plan of the team's tier and holds no seat; Personal keeps a
    /// Seat member's seat reserved.
    private func apply(_ access: AccessType, to member: MemberRow, _ tx: WriteContext, actor: Actor, remember: Bool) throws {
        if let refusal = MemberRules.accessChangeRefusal(email: member.email, pending: member.pending) { throw CofferError(refusal) }
        guard member.access != access else {
            throw CofferError("\(member.email) already has \(access.title) access")
        }
        let workspace = actor.workspaceID
        switch access {
        case .seat:
            if member.seatID == nil {
                try TeamRules.requireRoom(tx.sql, workspace: workspace, extra: 1, catalog: store.catalog)
                let seat = try tx.sql.insert("INSERT INTO seats(workspace_id, user_id, added_at) VALUES (?, ?, ?)",
                                             .int(workspace), .int(member.userID), .int(tx.now))
                try TeamRules.grantSeatAllotment(tx, workspace: workspace, seat: seat, multiplier: 1)
            }
        case .credits:
            let team = try SubscriptionRow.live(tx.sql, workspace: workspace)
            let teamTier = team.flatMap { $0.status.isFinal ? nil : ($0.plan, $0.terms.name) }
                ?? (store.catalog.freePlan.tier, store.catalog.freePlan.name)
            let mine = try Self.personalPlan(tx.sql, user: member.userID, catalog: store.catalog)
            guard mine.tier == teamTier.0 else {
                throw CofferError("All members of a shared credit pool must be on the same plan tier (team: \(teamTier.1), yours: \(mine.name))")
            }
            if let seat = member.seatID {
                try tx.sql.run("UPDATE seats SET removed_at = ? WHERE id = ?", .int(tx.now), .int(seat))
                try TeamRules.closeSeatWallet(tx, workspace: workspace, seat: seat, actor: actor.email, role: actor.role.rawValue)
            }
        case .personal:
            break
        }
        try tx.sql.run("UPDATE members SET access = ?, previous_access = ? WHERE workspace_id = ? AND user_id = ?",
                       .text(access.rawValue), .text(access == .personal && remember ? member.access.rawValue : nil),
                       .int(workspace), .int(member.userID))
    }

    /// Sets a member's credit limit per credit period on draws from team wallets, or none (R30).
    public func setLimit(actor: Actor, email: String, limit: Credits?) throws {
        try Permissions.require(actor.role, .setMemberAccess)
        try Self.validate(limit: limit)
        try change(actor: actor, email: email, action: "member.limit") { member, tx in try changeLimit(member, to: limit, tx, actor: actor) }
    }

    static func validate(limit: Credits?) throws {
        if let limit, limit.millicredits < 0 { throw CofferError("Amount must not be negative: \(limit.plain)") }
    }

    /// Sets `member`'s limit; returns it before and after, for the audit log.
    func changeLimit(_ member: MemberRow, to limit: Credits?, _ tx: WriteContext, actor: Actor) throws -> (before: String, after: String) {
        try tx.sql.run("UPDATE members SET credit_limit = ? WHERE workspace_id = ? AND user_id = ?",
                       .int(limit?.millicredits), .int(actor.workspaceID), .int(member.userID))
        try TeamRules.recordLimit(tx, workspace: actor.workspaceID, where: "user_id = \(member.userID)", limit: limit?.millicredits)
        return (member.creditLimit.map { Credits(millicredits: $0).plain } ?? "none", limit?.plain ?? "none")
    }

    /// Sets a seat's multiplier (R26): per-seat plans only, 1–10, within the paid seats; a
    /// higher multiplier brings the extra allotment for the current period at once (R27).
    public func setMultiplier(actor: Actor, email: String, multiplier: Int64) throws {
        try Permissions.require(actor.role, .setMemberAccess)
        try Self.validate(multiplier: multiplier)
        try change(actor: actor, email: email, action: "seat.multiplier") { member, tx in
            try changeMultiplier(member, to: multiplier, tx, actor: actor)
        }
    }

    static func validate(multiplier: Int64) throws {
        guard (1...10).contains(multiplier) else { throw CofferError("Seat multipliers go from 1 to 10") }
    }

    /// Sets `member`'s seat multiplier; returns it before and after, for the audit log.
    func changeMultiplier(_ member: MemberRow, to multiplier: Int64, _ tx: WriteContext, actor: Actor) throws -> (before: String, after: String) {
        let (_, subscription) = try TeamRules.seatLimit(tx.sql, workspace: actor.workspaceID, catalog: store.catalog)
        guard subscription?.strategy == "per_seat" else { throw CofferError("Seat multipliers apply only to per-seat plans") }
        guard let seat = member.seatID else { throw CofferError("\(member.email) has no seat in this team") }
        try TeamRules.requireRoom(tx.sql, workspace: actor.workspaceID, extra: multiplier - member.multiplier, catalog: store.catalog)
        try tx.sql.run("UPDATE seats SET multiplier = ? WHERE id = ?", .int(multiplier), .int(seat))
        if multiplier > member.multiplier {
            try TeamRules.grantSeatAllotment(tx, workspace: actor.workspaceID, seat: seat, multiplier: multiplier - member.multiplier)
        }
        return (String(member.multiplier), String(multiplier))
    }

    /// The acting user accepts their pending seat (`coffer invite accept`, or by first acting).
    public func acceptInvite(actor: Actor) throws {
        try store.write { tx in
            let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: actor.email)
            guard member.pending else { throw CofferError("You have no pending invitation in \(actor.workspaceSlug)") }
            try tx.sql.run("UPDATE members SET pending = 0, joined_at = ? WHERE workspace_id = ? AND user_id = ?",
                           .int(tx.now), .int(actor.workspaceID), .int(member.userID))
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "invite.accept",
                         subject: actor.email, before: "pending", after: "seat")
        }
    }

    /// Takes the subscription away from the team (R32): every seat assignment goes, the owner's
    /// too; everyone falls back to Personal; the pool is kept but closed.
    public func unassign(actor: Actor) throws {
        try Permissions.require(actor.role, .assignSubscription)
        try store.write { tx in
            var s = try SubscriptionRow.running(tx.sql, workspace: actor.workspaceID, or: "There is no subscription to unassign")
            guard s.assigned else { throw CofferError("The subscription is already unassigned") }
            for seat in try tx.sql.ints("SELECT id FROM seats WHERE workspace_id = ? AND removed_at IS NULL", .int(actor.workspaceID)) {
                try TeamRules.closeSeatWallet(tx, workspace: actor.workspaceID, seat: seat, actor: actor.email, role: actor.role.rawValue)
            }
            try tx.sql.run("UPDATE seats SET removed_at = ? WHERE workspace_id = ? AND removed_at IS NULL", .int(tx.now), .int(actor.workspaceID))
            try TeamRules.recordLimit(tx, workspace: actor.workspaceID, where: "pending = 1 AND credit_limit IS NOT NULL", limit: nil)
            try tx.sql.run("DELETE FROM members WHERE workspace_id = ? AND pending = 1", .int(actor.workspaceID))
            try tx.sql.run("UPDATE members SET access = 'personal', previous_access = NULL WHERE workspace_id = ?", .int(actor.workspaceID))
            s.assigned = false
            try s.save(tx.sql)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "subscription.unassign",
                         subject: actor.workspaceSlug, before: "assigned", after: "unassigned")
        }
    }

    /// Gives the subscription back to the team (R32): the owner's seat returns and the pool reopens;
    /// owners add the others again.
    public func assign(actor: Actor) throws {
        try Permissions.require(actor.role, .assignSubscription)
        try store.write { tx in
            var s = try SubscriptionRow.running(tx.sql, workspace: actor.workspaceID, or: "There is no subscription to assign")
            guard !s.assigned else { throw CofferError("The subscription is already assigned to the team") }
            s.assigned = true
            let seat = try tx.sql.insert("INSERT INTO seats(workspace_id, user_id, added_at) VALUES (?, ?, ?)",
                                         .int(actor.workspaceID), .int(actor.userID), .int(tx.now))
            try tx.sql.run("UPDATE members SET access = 'seat', previous_access = NULL WHERE workspace_id = ? AND user_id = ?",
                           .int(actor.workspaceID), .int(actor.userID))
            try s.save(tx.sql)
            if s.grantWithheld {
                try Settlement(tx).grantWithheldPeriod(&s)
                try s.save(tx.sql)
            } else {
                try TeamRules.grantSeatAllotment(tx, workspace: actor.workspaceID, seat: seat, multiplier: 1)
            }
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "subscription.assign",
                         subject: actor.workspaceSlug, before: "unassigned", after: "assigned")
        }
    }

    /// One audited change to one member.
    private func change(actor: Actor, email: String, action: String,
                        _ body: (MemberRow, WriteContext) throws -> (before: String, after: String)) throws {
        try store.write { tx in try Self.audited(tx, actor: actor, email: email, action: action) { try body($0, tx) } }
    }

    /// Changes one member inside `tx` and writes the audit entry of `action` with what it was and is.
    static func audited(_ tx: WriteContext, actor: Actor, email: String, action: String,
                        _ body: (MemberRow) throws -> (before: String, after: String)) throws {
        let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: email)
        let (before, after) = try body(member)
        try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: action,
                     subject: member.email, before: before, after: after)
    }
}
