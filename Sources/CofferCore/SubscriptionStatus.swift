/// A subscription's status (R11).
public enum SubscriptionStatus: String, CaseIterable, Codable, Sendable {
    case active, trialing
    case pastDue = "past_due"
    case canceled, unpaid, incomplete
    case incompleteExpired = "incomplete_expired"
    case paused

    /// The status as written next to its colour (never colour alone, R11).
    public var title: String {
        switch self {
        case .active: "Active"
        case .trialing: "Trialing"
        case .pastDue: "Past due"
        case .canceled: "Canceled"
        case .unpaid: "Unpaid"
        case .incomplete: "Incomplete"
        case .incompleteExpired: "Incomplete expired"
        case .paused: "Paused"
        }
    }

    /// How the status is coloured (R11).
    public var tone: Tone {
        switch self {
        case .active, .trialing: .good
        case .incomplete, .paused: .warning
        case .pastDue, .canceled, .unpaid, .incompleteExpired: .bad
        }
    }

    /// A status's colour family.
    public enum Tone: String, Sendable { case good, warning, bad }

    /// Whether the subscription is over for good; the workspace may subscribe again (R12).
    public var isFinal: Bool { self == .canceled || self == .unpaid || self == .incompleteExpired }

    /// Whether a payment is outstanding, so a retry (or a new card) can make it Active (R12).
    public var awaitsPayment: Bool { self == .pastDue || self == .unpaid || self == .incomplete }

    /// "Active subscription" in R23's sense: Active or Trialing.
    public var isActive: Bool { self == .active || self == .trialing }
}

/// What credits may do (R13): the four capabilities of the credit policy's table.
public enum CreditCapability: String, CaseIterable, Sendable {
    case teamSpending, autoRecharge, periodGrants, buyPacks
}

/// What credits may do under a status (R13). Personal wallets are not affected by a team's status.
public struct CreditPolicy: Equatable, Sendable {
    public let teamSpending: Bool
    public let autoRecharge: Bool
    public let periodGrants: Bool
    public let buyPacks: Bool

    /// A policy with each permission spelled out.
    public init(teamSpending: Bool, autoRecharge: Bool, periodGrants: Bool, buyPacks: Bool) {
        (self.teamSpending, self.autoRecharge, self.periodGrants, self.buyPacks) = (teamSpending, autoRecharge, periodGrants, buyPacks)
    }

    /// The one place R13 is decided; every caller asks here.
    public static func of(_ status: SubscriptionStatus) -> CreditPolicy {
        switch status {
        case .active, .trialing: CreditPolicy(teamSpending: true, autoRecharge: true, periodGrants: true, buyPacks: true)
        case .pastDue: CreditPolicy(teamSpending: true, autoRecharge: false, periodGrants: false, buyPacks: false)
        case .incomplete, .paused, .unpaid, .canceled, .incompleteExpired:
            CreditPolicy(teamSpending: false, autoRecharge: false, periodGrants: false, buyPacks: false)
        }
    }

    /// A workspace on the Free plan (no paid subscription) may spend its grants but buys nothing.
    public static let freePlan = CreditPolicy(teamSpending: true, autoRecharge: false, periodGrants: false, buyPacks: false)

    /// Whether the policy allows `capability`.
    public func allows(_ capability: CreditCapability) -> Bool {
        switch capability {
        case .teamSpending: teamSpending
        case .autoRecharge: autoRecharge
        case .periodGrants: periodGrants
        case .buyPacks: buyPacks
        }
    }
}

/// Where a workspace stands for the credit policy (R13): on the Free plan (it never subscribed,
/// or its plan ended by a move to Free), or under its latest subscription in a status — a
/// subscription that ended Canceled, Unpaid or Incomplete expired still decides, so its team
/// credits stay frozen until the workspace subscribes again.
public enum TeamStanding: Equatable, Sendable {
    case freePlan
    case subscription(SubscriptionStatus)

    /// The credit policy of this standing (R13).
    public var policy: CreditPolicy {
        switch self {
        case .freePlan: .freePlan
        case .subscription(let status): .of(status)
        }
    }

    /// R13's refusal of team spending, naming the status.
    public var teamSpendingRefusal: String {
        switch self {
        case .freePlan: "Your team is on the Free plan: team credits cannot be spent"
        case .subscription(let status): "Your team's subscription is \(status.title): team credits cannot be spent"
        }
    }
}

/// The events that move a subscription between statuses (R12).
public enum LifecycleEvent: String, Sendable, CaseIterable {
    case firstPaymentSucceeded, firstPaymentFailed, trialStarted
    case incompleteTimedOut
    case trialEndPaid, trialEndFailed
    case renewalPaid, renewalFailed
    case retryPaid, retryFailed, finalRetryFailed
    case pause, resume
    /// A paused trial resumed before its (shifted) end; a resume that charged, or whose charge failed (R12a).
    case resumeTrial, resumeCharged, resumeChargeFailed
    case cancelNow, periodEndedCanceled, oneTimePeriodEnded
}

