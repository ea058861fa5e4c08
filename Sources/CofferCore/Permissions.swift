/// Everything the permission matrix of R7 covers.
public enum Action: String, CaseIterable, Sendable {
    case viewBilling
    case seeUsageUsers
    case manageSubscription
    case billingPortal
    case buyPacksAlertsRecharge
    case assignSubscription
    case changeRoles
    case manageSeats
    case setMemberAccess
    case manageWhitelistAndKeys
    case recordUsageForOthers
    case recordOwnUsage
}

/// The permission matrix of R7 as one table; every command consults it.
public enum Permissions {
    /// The roles allowed to take each action.
    public static let matrix: [Action: Set<Role>] = [
        .viewBilling: [.primaryOwner, .owner, .member],
        .seeUsageUsers: [.primaryOwner, .owner],
        .manageSubscription: [.primaryOwner],
        .billingPortal: [.primaryOwner],
        .buyPacksAlertsRecharge: [.primaryOwner],
        .assignSubscription: [.primaryOwner],
        .changeRoles: [.primaryOwner],
        .manageSeats: [.primaryOwner, .owner],
        .setMemberAccess: [.primaryOwner, .owner],
        .manageWhitelistAndKeys: [.primaryOwner, .owner],
        .recordUsageForOthers: [.primaryOwner, .owner],
        .recordOwnUsage: [.primaryOwner, .owner, .member],
    ]

    /// Whether `role` may take `action`.
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        matrix[action]?.contains(role) ?? false
    }

    /// Throws the refusal of R7 (naming who may act) unless `role` may take `action`.
    public static func require(_ role: Role, _ action: Action) throws {
        guard !allows(role, action) else { return }
        throw CofferError(refusal(for: action))
    }

    /// The message shown when an action is refused (R7).
    public static func refusal(for action: Action) -> String {
        switch action {
        case .manageSubscription, .assignSubscription: "Only the primary owner can change the subscription"
        case .billingPortal: "Only the primary owner can manage billing"
        case .buyPacksAlertsRecharge: "Only the primary owner can manage credits, alerts and auto-recharge"
        case .changeRoles: "Only the primary owner can change roles"
        case .manageSeats, .setMemberAccess, .manageWhitelistAndKeys, .recordUsageForOthers, .seeUsageUsers:
            "Only the owner can manage team"
        case .viewBilling, .recordOwnUsage: "Only members of the workspace can do this"
        }
    }
}
