/// A member's role in a workspace (R6).
public enum Role: String, CaseIterable, Codable, Sendable {
    case primaryOwner = "primary_owner"
    case owner
    case member

    /// The role as people read it.
    public var title: String {
        switch self {
        case .primaryOwner: "Primary owner"
        case .owner: "Owner"
        case .member: "Member"
        }
    }
}

/// How a member is paid for (R25).
public enum AccessType: String, CaseIterable, Codable, Sendable {
    case seat, credits, personal

    /// The access type as people read it: Seat, Credits, Personal.
    public var title: String { rawValue.capitalized }
}

/// The kinds of wallet (R17); system accounts balance the books.
public enum WalletKind: String, CaseIterable, Codable, Sendable {
    case teamPool = "team_pool"
    case seat
    case personal
    case system
}

/// The system accounts that are the other side of every wallet movement (R17).
public enum SystemAccount: String, CaseIterable, Sendable {
    /// Where bought credits come from (card charges).
    case payments
    /// Where granted credits come from (plans, referrals, operator).
    case grants
    /// Where spent credits go.
    case usage
    /// Where expired credits go.
    case expired
    /// Where rolled-over credits pass between one period's grant and the next (R21).
    case rollover
}

/// What the ledger counts: credits, or one service's allowance units (R16).
public enum Asset: Hashable, Sendable, CustomStringConvertible {
    case credits
    case service(String)

    /// The stored name: `credits` or the service slug.
    public var code: String {
        switch self {
        case .credits: "credits"
        case .service(let slug): slug
        }
    }

    /// The asset for a stored name.
    public init(code: String) { self = code == "credits" ? .credits : .service(code) }

    public var description: String { code }
}

/// The credit adjustment types of R22, as they appear in the Credit Adjustments tab.
public enum AdjustmentType: String, CaseIterable, Codable, Sendable {
    case freeWorkspaceGrant = "free_workspace_grant"
    case packageReset = "package_reset"
    case subscriptionRenewal = "subscription_renewal"
    case subscriptionSwitchCompensation = "subscription_switch_compensation"
    case referralSignupReward = "referral_signup_reward"
    case referralFirstPaidPlanReward = "referral_first_paid_plan_reward"
    case creditPackagePurchase = "credit_package_purchase"
    case adminAdjustment = "admin_adjustment"
    case creditExpiration = "credit_expiration"

    /// The name shown to people (R22).
    public var title: String {
        switch self {
        case .freeWorkspaceGrant: "Free workspace grant"
        case .packageReset: "Package reset"
        case .subscriptionRenewal: "Subscription renewal"
        case .subscriptionSwitchCompensation: "Subscription switch compensation"
        case .referralSignupReward: "Referral signup reward"
        case .referralFirstPaidPlanReward: "Referral first paid plan reward"
        case .creditPackagePurchase: "Credit package purchase"
        case .adminAdjustment: "Admin adjustment"
        case .creditExpiration: "Credit expiration"
        }
    }
}
