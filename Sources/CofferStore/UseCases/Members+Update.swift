import CofferCore

/// What one update of a member changes (`PUT /v1/members/{email}`); nil fields stay as they are.
public struct MemberChanges: Sendable, Equatable {
    public var access: AccessType?
    /// `.some(nil)` removes the limit.
    public var limit: Credits??
    public var multiplier: Int64?

    /// Changes to apply together.
    public init(access: AccessType? = nil, limit: Credits?? = nil, multiplier: Int64? = nil) {
        (self.access, self.limit, self.multiplier) = (access, limit, multiplier)
    }
}

extension Members {
    /// Applies an owner's changes to one member in one transaction — all of them or, when one is
    /// refused, none (R41) — each audited as the CLI's `members set-…` would; returns the member after.
    public func update(actor: Actor, email: String, changes: MemberChanges) throws -> MemberView {
        try Permissions.require(actor.role, .setMemberAccess)
        if let limit = changes.limit { try Self.validate(limit: limit) }
        if let multiplier = changes.multiplier { try Self.validate(multiplier: multiplier) }
        return try store.write { tx in
            func change(_ action: String, _ body: (MemberRow) throws -> (before: String, after: String)) throws {
                try Self.audited(tx, actor: actor, email: email, action: action, body)
            }
            if let access = changes.access { try change("member.access") { try changeAccess($0, to: access, tx, actor: actor) } }
            if let limit = changes.limit { try change("member.limit") { try changeLimit($0, to: limit, tx, actor: actor) } }
            if let multiplier = changes.multiplier { try change("seat.multiplier") { try changeMultiplier($0, to: multiplier, tx, actor: actor) } }
            let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: email)
            guard let view = try Self.views(tx.sql, workspace: actor.workspaceID, now: tx.now, catalog: store.catalog, only: member.email).first else {
                throw CofferError("No member \(CofferError.quote(email))")
            }
            return view
        }
    }
}
