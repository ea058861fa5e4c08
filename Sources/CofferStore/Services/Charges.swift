import CofferCore
import GRDB

/// Cards and charges through the payment gateway (R10): every charge carries an idempotency key
/// and is recorded as an invoice, paid or failed, in the caller's transaction.
enum Charges {
    /// Saves a card with the gateway and keeps its token for the user.
    static func saveCard(_ tx: WriteContext, user: Int64, number: String) throws -> SavedCard {
        let card = try tx.gateway.saveCard(number: number)
        try tx.db.execute(sql: """
            INSERT INTO cards(user_id, token, last4, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(user_id) DO UPDATE SET token = excluded.token, last4 = excluded.last4, added_at = excluded.added_at
            """, arguments: [user, card.token, card.last4, tx.now])
        return card
    }

    /// Charges `payer`'s card and records the invoice, idempotently: an invoice already recorded
    /// under `key` is returned as it was, never charged again (R10). True when paid.
    static func charge(_ tx: WriteContext, payer: Int64, workspace: Int64?, subscription: Int64?,
                       cents: Int64, description: String, key: String) throws -> Bool {
        if let status = try String.fetchOne(tx.db, sql: "SELECT status FROM invoices WHERE idempotency_key = ?", arguments: [key]) {
            return status == "paid"
        }
        let outcome: ChargeOutcome
        if cents == 0 {
            outcome = .paid
        } else if let token = try String.fetchOne(tx.db, sql: "SELECT token FROM cards WHERE user_id = ?", arguments: [payer]) {
            outcome = tx.gateway.charge(ChargeRequest(cardToken: token, amountCents: cents, description: description, idempotencyKey: key))
        } else {
            outcome = .failed(reason: "No card on file")
        }
        let failure: String? = if case .failed(let reason) = outcome { reason } else { nil }
        try tx.db.execute(sql: """
            INSERT INTO invoices(workspace_id, user_id, subscription_id, description, amount_cents, status, failure, idempotency_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [workspace, payer, subscription, description, cents, failure == nil ? "paid" : "failed", failure, key, tx.now])
        return failure == nil
    }

    /// The reason the last charge under `key` failed.
    static func failure(_ tx: WriteContext, key: String) throws -> String? {
        try String.fetchOne(tx.db, sql: "SELECT failure FROM invoices WHERE idempotency_key = ?", arguments: [key])
    }

    /// Why the subscription's latest charge failed, if it did.
    static func lastFailure(_ tx: WriteContext, subscription: Int64) throws -> String? {
        try String.fetchOne(tx.db, sql: "SELECT failure FROM invoices WHERE subscription_id = ? ORDER BY id DESC LIMIT 1",
                            arguments: [subscription])
    }
}