/// The subscription state machine of R12, as a pure function.
public enum Lifecycle {
    /// The status after `event`, or an error naming why the transition is not allowed.
    public static func next(_ status: SubscriptionStatus?, on event: LifecycleEvent) throws -> SubscriptionStatus {
        switch (status, event) {
        case (nil, .firstPaymentSucceeded): return .active
        case (nil, .firstPaymentFailed): return .incomplete
        case (nil, .trialStarted): return .trialing
        case (.incomplete?, .incompleteTimedOut): return .incompleteExpired
        case (.incomplete?, .retryPaid): return .active
        case (.incomplete?, .retryFailed): return .incomplete
        case (.trialing?, .trialEndPaid): return .active
        case (.trialing?, .trialEndFailed): return .pastDue
        case (.active?, .renewalPaid), (.pastDue?, .renewalPaid): return .active
        case (.active?, .renewalFailed): return .pastDue
        case (.pastDue?, .renewalFailed): return .pastDue
        case (.pastDue?, .retryPaid), (.unpaid?, .retryPaid): return .active
        case (.pastDue?, .retryFailed): return .pastDue
        case (.unpaid?, .retryFailed): return .unpaid
        case (.pastDue?, .finalRetryFailed): return .unpaid
        case (.active?, .pause), (.trialing?, .pause), (.pastDue?, .pause): return .paused
        case (.paused?, .resume): return .active
        case (.paused?, .resumeTrial): return .trialing
        case (.paused?, .resumeCharged): return .active
        case (.paused?, .resumeChargeFailed): return .pastDue
        case (let s?, .cancelNow) where !s.isFinal: return .canceled
        case (let s?, .periodEndedCanceled) where !s.isFinal: return .canceled
        case (let s?, .oneTimePeriodEnded) where !s.isFinal: return .canceled
        default:
            throw CofferError(refusal(status, event))
        }
    }

    private static func refusal(_ status: SubscriptionStatus?, _ event: LifecycleEvent) -> String {
        guard let status else { return "There is no subscription to change" }
        switch event {
        case .pause: return "A subscription that is \(status.title) cannot be paused"
        case .resume, .resumeTrial, .resumeCharged, .resumeChargeFailed: return "Only a paused subscription can be resumed (this one is \(status.title))"
        case .retryPaid, .retryFailed, .finalRetryFailed:
            return "There is no failed payment to retry (the subscription is \(status.title))"
        case .cancelNow, .periodEndedCanceled, .oneTimePeriodEnded: return "The subscription is already \(status.title)"
        default: return "A subscription that is \(status.title) cannot take \(event.rawValue)"
        }
    }

    /// How long an Incomplete first payment may stay unpaid (R12).
    public static let incompleteWindow: Int64 = 23 * 3600
    /// Days after a failed renewal on which the charge is retried (R12); the last failure → Unpaid.
    public static let retryDays: [Int64] = [1, 3, 7]
}

/// What resuming a paused subscription does (R12a): nothing ever becomes Active without a
/// successful payment, except a trial.
public enum ResumeDecision: Equatable, Sendable {
    /// The trial goes on with the days it had left when paused: it now ends at `trialEnd`.
    case continueTrial(trialEnd: Timestamp)
    /// The billing period paid before the pause is still running: Active again.
    case continuePaidPeriod
    /// Nothing paid covers now (the trial or the paid period ended while paused, or the pause
    /// began Past due): charge at once — success → Active, failure → Past due.
    case chargeNow

    /// Decides the resume of a subscription paused at `pausedAt` from `pausedFrom`, now.
    /// `trialEnd` is the trial's end as it stood when paused; `paidUntil` the end of the billing
    /// period that was paid when the pause began.
    public static func decide(pausedFrom: SubscriptionStatus, pausedAt: Timestamp, trialEnd: Timestamp?,
                              paidUntil: Timestamp, now: Timestamp) -> ResumeDecision {
        switch pausedFrom {
        case .trialing:
            guard let trialEnd, trialEnd > now else { return .chargeNow }
            return .continueTrial(trialEnd: trialEnd + max(0, now - pausedAt))
        case .active:
            return paidUntil > now ? .continuePaidPeriod : .chargeNow
        default:
            return .chargeNow
        }
    }
}

/// The state and message of the credit pack buttons (R23); the CLI and the dashboard both use it.
public struct PackPurchaseState: Equatable, Sendable {
    public let enabled: Bool
    public let message: String

    /// A button state.
    public init(enabled: Bool, message: String) {
        self.enabled = enabled
        self.message = message
    }

    /// R23: decided by the plan, its status and the viewer's role, in that order.
    public static func of(paidPlan: Bool, status: SubscriptionStatus?, role: Role) -> PackPurchaseState {
        guard paidPlan, let status else {
            return PackPurchaseState(enabled: false, message: "Subscribe to a plan first to purchase credit packs")
        }
        guard status.isActive else {
            return PackPurchaseState(enabled: false,
                                     message: "Your subscription is \(status.title): packs can be bought again once it is active")
        }
        guard role == .primaryOwner else {
            return PackPurchaseState(enabled: false, message: "Only the team creator can purchase credit packs")
        }
        return PackPurchaseState(enabled: true, message: "Purchase add-on packs for extra credits on top of your plan")
    }

    /// The pack sizes on sale, in whole credits (R23).
    public static let packSizes: [Int64] = [10, 25, 50, 100, 500, 1_000]
}
