import CofferCore
import Foundation

/// Commands for the service operator who holds the database (R8); each is audited as `operator`.
public struct OperatorActions: Sendable {
    let store: CofferStore

    /// The operator use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// An Admin adjustment of the team pool (R22): a positive amount is a never-expiring grant;
    /// a negative one removes credits in burn order and cannot overdraw. Returns the new balance.
    @discardableResult
    public func adjust(workspace: WorkspaceRef, amount: Credits, reason rawReason: String) throws -> Credits {
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CofferError("An adjustment needs a reason (--reason TEXT)") }
        guard reason.count <= 500 else { throw CofferError("Reasons have at most 500 characters") }
        guard amount.millicredits != 0 else { throw CofferError("Amount must not be zero") }
        return try store.write { tx in
            let ledger = try tx.ledger()
            let pool = try ledger.account(.teamPool, workspace: workspace.id, asset: .credits)
            let before = try ledger.balance(of: pool)
            if amount.millicredits > 0 {
                try ledger.grant(to: pool, asset: .credits, amount: amount.millicredits, from: .grants,
                                 type: .adminAdjustment, detail: reason, expiresAt: nil, workspace: workspace.id)
            } else {
                try ledger.draw(from: pool, asset: .credits, amount: -amount.millicredits, to: .grants, kind: "adjust")
                try ledger.recordAdjustment(workspace: workspace.id, account: pool, type: .adminAdjustment,
                                            amount: amount.millicredits, detail: reason)
            }
            let after = try ledger.balance(of: pool)
            try tx.audit(workspace: workspace.id, actor: "operator", role: "operator", action: "credits.adjust",
                         subject: "\(workspace.slug) \(amount.plain): \(reason)",
                         before: Credits(millicredits: before).plain, after: Credits(millicredits: after).plain)
            return Credits(millicredits: after)
        }
    }

    /// A referral reward (R22) into the team pool of `workspace`, for the user `email`.
    @discardableResult
    public func referral(workspace: WorkspaceRef, firstPaid: Bool, amount: Credits, for rawEmail: String) throws -> Credits {
        let email = try Email.normalize(rawEmail)
        guard amount.millicredits > 0 else { throw CofferError("Amount must be greater than zero: \(amount.plain)") }
        let type: AdjustmentType = firstPaid ? .referralFirstPaidPlanReward : .referralSignupReward
        return try store.write { tx in
            guard try tx.sql.exists("""
                SELECT 1 FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND u.email = ?
                """, .int(workspace.id), .text(email)) else {
                throw CofferError("\(email) is not a member of \(workspace.slug)")
            }
            let ledger = try tx.ledger()
            let pool = try ledger.account(.teamPool, workspace: workspace.id, asset: .credits)
            try ledger.grant(to: pool, asset: .credits, amount: amount.millicredits, from: .grants, type: type,
                             detail: "Referral by \(email)", expiresAt: nil, workspace: workspace.id)
            try tx.audit(workspace: workspace.id, actor: "operator", role: "operator", action: "credits.\(type.rawValue)",
                         subject: "\(email) \(amount.plain)")
            return Credits(millicredits: try ledger.balance(of: pool))
        }
    }
}
