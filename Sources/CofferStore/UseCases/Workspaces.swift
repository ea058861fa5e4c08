import CofferCore
import Foundation

/// A workspace as listed (`coffer workspace list`).
public struct WorkspaceSummary: Sendable, Equatable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let primaryOwner: String
    public let members: Int
    public let createdAt: Timestamp
    /// The listing user's role, when listed for a user.
    public let role: Role?

    /// The workspace as operator commands name it.
    public var ref: WorkspaceRef { WorkspaceRef(id: id, slug: slug, name: name) }
}


/// Creating, listing and resolving workspaces and acting users.
public struct Workspaces: Sendable {
    let store: CofferStore

    /// The workspaces use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Creates a workspace on the Free plan with its primary owner, team pool and the Free
    /// workspace grant (R6, R9, R22). The owner's email is normalised (R5).
    @discardableResult
    public func create(name rawName: String, owner rawEmail: String) throws -> WorkspaceSummary {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CofferError("A workspace needs a name") }
        guard name.count <= 200 else { throw CofferError("Workspace names have at most 200 characters") }
        let email = try Email.normalize(rawEmail)
        return try store.write { tx in
            let sql = tx.sql
            let userID = try Users.findOrCreate(email: email, in: tx)
            let slug = try uniqueSlug(for: name, sql)
            let workspaceID = try sql.insert("INSERT INTO workspaces(slug, name, created_at) VALUES (?, ?, ?)",
                                             .text(slug), .text(name), .int(tx.now))
            try sql.run("""
                INSERT INTO members(workspace_id, user_id, role, access, joined_at) VALUES (?, ?, 'primary_owner', 'seat', ?)
                """, .int(workspaceID), .int(userID), .int(tx.now))
            try sql.run("INSERT INTO seats(workspace_id, user_id, added_at) VALUES (?, ?, ?)",
                        .int(workspaceID), .int(userID), .int(tx.now))
            let ledger = try tx.ledger()
            let pool = try ledger.account(.teamPool, workspace: workspaceID, asset: .credits)
            let free = store.catalog.freePlan
            if free.workspaceGrant.millicredits > 0 {
                try ledger.grant(to: pool, asset: .credits, amount: free.workspaceGrant.millicredits, from: .grants,
                                 type: .freeWorkspaceGrant, detail: "\(free.name) plan", expiresAt: nil,
                                 workspace: workspaceID)
            }
            try tx.audit(workspace: workspaceID, actor: email, role: Role.primaryOwner.rawValue,
                         action: "workspace.create", subject: slug, after: "name=\(name) owner=\(email)")
            return WorkspaceSummary(id: workspaceID, slug: slug, name: name, primaryOwner: email, members: 1,
                                    createdAt: tx.now, role: .primaryOwner)
        }
    }

    /// Every workspace (for an operator), or those `email` belongs to.
    public func list(for rawEmail: String? = nil) throws -> [WorkspaceSummary] {
        let email = try rawEmail.map(Email.normalize)
        // Every workspace, with the listing user's role in each (none for an operator); for a user,
        // only those with a role.
        let role = email == nil ? "NULL" : """
            (SELECT m.role FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = w.id AND u.email = ?)
            """
        return try store.snapshot { sql in
            try sql.all("""
                SELECT w.id, w.slug, w.name, w.created_at,
                       (SELECT u.email FROM members m JOIN users u ON u.id = m.user_id
                         WHERE m.workspace_id = w.id AND m.role = 'primary_owner'),
                       (SELECT count(*) FROM members m WHERE m.workspace_id = w.id),
                       \(role)
                FROM workspaces w
                \(email == nil ? "" : "WHERE \(role) IS NOT NULL")
                ORDER BY w.slug
                """, email.map { [.text($0), .text($0)] } ?? []) { row in
                WorkspaceSummary(id: row.int(0), slug: row.text(1), name: row.text(2), primaryOwner: row.optionalText(4) ?? "",
                                 members: Int(row.int(5)), createdAt: row.int(3),
                                 role: row.optionalText(6).flatMap(Role.init(rawValue:)))
            }
        }
    }

    /// The acting user in a workspace: `slug`, or the user's only workspace (SPEC §8).
    public func actor(email rawEmail: String, workspace slug: String?) throws -> Actor {
        let email = try Email.normalize(rawEmail)
        return try store.snapshot { sql in
            let rows = try sql.all("""
                SELECT u.id, w.id, w.slug, w.name, m.role, m.pending
                FROM users u JOIN members m ON m.user_id = u.id JOIN workspaces w ON w.id = m.workspace_id
                WHERE u.email = ?\(slug == nil ? "" : " AND w.slug = ?")
                ORDER BY w.slug
                """, [.text(email)] + (slug.map { [.text($0)] } ?? [])) { row in
                Actor(userID: row.int(0), email: email, workspaceID: row.int(1), workspaceSlug: row.text(2), workspaceName: row.text(3),
                      role: Role(rawValue: row.text(4)) ?? .member, pending: row.bool(5))
            }
            guard let actor = rows.first else {
                if let slug {
                    guard try sql.exists("SELECT 1 FROM workspaces WHERE slug = ?", .text(slug)) else {
                        throw CofferError("No workspace \(CofferError.quote(slug))")
                    }
                    throw CofferError("\(email) is not a member of \(CofferError.quote(slug))")
                }
                throw CofferError("\(email) is not a member of any workspace")
            }
            guard rows.count == 1 else {
                throw CofferError("\(email) belongs to \(rows.count) workspaces: choose one with --workspace (\(rows.map(\.workspaceSlug).joined(separator: ", ")))")
            }
            return actor
        }
    }

    /// The workspace named by `slug`, or the only one in the database (operator commands).
    public func workspace(_ slug: String?) throws -> WorkspaceRef {
        try store.snapshot { sql in
            let rows = try sql.all("SELECT id, slug, name FROM workspaces\(slug == nil ? "" : " WHERE slug = ?") ORDER BY slug",
                                   slug.map { [.text($0)] } ?? []) { WorkspaceRef(id: $0.int(0), slug: $0.text(1), name: $0.text(2)) }
            guard let workspace = rows.first else {
                throw CofferError(slug.map { "No workspace \(CofferError.quote($0))" } ?? "There is no workspace yet: create one with coffer workspace create NAME --owner EMAIL")
            }
            guard rows.count == 1 else {
                throw CofferError("There are \(rows.count) workspaces: choose one with --workspace (\(rows.map(\.slug).joined(separator: ", ")))")
            }
            return workspace
        }
    }

    private func uniqueSlug(for name: String, _ sql: any StorageConnection) throws -> String {
        var base = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                base.unicodeScalars.append(scalar)
            } else if !base.hasSuffix("-") {
                base += "-"
            }
        }
        base = String(base.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(40))
        if base.isEmpty { base = "workspace" }
        var candidate = base
        var n = 2
        while try sql.exists("SELECT 1 FROM workspaces WHERE slug = ?", .text(candidate)) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }
}
