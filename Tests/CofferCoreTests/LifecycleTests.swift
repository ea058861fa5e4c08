import CofferCore
import Testing

/// R12's state machine, R13's credit policy, R23's pack buttons and R7's matrix as pure functions.
@Suite("Subscription lifecycle (R11–R13, R23, R7)")
struct LifecycleTests {
    /// Every allowed transition of R12; everything else must be refused.
    static let allowed: [String: SubscriptionStatus] = [
        "nil firstPaymentSucceeded": .active, "nil firstPaymentFailed": .incomplete, "nil trialStarted": .trialing,
        "incomplete incompleteTimedOut": .incompleteExpired, "incomplete retryPaid": .active, "incomplete retryFailed": .incomplete,
        "trialing trialEndPaid": .active, "trialing trialEndFailed": .pastDue,
        "active renewalPaid": .active, "past_due renewalPaid": .active,
        "active renewalFailed": .pastDue, "past_due renewalFailed": .pastDue,
        "past_due retryPaid": .active, "unpaid retryPaid": .active, "past_due retryFailed": .pastDue,
        "unpaid retryFailed": .unpaid, "past_due finalRetryFailed": .unpaid,
        "active pause": .paused, "trialing pause": .paused, "past_due pause": .paused, "paused resume": .active,
        "paused resumeTrial": .trialing, "paused resumeCharged": .active, "paused resumeChargeFailed": .pastDue,
    ]

    @Test("R12: every allowed transition, and every other one refused")
    func everyTransition() {
        let statuses: [SubscriptionStatus?] = [nil] + SubscriptionStatus.allCases.map { $0 }
        var checked = 0
        for status in statuses {
            for event in LifecycleEvent.allCases {
                let key = "\(status?.rawValue ?? "nil") \(event.rawValue)"
                let endsLive = [LifecycleEvent.cancelNow, .periodEndedCanceled, .oneTimePeriodEnded].contains(event)
                let expected: SubscriptionStatus? = Self.allowed[key] ?? (endsLive && status != nil && !status!.isFinal ? .canceled : nil)
                if let expected {
                    #expect((try? Lifecycle.next(status, on: event)) == expected, "\(key)")
                } else {
                    #expect(throws: CofferError.self, "\(key) should be refused") { try Lifecycle.next(status, on: event) }
                }
                checked += 1
            }
        }
        #expect(checked == 9 * LifecycleEvent.allCases.count)
    }

    @Test("R12: refusals explain themselves")
    func refusalMessages() {
        #expect(throws: CofferError("A subscription that is Canceled cannot be paused")) { try Lifecycle.next(.canceled, on: .pause) }
        #expect(throws: CofferError("Only a paused subscription can be resumed (this one is Active)")) { try Lifecycle.next(.active, on: .resume) }
        #expect(throws: CofferError("There is no failed payment to retry (the subscription is Active)")) { try Lifecycle.next(.active, on: .retryPaid) }
        #expect(throws: CofferError("The subscription is already Canceled")) { try Lifecycle.next(.canceled, on: .cancelNow) }
    }

    @Test("R11: statuses are named and coloured", arguments: [
        (SubscriptionStatus.active, "Active", SubscriptionStatus.Tone.good), (.trialing, "Trialing", .good),
        (.pastDue, "Past due", .bad), (.canceled, "Canceled", .bad), (.unpaid, "Unpaid", .bad),
        (.incomplete, "Incomplete", .warning), (.incompleteExpired, "Incomplete expired", .bad), (.paused, "Paused", .warning),
    ])
    func statusNames(status: SubscriptionStatus, title: String, tone: SubscriptionStatus.Tone) {
        #expect(status.title == title)
        #expect(status.tone == tone)
    }

    @Test("R13: the credit policy table")
    func creditPolicy() {
        for status in SubscriptionStatus.allCases {
            let policy = CreditPolicy.of(status)
            switch status {
            case .active, .trialing:
                #expect(policy == CreditPolicy(teamSpending: true, autoRecharge: true, periodGrants: true, buyPacks: true))
            case .pastDue:
                #expect(policy == CreditPolicy(teamSpending: true, autoRecharge: false, periodGrants: false, buyPacks: false))
            default:
                #expect(policy == CreditPolicy(teamSpending: false, autoRecharge: false, periodGrants: false, buyPacks: false))
            }
        }
    }

