/// One item of time-based work that falls due for a subscription (R12, R12a, R9, R15, R21).
/// Items that charge (`isCharge`) go one way or the other on the payment's outcome.
public enum DueWork: Equatable, Sendable {
    /// Incomplete for 23 hours: Incomplete expired; the subscription ends (R12).
    case expireIncomplete
    /// The trial ended on a subscription set to cancel: Canceled; it ends.
    case endTrialCanceled
    /// The trial ended: billing starts at the trial end.
    case endTrial
    /// A scheduled downgrade takes effect (R15): new plan and interval; billing restarts now.
    case switchToScheduledPlan(plan: String, interval: BillingInterval)
    /// The first period after the trial is charged: Active, or Past due (R12).
    case chargeFirstPeriodAfterTrial
    /// An operator's seat change applies at a credit refresh that is also a renewal, so the
    /// renewal's invoice charges the new count (R9).
    case applySeatsAtRenewal(Int64)
    /// The billing period ended on a subscription set to cancel, or moving to Free: Canceled; it ends.
    case endAtPeriodEnd
    /// A one-time plan's period ended: Canceled; it ends (R12).
    case endOneTimePeriod
    /// The billing period ended: the next one begins.
    case startNextBillingPeriod
    /// The renewal is charged: Active, or Past due (R12).
    case chargeRenewal
    /// A period grant withheld while payment was owed arrives now that it is paid (R13).
    case deliverWithheldGrant
    /// Retry `n` (1, 2 or 3) of the failed payment; the third failure → Unpaid (R12, R12a).
    case retry(Int64)
    /// The credit period ended: it is closed (rollover and expiry, R21) and the next one opens.
    case refreshCredits
    /// An operator's seat change applies at a refresh that is not a renewal (R9); more seats
    /// outside a trial are charged first (`chargedFirst`), and a declined charge leaves the change
    /// waiting for the next refresh.
    case applySeatsAtRefresh(seats: Int64, chargedFirst: Bool)
    /// The new credit period's grant (R20, R9a, R27).
    case grantPeriod
    /// The new credit period's grant is withheld: the status receives none, or the subscription
    /// is not assigned (R13, R32).
    case withholdPeriodGrant

    /// Whether the item charges the card, so its outcome decides what follows.
    public var isCharge: Bool {
        switch self {
        case .chargeFirstPeriodAfterTrial, .chargeRenewal, .retry: true
        case .applySeatsAtRefresh(_, let chargedFirst): chargedFirst
        default: false
        }
    }

    /// Whether the item ends the subscription.
    public var endsSubscription: Bool {
        [.expireIncomplete, .endTrialCanceled, .endAtPeriodEnd, .endOneTimePeriod].contains(self)
    }
}

/// One settlement of a subscription at one due time (R15a): yields what falls due, one item at a
/// time in R12's order — Incomplete timeout; trial end; operator seats at a renewal; the end of
/// the billing period (end, or renewal with any scheduled downgrade); a retry; the credit refresh
/// with operator seats and the period grant — each decided on the schedule as the earlier items
/// left it. The caller does each item's side effects (charges, grants, rollover), then calls
/// `complete` with the charge's outcome.
public struct SettlementPass: Sendable {
    /// The schedule as the completed items left it.
    public private(set) var schedule: SubscriptionSchedule
    /// The due time every item is stamped with.
    public let time: Timestamp
    private var done: Step?
    private var last: DueWork?

    /// The steps of R12's order; each yields at most one item per pass.
    private enum Step: Int, Comparable, CaseIterable {
        case incompleteTimeout, trialEnd, trialSwitch, trialCharge, seatsAtRenewal, billingEnd, renewalSwitch,
             renewalCharge, grantAfterRenewal, retry, grantAfterRetry, refresh, seatsAtRefresh, periodGrant
        static func < (a: Step, b: Step) -> Bool { a.rawValue < b.rawValue }
    }

    /// A pass over `schedule` at `time`.
    public init(_ schedule: SubscriptionSchedule, at time: Timestamp) {
        self.schedule = schedule
        self.time = time
    }

    /// The next item due, or nil when the pass is over.
    public func next() -> DueWork? { upcoming()?.work }

    /// Applies `work` (which must be `next()`) to the schedule; `paid` is the outcome of its
    /// charge (ignored for items that do not charge).
    public mutating func complete(_ work: DueWork, paid: Bool = true) throws {
        guard let (step, due) = upcoming(), due == work else {
            throw CofferError("Settlement: \(work) is not what falls due next")
        }
        try apply(work, paid: paid)
        done = step
        last = work
    }

    private func upcoming() -> (step: Step, work: DueWork)? {
        guard schedule.endedAt == nil else { return nil }
        for step in Step.allCases where done.map({ step > $0 }) ?? true {
            if let work = candidate(step) { return (step, work) }
        }
        return nil
    }

