import CofferCore

/// Credit packs (R23): $10 to $1,000 of never-expiring credits, charged through the gateway.
public struct CreditPacks: Sendable {
    let store: CofferStore

    /// The credit packs use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The pack buttons' state and message for the acting user (R23); the CLI and the dashboard use it.
    public func state(actor: Actor) throws -> PackPurchaseState {
        try store.snapshot { sql in
            let live = try SubscriptionRow.live(sql, workspace: actor.workspaceID)
            let paid = live.map { $0.terms.monthlyCents > 0 || $0.terms.yearlyCents > 0 } ?? false
            return PackPurchaseState.of(paidPlan: paid, status: live?.status, role: actor.role)
        }
    }

    /// Buys `count` packs of `amount` into the team pool (primary owner, active paid plan), or
    /// into the acting user's personal wallet. Returns the new balance of that wallet.
    ///
    /// With a purchase `id` (the caller's idempotency key, R10) the purchase happens once: the same
    /// id again charges nothing and returns the balance (a process that died after the gateway
    /// charged is recovered by the gateway replaying that charge); the same id with other terms is
    /// an error naming the id.
    @discardableResult
    public func buy(actor: Actor, amount: Credits, count: Int64 = 1, personal: Bool = false, id: String? = nil) throws -> Credits {
        if let id, id.isEmpty || id.count > 200 || id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw CofferError("A purchase id is 1 to 200 printable characters")
        }
        let size = amount.millicredits / FixedPoint.scale
        guard amount.millicredits % FixedPoint.scale == 0, PackPurchaseState.packSizes.contains(size) else {
            throw CofferError("Credit packs come in $10, $25, $50, $100, $500 and $1,000 (not \(amount))")
        }
        guard (1...100).contains(count) else { throw CofferError("Buy 1 to 100 packs at a time") }
        if !personal {
            let state = try state(actor: actor)
            guard state.enabled else { throw CofferError(state.message) }
        }
        return try store.write { tx in
            if !personal {
                let live = try SubscriptionRow.live(tx.sql, workspace: actor.workspaceID)
                guard let live, CreditPolicy.of(live.status).buyPacks else {
                    throw CofferError(PackPurchaseState.of(paidPlan: live != nil, status: live?.status, role: actor.role).message)
                }
            }
            let ledger = try tx.ledger()
            let wallet = personal
                ? try ledger.account(.personal, user: actor.userID, asset: .credits)
                : try ledger.account(.teamPool, workspace: actor.workspaceID, asset: .credits)
            let what = "\(count) × \(Money.cents(size * 100)) credit pack\(count == 1 ? "" : "s")\(personal ? " (personal)" : "")"
            let key: String
            if let id {
                key = "packs:\(actor.userID):id:\(id)"
                if let prior = try tx.sql.text("SELECT description FROM invoices WHERE idempotency_key = ? AND status = 'paid'",
                                               .text(key)) {
                    guard prior == what else { throw CofferError("Purchase \(CofferError.quote(id)) was \(prior), not \(what)") }
                    return Credits(millicredits: try ledger.balance(of: wallet)) // bought already: nothing charged again
                }
            } else {
                let invoiceCount = try tx.sql.int("SELECT count(*) FROM invoices WHERE user_id = ?", .int(actor.userID)) ?? 0
                key = "packs:\(actor.userID):\(tx.now):\(invoiceCount)"
            }
            guard try Charges.charge(tx, payer: actor.userID, workspace: personal ? nil : actor.workspaceID, subscription: nil,
                                     cents: size * 100 * count, description: what, key: key) else {
                throw CofferError(try Charges.failure(tx, key: key) ?? "Your card was declined")
            }
            for _ in 0..<count {
                try ledger.grant(to: wallet, asset: .credits, amount: amount.millicredits, from: .payments,
                                 type: .creditPackagePurchase, detail: "\(Money.cents(size * 100)) pack",
                                 expiresAt: nil, workspace: personal ? nil : actor.workspaceID)
            }
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "packs.buy",
                         subject: what)
            return Credits(millicredits: try ledger.balance(of: wallet))
        }
    }
}
