import CofferCore
import Synchronization

/// An API key as listed (its secret is shown once, at creation).
public struct APIKey: Sendable, Equatable {
    public let name: String
    public let prefix: String
    public let createdBy: String
    public let createdAt: Timestamp
}

/// Who a presented key acts as (R38): the member who created it, in the key's workspace.
public struct KeyHolder: Sendable, Equatable {
    /// The key's name (safe to log; the secret never is).
    public let keyName: String
    public let actor: Actor
}

/// API keys (R38): created by owners, shown once, kept only as a SHA-256; revoked at once.
public struct APIKeys: Sendable {
    let store: CofferStore

    /// The API-key use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The text every secret starts with; the first `prefixLength` characters are stored to find it.
    static let secretPrefix = "cfr_"
    static let prefixLength = 12

    /// Creates an API key (owners); returns its secret, shown once: 256 bits from the system's
    /// secure generator, of which only the SHA-256 is kept.
    public func create(actor: Actor, name raw: String) throws -> String {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw CofferError("An API key's name has 1 to 100 characters") }
        return try store.write { tx in
            guard try !tx.sql.exists("SELECT 1 FROM api_keys WHERE workspace_id = ? AND name = ?", .int(actor.workspaceID), .text(name)) else {
                throw CofferError("There is already an API key named \(CofferError.quote(name))")
            }
            let secret = Self.secretPrefix + Digest.randomBytes(32).hex
            try tx.sql.run("""
                INSERT INTO api_keys(workspace_id, name, prefix, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, .int(actor.workspaceID), .text(name), .text(String(secret.prefix(Self.prefixLength))),
                .text(Digest.sha256(Array(secret.utf8)).hex), .text(actor.email), .int(tx.now))
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "key.create", subject: name)
            return secret
        }
    }

    /// Revokes a key (owners): from the next request on it authenticates nothing (R38). Usage
    /// recorded under its name stays as it was.
    public func revoke(actor: Actor, name: String) throws {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        try store.write { tx in
            try tx.sql.run("DELETE FROM api_keys WHERE workspace_id = ? AND name = ?", .int(actor.workspaceID), .text(name))
            guard try tx.sql.changedRows == 1 else { throw CofferError("No API key named \(CofferError.quote(name))") }
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "key.revoke", subject: name)
        }
    }

    /// The workspace's API keys.
    public func list(actor: Actor) throws -> [APIKey] {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        return try store.snapshot { sql in
            try sql.all("SELECT name, prefix, created_by, created_at FROM api_keys WHERE workspace_id = ? ORDER BY name",
                               .int(actor.workspaceID)) { APIKey(name: $0.text(0), prefix: $0.text(1), createdBy: $0.text(2), createdAt: $0.int(3)) }
        }
    }

    /// The holder of a presented secret, or nil when it is no live key (wrong, revoked, or made
    /// before keys were hashed). The stored hash is compared in constant time; the short prefix
    /// only finds the candidate rows.
    /// A holder found once is kept (by the secret's hash) while `facts_version` holds — a revoked
    /// key, a member removed or a role changed moves it — so most requests cost one small read.
    public func holder(ofSecret secret: String) throws -> KeyHolder? {
        guard secret.hasPrefix(Self.secretPrefix), secret.utf8.count == Self.secretPrefix.utf8.count + 64 else { return nil }
        let hash = Digest.sha256(Array(secret.utf8)).hex
        let presented = Array(hash.utf8)
        // A holder kept at the counter's current value needs no transaction (a revocation moves it).
        if !store.isWhatIf, let version = store.backend.factsVersion(), let known = store.keyHolders.holder(hash, at: version) {
            return known
        }
        return try store.snapshot { sql in
            let version = try FactCache.version(sql)
            if let known = store.keyHolders.holder(hash, at: version) { return known }
            let candidates = try sql.all("""
                SELECT k.name, k.secret_hash, u.id, u.email, w.id, w.slug, w.name, m.role, m.pending
                FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
                JOIN users u ON u.email = k.created_by JOIN members m ON m.user_id = u.id AND m.workspace_id = w.id
                WHERE k.prefix = ?
                """, .text(String(secret.prefix(Self.prefixLength)))) { row -> KeyHolder? in
                guard let stored = row.optionalText(1), Self.constantTimeEqual(Array(stored.utf8), presented) else { return nil }
                return KeyHolder(keyName: row.text(0), actor: Actor(
                    userID: row.int(2), email: row.text(3), workspaceID: row.int(4), workspaceSlug: row.text(5),
                    workspaceName: row.text(6), role: Role(rawValue: row.text(7)) ?? .member, pending: row.bool(8)))
            }
            let holder = candidates.compactMap { $0 }.first
            if let holder { store.keyHolders.keep(holder, for: hash, at: version) }
            return holder
        }
    }

    /// Whether two byte strings are equal, taking the same time wherever they differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Key holders already authenticated, valid at one `facts_version` (see `FactCache`).
final class KeyHolderCache: Sendable {
    private let kept = Mutex<(version: Int64, holders: [String: KeyHolder])>((-1, [:]))

    /// The holder of the secret whose hash is `hash`, when it was found at `version`.
    func holder(_ hash: String, at version: Int64) -> KeyHolder? {
        kept.withLock { $0.version == version ? $0.holders[hash] : nil }
    }

    /// Keeps a holder found at `version` (forgetting those of any other version).
    func keep(_ holder: KeyHolder, for hash: String, at version: Int64) {
        kept.withLock { kept in
            if kept.version != version { kept = (version, [:]) }
            kept.holders[hash] = holder
        }
    }
}
