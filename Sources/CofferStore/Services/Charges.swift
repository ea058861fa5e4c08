import CofferCore

/// Cards and charges through the payment gateway (R10): every charge carries an idempotency key
/// and is recorded as an invoice, paid or failed, in the caller's transaction.
enum Charges {
    /// Saves a card with the gateway and keeps its token for the user.
    static func saveCard(_ tx: WriteContext, user: Int64, number: String) throws -> SavedCard {
        let card = try tx.gateway.saveCard(number: number)
        try tx.sql.run("""
            INSERT INTO cards(user_id, token, last4, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(user_id) DO UPDATE SET token = excluded.token, last4 = excluded.last4, added_at = excluded.added_at
            """, .int(user), .text(card.token), .text(card.last4), .int(tx.now))
        return card
    }

    /// Charges `payer`'s card and records the invoice, idempotently: an invoice already recorded
    /// under `key` is returned as it was, never charged again (R10). True when paid.
    static func charge(_ tx: WriteContext, payer: Int64, workspace: Int64?, subscription: Int64?,
                       cents: Int64, description: String, key: String) throws -> Bool {
        if let status = try tx.sql.text("SELECT status FROM invoices WHERE idempotency_key = ?", .text(key)) {
            return status == "paid"
        }
        let outcome: ChargeOutcome
        if cents == 0 {
            outcome = .paid
        } else if let token = try tx.sql.text("SELECT token FROM cards WHERE user_id = ?", .int(payer)) {
            outcome = tx.gateway.charge(ChargeRequest(cardToken: token, amountCents: cents, description: description, idempotencyKey: key))
        } else {
            outcome = .failed(reason: "No card on file")
        }
        let failure: String? = if case .failed(let reason) = outcome { reason } else { nil }
        try tx.sql.run("""
            INSERT INTO invoices(workspace_id, user_id, subscription_id, description, amount_cents, status, failure, idempotency_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, .int(workspace), .int(payer), .int(subscription), .text(description), .int(cents), .text(failure == nil ? "paid" : "failed"),
            .text(failure), .text(key), .int(tx.now))
        return failure == nil
    }

    /// The reason the last charge under `key` failed.
    static func failure(_ tx: WriteContext, key: String) throws -> String? {
        try tx.sql.text("SELECT failure FROM invoices WHERE idempotency_key = ?", .text(key))
    }

    /// Why the subscription's latest charge failed, if it did.
    static func lastFailure(_ tx: WriteContext, subscription: Int64) throws -> String? {
        try tx.sql.text("SELECT failure FROM invoices WHERE subscription_id = ? ORDER BY id DESC LIMIT 1", .int(subscription))
    }
}