    @Test("R13: the Free plan spends but buys nothing; a subscription's status decides, ended or not; refusals name the status",
          arguments: SubscriptionStatus.allCases)
    func standing(status: SubscriptionStatus) {
        #expect(TeamStanding.freePlan.policy == .freePlan)
        #expect(TeamStanding.subscription(status).policy == CreditPolicy.of(status))
        for capability in CreditCapability.allCases {
            let expected = switch (status, capability) {
            case (.active, _), (.trialing, _), (.pastDue, .teamSpending): true
            default: false
            }
            #expect(CreditPolicy.of(status).allows(capability) == expected, "\(status) \(capability)")
        }
        #expect(TeamStanding.subscription(status).teamSpendingRefusal == "Your team's subscription is \(status.title): team credits cannot be spent")
    }

    @Test("R12a: resuming a pause — a trial keeps its remaining days; nothing becomes Active without a payment")
    func resumeDecisions() {
        let day: Int64 = 86_400
        // Paused on day 4 of a trial ending on day 14, resumed on day 10: the trial ends on day 20.
        #expect(ResumeDecision.decide(pausedFrom: .trialing, pausedAt: 4 * day, trialEnd: 14 * day, paidUntil: 30 * day, now: 10 * day)
                == .continueTrial(trialEnd: 20 * day))
        // The trial would have ended while paused: charge at once.
        #expect(ResumeDecision.decide(pausedFrom: .trialing, pausedAt: 4 * day, trialEnd: 14 * day, paidUntil: 30 * day, now: 14 * day) == .chargeNow)
        #expect(ResumeDecision.decide(pausedFrom: .trialing, pausedAt: 4 * day, trialEnd: nil, paidUntil: 30 * day, now: 5 * day) == .chargeNow)
        // A paid period still running goes on; one that ended while paused is charged again.
        #expect(ResumeDecision.decide(pausedFrom: .active, pausedAt: 4 * day, trialEnd: nil, paidUntil: 30 * day, now: 29 * day) == .continuePaidPeriod)
        #expect(ResumeDecision.decide(pausedFrom: .active, pausedAt: 4 * day, trialEnd: nil, paidUntil: 30 * day, now: 30 * day) == .chargeNow)
        // Paused while a payment was outstanding: the payment comes first.
        #expect(ResumeDecision.decide(pausedFrom: .pastDue, pausedAt: 4 * day, trialEnd: nil, paidUntil: 30 * day, now: 5 * day) == .chargeNow)
    }

    @Test("R23: the four pack button states, exactly")
    func packButtons() {
        #expect(PackPurchaseState.of(paidPlan: false, status: nil, role: .primaryOwner)
                == PackPurchaseState(enabled: false, message: "Subscribe to a plan first to purchase credit packs"))
        #expect(PackPurchaseState.of(paidPlan: true, status: .pastDue, role: .primaryOwner)
                == PackPurchaseState(enabled: false, message: "Your subscription is Past due: packs can be bought again once it is active"))
        for role in [Role.owner, .member] {
            #expect(PackPurchaseState.of(paidPlan: true, status: .active, role: role)
                    == PackPurchaseState(enabled: false, message: "Only the team creator can purchase credit packs"))
        }
        #expect(PackPurchaseState.of(paidPlan: true, status: .trialing, role: .primaryOwner)
                == PackPurchaseState(enabled: true, message: "Purchase add-on packs for extra credits on top of your plan"))
    }

    @Test("R7: the permission matrix, every action × every role")
    func permissionMatrix() {
        let primaryOnly: Set<Action> = [.manageSubscription, .billingPortal, .buyPacksAlertsRecharge, .assignSubscription, .changeRoles]
        let owners: Set<Action> = [.seeUsageUsers, .manageSeats, .setMemberAccess, .manageWhitelistAndKeys, .recordUsageForOthers]
        for action in Action.allCases {
            #expect(Permissions.allows(.primaryOwner, action))
            #expect(Permissions.allows(.owner, action) == !primaryOnly.contains(action), "owner \(action)")
            #expect(Permissions.allows(.member, action) == !(primaryOnly.contains(action) || owners.contains(action)), "member \(action)")
        }
        #expect(throws: CofferError("Only the primary owner can change the subscription")) { try Permissions.require(.owner, .manageSubscription) }
        #expect(throws: CofferError("Only the owner can manage team")) { try Permissions.require(.member, .manageSeats) }
    }

    @Test("R4/R15: prorations by the second")
    func proration() throws {
        #expect(try Proration.cents(29_700, remaining: 15 * 86_400, of: 30 * 86_400) == 14_850)
        #expect(try Proration.credits(.whole(300), remaining: 1, of: 3) == Credits(millicredits: 100_000))
        #expect(try Proration.cents(100, remaining: 99, of: 0 + 100) == 99)
        #expect(Money.cents(123_456) == "$1,234.56")
        #expect(Money.wholeDollars(1_000) == "$1,000" && Money.wholeDollars(10) == "$10")
    }
}
