import CofferCore

/// An event id recorded before (R33): its first result, given again, and only for the same payload.
extension ConsumptionEngine {
    /// The first result of `request`'s id when it was recorded before — earlier in this
    /// transaction (its row not written yet) or by an earlier one; nil for a new id. A different
    /// payload under the same id is refused.
    func firstRecording(actor: Actor, request: UsageRequest, hash: String) throws -> UsageResult? {
        let key = EventIDKey(workspace: actor.workspaceID, id: request.eventID)
        if let earlier = tx.pendingUsage.recorded(key) {
            return try duplicate(of: earlier.result, hash: earlier.payloadHash, usage: earlier.usageID, request: request, hash: hash)
        }
        let seen = try !isKnownNew(key) && tx.sql.exists("SELECT 1 FROM usage_events WHERE workspace_id = ? AND event_key = ?",
                                                         .int(actor.workspaceID), .text(request.eventID))
        guard seen, let first = try tx.sql.one("""
            SELECT u.payload_hash, u.id, u.service, usr.email, u.credits, u.units, u.value, u.wallets, u.balance, u.unlimited, u.recharge
            FROM usage_events u JOIN users usr ON usr.id = u.user_id WHERE u.workspace_id = ? AND u.event_key = ?
            """, .int(actor.workspaceID), .text(request.eventID), map: { row in
            (hash: row.text(0), result: UsageResult(
                eventID: request.eventID, service: row.text(2), member: row.text(3), credits: row.int(4), units: row.int(5),
                value: row.int(6), wallets: row.text(7).split(separator: ",").map(String.init), draws: [], balance: row.int(8),
                unlimited: row.bool(9), recharge: row.optionalText(10), duplicate: true), usage: row.int(1))
        }) else { return nil }
        return try duplicate(of: first.result, hash: first.hash, usage: first.usage, request: request, hash: hash)
    }

    /// The first result, if the payload is the same.
    private func duplicate(of first: UsageResult, hash firstHash: String, usage: Int64, request: UsageRequest, hash: String) throws -> UsageResult {
        guard firstHash == hash else {
            throw CofferError("Usage event \(CofferError.quote(request.eventID)) was already recorded with a different payload")
        }
        return try firstResult(first, usage: usage)
    }

    /// The first result rebuilt from its row (or, within its own transaction, from what its row
    /// will hold) and its entries.
    private func firstResult(_ stored: UsageResult, usage: Int64) throws -> UsageResult {
        var result = stored
        func draw(grant: Int64, asset: String, amount: Int64, kind: String) -> UsageResult.Draw {
            let wallet = kind == "personal" && asset != "credits" && stored.wallets.contains("owner_allowance") ? "owner_allowance" : kind
            return UsageResult.Draw(wallet: wallet, asset: asset, grant: grant, amount: amount)
        }
        result.draws = try tx.sql.all("""
            SELECT e.grant_id, e.asset, e.amount, a.kind FROM entries e JOIN accounts a ON a.id = e.from_account
            WHERE e.usage_id = ? AND e.kind = 'spend' ORDER BY e.id
            """, .int(usage)) { draw(grant: $0.int(0), asset: $0.text(1), amount: $0.int(2), kind: $0.text(3)) }
        // An event recorded earlier in this same transaction: its entries are not written yet.
        for spend in try tx.ledger().pendingSpends(usage: usage) {
            let kind = try tx.sql.text("SELECT kind FROM accounts WHERE id = ?", .int(spend.from)) ?? ""
            result.draws.append(draw(grant: spend.grant ?? 0, asset: spend.asset, amount: spend.amount, kind: kind))
        }
        return result
    }
}

extension UsageResult {
    /// The result as its stored row gives it back for a duplicate id (R33): the draws are read
    /// again from the entries.
    var storedForDuplicates: UsageResult {
        var stored = self
        stored.draws = []
        stored.duplicate = true
        return stored
    }
}
