import CofferCore

/// An audit log row (SPEC §10).
public struct AuditEntry: Sendable, Equatable {
    public let time: Timestamp
    public let actor: String
    public let role: String
    public let action: String
    public let subject: String
    public let before: String?
    public let after: String?
}

/// The audit log, for owners (SPEC §10).
public struct AuditLog: Sendable {
    let store: CofferStore

    /// The audit log use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The workspace's audit log, newest first.
    public func list(actor: Actor, limit: Int = 500) throws -> [AuditEntry] {
        try Permissions.require(actor.role, .manageSeats)
        return try store.snapshot { sql in
            try sql.all("""
                SELECT created_at, actor, actor_role, action, subject, before, after FROM audit_log
                WHERE workspace_id = ? ORDER BY id DESC LIMIT ?
                """, .int(actor.workspaceID), .int(limit)) {
                AuditEntry(time: $0.int(0), actor: $0.text(1), role: $0.text(2), action: $0.text(3), subject: $0.text(4),
                           before: $0.optionalText(5), after: $0.optionalText(6))
            }
        }
    }
}
