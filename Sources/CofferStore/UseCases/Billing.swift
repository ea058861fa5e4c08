import CofferCore

/// An invoice as the billing portal lists it (R10).
public struct Invoice: Sendable, Equatable {
    public let id: Int64
    public let createdAt: Timestamp
    public let description: String
    public let amountCents: Int64
    /// `paid` or `failed`.
    public let status: String
    public let failure: String?
}

/// The billing portal: the card on file and invoices (R10), primary owner only (R7).
public struct Billing: Sendable {
    let store: CofferStore

    /// The billing use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Saves the acting primary owner's card; a Past due, Unpaid or Incomplete subscription is
    /// then retried with it (R12: a new card that pays → Active). Returns the last four digits.
    @discardableResult
    public func setCard(actor: Actor, number: String) throws -> String {
        try Permissions.require(actor.role, .billingPortal)
        return try store.write { tx in
            try Self.saveCard(tx, user: actor.userID, number: number, retrying: SubscriptionRow.live(tx.sql, workspace: actor.workspaceID))
        }
    }

    /// Saves a personal card for a user (personal subscriptions), retrying a failed personal payment.
    public func setPersonalCard(email: String, number: String) throws -> String {
        let email = try Email.normalize(email)
        return try store.write { tx in
            let user = try Users.findOrCreate(email: email, in: tx)
            return try Self.saveCard(tx, user: user, number: number, retrying: SubscriptionRow.live(tx.sql, user: user))
        }
    }

    /// The workspace's invoices, newest first (primary owner only).
    public func invoices(actor: Actor) throws -> [Invoice] {
        try Permissions.require(actor.role, .billingPortal)
        return try store.snapshot { sql in
            try sql.all("""
                SELECT id, created_at, description, amount_cents, status, failure FROM invoices
                WHERE workspace_id = ? ORDER BY created_at DESC, id DESC
                """, .int(actor.workspaceID), map: Self.invoice)
        }
    }

    /// The last four digits of the card on file for a user, if any.
    public func cardLast4(user: Int64) throws -> String? {
        try store.snapshot { try $0.text("SELECT last4 FROM cards WHERE user_id = ?", .int(user)) }
    }

    /// An invoice from a row of `id, created_at, description, amount_cents, status, failure`.
    static func invoice(_ row: any StorageRow) -> Invoice {
        Invoice(id: row.int(0), createdAt: row.int(1), description: row.text(2),
                amountCents: row.int(3), status: row.text(4), failure: row.optionalText(5))
    }

    /// Saves a card; a subscription with a payment outstanding is retried with it (R12: a new
    /// card that pays → Active). Returns the card's last four digits.
    private static func saveCard(_ tx: WriteContext, user: Int64, number: String, retrying subscription: SubscriptionRow?) throws -> String {
        let card = try Charges.saveCard(tx, user: user, number: number)
        if let subscription, subscription.status.awaitsPayment { _ = try Settlement(tx).retryNow(subscription) }
        return card.last4
    }

}
