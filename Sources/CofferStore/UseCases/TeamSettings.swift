import CofferCore

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
