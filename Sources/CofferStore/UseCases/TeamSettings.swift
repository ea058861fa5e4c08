import CofferCore
import GRDB

/// An API key as listed (its secret is shown once, at creation).
public struct APIKey: Sendable, Equatable {
    public let name: String
    public let prefix: String
    public let createdBy: String
    public let createdAt: Timestamp
}

/// Auto-recharge settings and their recent outcomes, as `coffer balance` shows them.
public struct RechargeState: Sendable, Equatable {
    /// nil for the team; else the seat holder's email.
    public let seat: String?
    public let settings: RechargeSettings
    public let spentThisPeriod: Credits
}

/// The team's settings: API keys, the model whitelist, auto-recharge (R34) and alerts (R24).
public struct TeamSettings: Sendable {
    let store: CofferStore

    /// The settings use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Creates an API key (owners); returns its secret, shown once.
    public func createKey(actor: Actor, name raw: String) throws -> String {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw CofferError("An API key's name has 1 to 100 characters") }
        return try store.write { tx in
            guard try Bool.fetchOne(tx.db, sql: "SELECT 1 FROM api_keys WHERE workspace_id = ? AND name = ?", arguments: [actor.workspaceID, name]) == nil else {
                throw CofferError("There is already an API key named \(CofferError.quote(name))")
            }
            // 256 bits from the system's secure generator (R38); only its SHA-256 is kept.
            let secret = "cfr_" + Digest.randomBytes(32).hex
            try tx.db.execute(sql: """
                INSERT INTO api_keys(workspace_id, name, prefix, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [actor.workspaceID, name, String(secret.prefix(12)), Digest.sha256(Array(secret.utf8)).hex, actor.email, tx.now])
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "key.create", subject: name)
            return String(secret)
        }
    }

    /// The workspace's API keys.
    public func keys(actor: Actor) throws -> [APIKey] {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        return try store.read { db in
            try Row.fetchAll(db, sql: "SELECT name, prefix, created_by, created_at FROM api_keys WHERE workspace_id = ? ORDER BY name",
                             arguments: [actor.workspaceID]).map { APIKey(name: $0[0], prefix: $0[1], createdBy: $0[2], createdAt: $0[3]) }
        }
    }

    /// Sets the team model whitelist (Seat access may use only these models, R30); empty clears it.
    public func setWhitelist(actor: Actor, models: [String]) throws {
        try Permissions.require(actor.role, .manageWhitelistAndKeys)
        let modelKinds: [ServiceKind] = [.conversationMessage, .imageGeneration, .videoGeneration]
        for slug in models {
            guard let service = store.catalog.service(slug), modelKinds.contains(service.kind) else {
                throw CofferError("\(CofferError.quote(slug)) is not a model (see coffer plans)")
            }
        }
        try store.write { tx in
            let before = try tx.sql.all("SELECT service FROM whitelist WHERE workspace_id = ? ORDER BY service", .int(actor.workspaceID)) { $0.text(0) }
            try tx.sql.run("DELETE FROM whitelist WHERE workspace_id = ?", .int(actor.workspaceID))
            for slug in Set(models) {
                try tx.sql.run("INSERT INTO whitelist(workspace_id, service) VALUES (?, ?)", .int(actor.workspaceID), .text(slug))
            }
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "whitelist.set",
                         subject: actor.workspaceSlug, before: before.joined(separator: " "), after: models.sorted().joined(separator: " "))
        }
    }

    /// The whitelisted models (empty: every model).
    public func whitelist(actor: Actor) throws -> [String] {
        try store.snapshot { sql in
            try sql.all("SELECT service FROM whitelist WHERE workspace_id = ? ORDER BY service", .int(actor.workspaceID)) { $0.text(0) }
        }
    }

    /// Changes auto-recharge (R34) for the team, or for one seat under PER_SEAT; fields left
    /// nil keep their value (new settings start disabled at $0).
    public func setRecharge(actor: Actor, seatEmail: String?, enabled: Bool?, threshold: Credits?, amount: Credits?,
                            maxPeriodSpend: Credits??) throws -> RechargeSettings {
        try Permissions.require(actor.role, .buyPacksAlertsRecharge)
        for value in [threshold, amount, maxPeriodSpend ?? nil] {
            if let value, value.millicredits < 0 { throw CofferError("Amount must not be negative: \(value.plain)") }
        }
        return try store.write { tx in
            let live = try SubscriptionRow.live(tx.sql, workspace: actor.workspaceID)
            var seat: Int64 = 0
            if let seatEmail {
                guard live?.strategy == "per_seat" else { throw CofferError("Per-seat auto-recharge applies only to per-seat plans") }
                let member = try MemberRow.require(tx.sql, workspace: actor.workspaceID, email: seatEmail)
                guard let id = member.seatID else { throw CofferError("\(member.email) has no seat in this team") }
                seat = id
            } else if live?.strategy == "per_seat" {
                throw CofferError("On a per-seat plan, auto-recharge is set per seat (--seat EMAIL)")
            }
            let old = try tx.sql.one("""
                SELECT enabled, threshold, amount, max_period_spend FROM recharge_settings WHERE workspace_id = ? AND seat_id = ?
                """, .int(actor.workspaceID), .int(seat)) { row in
                RechargeSettings(enabled: row.bool(0), threshold: Credits(millicredits: row.int(1)),
                                 amount: Credits(millicredits: row.int(2)), maxPeriodSpend: row.optionalInt(3).map(Credits.init))
            } ?? RechargeSettings(enabled: false, threshold: Credits(millicredits: 0), amount: Credits(millicredits: 0), maxPeriodSpend: nil)
            var new = old
            if let enabled { new.enabled = enabled }
            if let threshold { new.threshold = threshold }
            if let amount { new.amount = amount }
            if let maxPeriodSpend { new.maxPeriodSpend = maxPeriodSpend }
            if new.enabled, new.amount.millicredits == 0 { throw CofferError("Set a recharge amount (--amount) before enabling auto-recharge") }
            try tx.sql.run("""
                INSERT INTO recharge_settings(workspace_id, seat_id, enabled, threshold, amount, max_period_spend) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, seat_id) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold,
                  amount = excluded.amount, max_period_spend = excluded.max_period_spend
                """, .int(actor.workspaceID), .int(seat), .bool(new.enabled), .int(new.threshold.millicredits), .int(new.amount.millicredits),
                           .int(new.maxPeriodSpend?.millicredits))
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "recharge.set",
                         subject: seatEmail ?? "team", before: Self.describe(old), after: Self.describe(new))
            return new
        }
    }

    /// Sets the low-balance alert amount (R24), or none.
    public func setAlert(actor: Actor, threshold: Credits?) throws {
        try Permissions.require(actor.role, .buyPacksAlertsRecharge)
        if let threshold, threshold.millicredits < 0 { throw CofferError("Amount must not be negative: \(threshold.plain)") }
        try store.write { tx in
            let before = try tx.sql.int("SELECT alert_threshold FROM workspaces WHERE id = ?", .int(actor.workspaceID))
            try tx.sql.run("UPDATE workspaces SET alert_threshold = ? WHERE id = ?", .int(threshold?.millicredits), .int(actor.workspaceID))
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "alerts.set",
                         subject: actor.workspaceSlug, before: before.map { Credits(millicredits: $0).plain } ?? "none",
                         after: threshold?.plain ?? "none")
        }
    }

    static func describe(_ s: RechargeSettings) -> String {
        "\(s.enabled ? "on" : "off") below \(s.threshold.plain) buy \(s.amount.plain) cap \(s.maxPeriodSpend?.plain ?? "none")"
    }
}
