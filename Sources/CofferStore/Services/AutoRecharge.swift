import CofferCore

/// The alert outbox (R24, R36): every alert raised is kept for whatever delivers it.
enum Alerts {
    static func raise(_ tx: WriteContext, workspace: Int64, kind: String, message: String) throws {
        try tx.sql.run("INSERT INTO alerts(workspace_id, kind, message, created_at) VALUES (?, ?, ?, ?)",
                       .int(workspace), .text(kind), .text(message), .int(tx.now))
    }
}

extension ConsumptionEngine {
    /// R35–R36: before the debit, one recharge of the paying team wallet when its value minus
    /// what is needed would fall below the threshold. Returns what happened, if anything.
    func rechargeStep(_ c: Context) throws -> String? {
        guard c.usesTeam, c.policy.autoRecharge, let subscription = c.subscription else { return nil }
        let perSeat = c.route.contains(.seat)
        let wallet: PayingWallet = perSeat ? .seat : .teamPool
        let seat = perSeat ? (c.member.seatID ?? 0) : 0
        let workspace = c.actor.workspaceID
        guard let settings = try rechargeSettings(workspace: workspace, seat: seat), settings.enabled else { return nil }
        // An allowance for the service in this wallet is recharged in whole units; else credits (R35).
        let hasAllowance = c.quantity != nil && c.items.contains { $0.team && $0.service == c.service.slug && $0.amount != nil }
        let asset: Asset = hasAllowance ? .service(c.service.slug) : .credits
        let held = try balance(wallet: wallet, asset: asset, c)
        let value = hasAllowance ? try Credits.cost(of: Quantity(milliunits: held), at: c.service.unitPrice) : Credits(millicredits: held)
        let spendKey = RechargeSpendKey(workspace: workspace, seat: seat, period: c.period.start)
        let spent = try rechargeSpent(spendKey)
        let decision = RechargeDecision.decide(settings, value: value, needed: c.needed, spentThisPeriod: Credits(millicredits: spent),
                                               unitPrice: hasAllowance ? c.service.unitPrice : nil)
        switch decision {
        case .none:
            return nil
        case .refused(let message):
            try log(workspace: workspace, seat: seat, outcome: "refused", message: message, cost: 0)
            try Alerts.raise(tx, workspace: workspace, kind: "recharge_refused", message: "Auto-recharge refused: \(message)")
            return "refused: \(message)"
        case .recharge(let units, let cost):
            let what = hasAllowance ? "\(Quantity(milliunits: units)) \(c.service.slug)" : "\(cost) of credits"
            let cents = try Rounding.mulDivHalfUp(cost.millicredits, 1, 10)
            let paid = try Charges.charge(tx, payer: subscription.payer(tx.sql), workspace: workspace, subscription: subscription.id,
                                          cents: cents, description: "Auto-recharge: \(what)",
                                          key: "recharge:\(workspace):\(seat):\(c.request.eventID)")
            guard paid else {
                try tx.sql.run("UPDATE recharge_settings SET enabled = 0 WHERE workspace_id = ? AND seat_id = ?", .int(workspace), .int(seat))
                forgetRechargeSettings(workspace: workspace, seat: seat)
                let message = "the card was declined, so auto-recharge was switched off"
                try log(workspace: workspace, seat: seat, outcome: "declined", message: message, cost: cost.millicredits)
                try Alerts.raise(tx, workspace: workspace, kind: "recharge_declined", message: "Auto-recharge failed: \(message)")
                return "declined: \(message)"
            }
            let ledger = try tx.ledger()
            guard let account = try account(wallet, asset: asset, c, create: true) else { return nil }
            try ledger.grant(to: account, asset: asset, amount: hasAllowance ? units : cost.millicredits, from: .payments,
                             type: .creditPackagePurchase, detail: "auto-recharge", expiresAt: nil, workspace: workspace)
            try addRechargeSpent(spendKey, cost.millicredits)
            try log(workspace: workspace, seat: seat, outcome: "recharged", message: "bought \(what)", cost: cost.millicredits)
            return "recharged: bought \(what)"
        }
    }

    /// A seat's (or the pool's: seat 0) auto-recharge spending in one period.
    struct RechargeSpendKey: Hashable {
        let workspace: Int64, seat: Int64, period: Int64
    }

    /// What auto-recharge has spent in `key`'s period: read once per transaction, then kept here
    /// (the transaction holds its workspace, so no other writer changes it meanwhile).
    func rechargeSpent(_ key: RechargeSpendKey) throws -> Int64 {
        if let spent = cache.rechargeSpent[key] { return spent }
        let spent = try tx.sql.int("SELECT spent FROM recharge_spend WHERE workspace_id = ? AND seat_id = ? AND period_start = ?",
                                   .int(key.workspace), .int(key.seat), .int(key.period)) ?? 0
        cache.rechargeSpent[key] = spent
        return spent
    }

    /// Adds a recharge's cost to `key`'s period, in `recharge_spend` and in this engine's memory.
    func addRechargeSpent(_ key: RechargeSpendKey, _ cost: Int64) throws {
        let before = try rechargeSpent(key)
        try tx.sql.run("""
            INSERT INTO recharge_spend(workspace_id, seat_id, period_start, spent) VALUES (?, ?, ?, ?)
            ON CONFLICT (workspace_id, seat_id, period_start) DO UPDATE SET spent = recharge_spend.spent + excluded.spent
            """, .int(key.workspace), .int(key.seat), .int(key.period), .int(cost))
        cache.rechargeSpent[key] = before + cost
    }

    private func log(workspace: Int64, seat: Int64, outcome: String, message: String, cost: Int64) throws {
        try tx.sql.run("INSERT INTO recharge_log(workspace_id, seat_id, outcome, message, cost, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       .int(workspace), .int(seat), .text(outcome), .text(message), .int(cost), .int(tx.now))
    }
}
