import CofferCore
import GRDB

/// One wallet's balance in one asset, as shown by `coffer balance`.
public struct WalletBalance: Sendable, Equatable {
    public let kind: WalletKind
    /// Who holds it: the workspace name for the team pool, an email for seat and personal wallets.
    public let holder: String
    public let asset: Asset
    /// Thousandths of a credit or of a unit.
    public let balance: Int64
    public let unlimited: Bool
}

/// What `coffer balance` reports for the acting user.
public struct BalanceReport: Sendable, Equatable {
    public let workspace: String
    public let wallets: [WalletBalance]
    /// When recurring credits next refresh (none on the Free plan).
    public let nextRefresh: Timestamp?
}

/// The balances a user may see (R7: everyone sees the team pool; each user their own wallets).
public struct Balances: Sendable {
    let store: CofferStore

    /// The balances use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The wallets visible to `actor`: the team pool (every asset) and the actor's personal credits.
    public func report(for actor: Actor) throws -> BalanceReport {
        try store.read { db in
            var wallets = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT asset, balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ?
                ORDER BY asset != 'credits', asset
                """), arguments: [actor.workspaceID]).map { row in
                WalletBalance(kind: .teamPool, holder: actor.workspaceName, asset: Asset(code: row[0]),
                              balance: row[1], unlimited: false)
            }
            // Seat wallets (PER_SEAT, R27): one's own; owners see every seat's.
            let seeAll = Permissions.allows(actor.role, .manageSeats)
            wallets += try Row.fetchAll(db.cachedStatement(sql: """
                SELECT a.asset, a.balance, u.email FROM accounts a JOIN seats s ON s.id = a.seat_id JOIN users u ON u.id = s.user_id
                WHERE a.kind = 'seat' AND a.workspace_id = ? AND s.removed_at IS NULL AND (? OR s.user_id = ?)
                ORDER BY u.email, a.asset != 'credits', a.asset
                """), arguments: [actor.workspaceID, seeAll, actor.userID]).map { row in
                WalletBalance(kind: .seat, holder: row[2], asset: Asset(code: row[0]), balance: row[1], unlimited: false)
            }
            let personal = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT asset, balance FROM accounts WHERE kind = 'personal' AND user_id = ?
                ORDER BY asset != 'credits', asset
                """), arguments: [actor.userID])
            if personal.isEmpty {
                wallets.append(WalletBalance(kind: .personal, holder: actor.email, asset: .credits, balance: 0, unlimited: false))
            }
            wallets += personal.map { row in
                WalletBalance(kind: .personal, holder: actor.email, asset: Asset(code: row[0]), balance: row[1], unlimited: false)
            }
            let live = try SubscriptionRow.live(db, workspace: actor.workspaceID)
            let refresh = live.flatMap { $0.status.isFinal || $0.status == .incomplete ? nil : $0.creditEnd }
            return BalanceReport(workspace: actor.workspaceSlug, wallets: wallets, nextRefresh: refresh)
        }
    }

    /// The team pool's credit balance of a workspace.
    public func teamPoolCredits(workspace: Int64) throws -> Credits {
        try store.read { db in
            Credits(millicredits: try Int64.fetchOne(db, sql: """
                SELECT balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ? AND asset = 'credits'
                """, arguments: [workspace]) ?? 0)
        }
    }
}
