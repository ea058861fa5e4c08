/// Refusals of seat and access changes that follow from the member's own row (R26, R31), worded
/// once: the store throws them, and a front end says them before it asks (R7: disabled, with the reason).
public enum MemberRules {
    /// Why `email`'s seat cannot be removed (the primary owner's, or no seat), or nil.
    public static func seatRemovalRefusal(email: String, role: Role, holdsSeat: Bool) -> String? {
        if role == .primaryOwner { return "The owner's seat cannot be removed" }
        return holdsSeat ? nil : "\(email) has no seat in this team"
    }

    /// Why `email`'s seat cannot move to someone else (the primary owner's, or no seat), or nil.
    public static func seatReplacementRefusal(email: String, role: Role, holdsSeat: Bool) -> String? {
        if role == .primaryOwner { return "The owner's seat cannot be replaced" }
        return holdsSeat ? nil : "\(email) has no seat in this team"
    }

    /// Why `email`'s access type cannot change now (an invitation not yet accepted), or nil.
    public static func accessChangeRefusal(email: String, pending: Bool) -> String? {
        pending ? "\(email) has not accepted the invitation yet" : nil
    }

    /// Why a member on `access` cannot switch themself to Personal (or back to the team), or nil (R31).
    public static func selfSwitchRefusal(toPersonal: Bool, access: AccessType) -> String? {
        if toPersonal { return access == .personal ? "You are already on Personal access" : nil }
        return access == .personal ? nil : "You are already on the team (\(access.title) access)"
    }
}
