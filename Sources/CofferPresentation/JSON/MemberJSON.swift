import CofferStore

/// A member in JSON.
public struct MemberJSON: Encodable, Sendable {
    let name, email, role, access, used_this_period, effective_plan: String
    let pending: Bool
    let multiplier: Int64?
    let limit, remaining: String?

    /// The JSON of a member.
    public init(_ m: MemberView) {
        name = m.name; email = m.email; role = m.role.rawValue; access = m.access.rawValue
        used_this_period = m.usedThisPeriod.plain; effective_plan = m.effectivePlan; pending = m.pending
        multiplier = m.multiplier; limit = m.limit?.plain; remaining = m.remaining?.plain
    }
}

