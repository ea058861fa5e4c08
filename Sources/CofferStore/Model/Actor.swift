import CofferCore

/// Who is acting, in which workspace, with which role (R6–R7).
public struct Actor: Sendable, Equatable {
    public let userID: Int64
    public let email: String
    public let workspaceID: Int64
    public let workspaceSlug: String
    public let workspaceName: String
    public let role: Role
    /// An invitation the user has not accepted yet (R26).
    public let pending: Bool
}

/// A workspace an operator acts on (no acting user).
public struct WorkspaceRef: Sendable, Equatable {
    public let id: Int64
    public let slug: String
    public let name: String
}