    /// The item `step` yields now, if any.
    private func candidate(_ step: Step) -> DueWork? {
        let s = schedule
        let refreshDue = !s.status.isFinal && s.creditEnd <= time
        switch step {
        case .incompleteTimeout:
            guard s.status == .incomplete, let since = s.incompleteSince, since + Lifecycle.incompleteWindow <= time else { return nil }
            return .expireIncomplete
        case .trialEnd:
            guard s.status == .trialing, let trialEnd = s.trialEnd, trialEnd <= time else { return nil }
            return s.cancelAtPeriodEnd || s.movesToFree ? .endTrialCanceled : .endTrial
        case .trialSwitch, .renewalSwitch:
            guard last == (step == .trialSwitch ? .endTrial : .startNextBillingPeriod), let plan = s.scheduledPlan else { return nil }
            return .switchToScheduledPlan(plan: plan, interval: s.scheduledInterval ?? s.interval)
        case .trialCharge:
            guard last == .endTrial || done == .trialSwitch else { return nil }
            return .chargeFirstPeriodAfterTrial
        case .seatsAtRenewal:
            guard refreshDue, s.billingEnd == s.creditEnd, let seats = s.scheduledSeats else { return nil }
            return .applySeatsAtRenewal(seats)
        case .billingEnd:
            guard s.status == .active || s.status == .pastDue || s.pausedBillingEnds, s.billingEnd <= time else { return nil }
            if s.cancelAtPeriodEnd || s.movesToFree { return .endAtPeriodEnd }
            return s.interval == .oneTime ? .endOneTimePeriod : .startNextBillingPeriod
        case .renewalCharge:
            guard last == .startNextBillingPeriod || done == .renewalSwitch else { return nil }
            return .chargeRenewal
        case .grantAfterRenewal, .grantAfterRetry:
            let paid: Bool = switch last {
            case .chargeRenewal?: step == .grantAfterRenewal
            case .retry?: step == .grantAfterRetry
            default: false
            }
            return paid && s.status == .active && s.withheldGrantDeliverable ? .deliverWithheldGrant : nil
        case .retry:
            guard s.status == .pastDue, let retry = s.nextRetry, retry <= time else { return nil }
            return .retry(s.retries + 1)
        case .refresh:
            return refreshDue ? .refreshCredits : nil
        case .seatsAtRefresh:
            guard last == .refreshCredits, let seats = s.scheduledSeats else { return nil }
            return .applySeatsAtRefresh(seats: seats, chargedFirst: seats > s.seats && s.status != .trialing)
        case .periodGrant:
            guard done == .refresh || done == .seatsAtRefresh else { return nil }
            return CreditPolicy.of(s.status).periodGrants && s.assigned ? .grantPeriod : .withholdPeriodGrant
        }
    }

    private mutating func apply(_ work: DueWork, paid: Bool) throws {
        switch work {
        case .expireIncomplete: try end(on: .incompleteTimedOut)
        case .endTrialCanceled, .endAtPeriodEnd: try end(on: .periodEndedCanceled)
        case .endOneTimePeriod: try end(on: .oneTimePeriodEnded)
        case .endTrial:
            schedule.billingAnchor = schedule.trialEnd ?? time
            schedule.billingIndex = 0
        case .switchToScheduledPlan(let plan, let interval):
            schedule.plan = plan
            schedule.interval = interval
            schedule.scheduledPlan = nil
            schedule.scheduledInterval = nil
            schedule.billingAnchor = time
            schedule.billingIndex = 0
        case .chargeFirstPeriodAfterTrial:
            schedule.status = try Lifecycle.next(schedule.status, on: paid ? .trialEndPaid : .trialEndFailed)
            if !paid { (schedule.failedAt, schedule.retries) = (time, 0) }
        case .applySeatsAtRenewal(let seats):
            (schedule.seats, schedule.scheduledSeats) = (seats, nil)
        case .startNextBillingPeriod:
            schedule.billingIndex += 1
        case .chargeRenewal:
            schedule.status = try Lifecycle.next(schedule.status, on: paid ? .renewalPaid : .renewalFailed)
            (schedule.failedAt, schedule.retries) = (paid ? nil : time, 0)
        case .deliverWithheldGrant, .grantPeriod:
            schedule.grantWithheld = false
        case .withholdPeriodGrant:
            schedule.grantWithheld = true
        case .retry:
            if paid {
                schedule.status = try Lifecycle.next(schedule.status, on: .retryPaid)
                (schedule.failedAt, schedule.retries) = (nil, 0)
            } else {
                schedule.retries += 1
                if schedule.retries == Int64(Lifecycle.retryDays.count) {
                    schedule.status = try Lifecycle.next(schedule.status, on: .finalRetryFailed)
                }
            }
        case .refreshCredits:
            schedule.creditIndex += 1
        case .applySeatsAtRefresh(let seats, let chargedFirst):
            if !chargedFirst || paid { (schedule.seats, schedule.scheduledSeats) = (seats, nil) }
        }
    }

    private mutating func end(on event: LifecycleEvent) throws {
        schedule.status = try Lifecycle.next(schedule.status, on: event)
        schedule.endedAt = time
    }
}

extension SubscriptionSchedule {
    /// Settles everything due at `time` in one pass (R15a), with each charge's outcome from
    /// `paying`: the items in R12's order and the schedule they leave.
    public func settling(at time: Timestamp, paying: (DueWork) -> Bool = { _ in true }) throws
        -> (work: [DueWork], schedule: SubscriptionSchedule) {
        var pass = SettlementPass(self, at: time)
        var work: [DueWork] = []
        while let item = pass.next() {
            try pass.complete(item, paid: item.isCharge ? paying(item) : true)
            work.append(item)
        }
        return (work, pass.schedule)
    }

    /// The work due at `time`, in R12's order, with each charge's outcome from `paying`.
    public func dueWork(at time: Timestamp, paying: (DueWork) -> Bool = { _ in true }) throws -> [DueWork] {
        try settling(at: time, paying: paying).work
    }
}
