/// What a credit-period refresh does with one grant that falls due at it (R21).
public struct RefreshSplit: Sendable, Equatable {
    /// Thousandths that roll over: a new grant in the next period, expiring at its end.
    public let rollsOver: Int64
    /// Thousandths that expire at the refresh.
    public let expires: Int64
    /// How the expiry is recorded: `Package reset` for a plan without rollover, else `Credit expiration`.
    public let expiryType: AdjustmentType

    /// A split of a grant at a refresh.
    public init(rollsOver: Int64, expires: Int64, expiryType: AdjustmentType) {
        self.rollsOver = rollsOver
        self.expires = expires
        self.expiryType = expiryType
    }
}

/// The rollover rule of R21, in one place: the refresh itself (Settlement) and the figure that
/// says what the next refresh will expire (`coffer balance`, the Billing tab) both ask it.
public enum Rollover {
    /// How a grant due at a credit refresh splits under the plan's rollover cap (R21).
    ///
    /// Unused subscription-renewal credits roll over up to `capPercent`% of the grant's original
    /// `amount` (rounded half-up to the millicredit); what is beyond the cap expires as
    /// `Credit expiration`. On a plan without rollover (cap 0) they all expire as `Package reset`.
    /// Every other grant due at the refresh (rolled-over credits, which roll once; compensation;
    /// allowances) expires whole.
    /// - Parameters:
    ///   - source: the grant's stored source (`subscription_renewal`, `rollover`, …).
    ///   - amount: the grant's original amount, in thousandths.
    ///   - remaining: what is left of it, in thousandths.
    /// - Throws: on overflow of `amount × capPercent`.
    public static func atRefresh(asset: Asset, source: String, amount: Int64, remaining: Int64,
                                 capPercent: Int64) throws -> RefreshSplit {
        let renewal = source == AdjustmentType.subscriptionRenewal.rawValue
        let left = max(0, remaining)
        guard asset == .credits, renewal, capPercent > 0 else {
            return RefreshSplit(rollsOver: 0, expires: left,
                                expiryType: renewal && capPercent == 0 ? .packageReset : .creditExpiration)
        }
        let roll = min(left, try Rounding.mulDivHalfUp(amount, capPercent, 100))
        return RefreshSplit(rollsOver: roll, expires: left - roll, expiryType: .creditExpiration)
    }
}
