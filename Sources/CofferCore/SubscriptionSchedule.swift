/// What decides when a subscription's time-based work falls due (R12, R12a, R14, R15a): its
/// status, calendar (anchors and period indices, R4a), trial, retries, pause and scheduled
/// changes. A plain value: the store reads it from a row, settles it with `SettlementPass`
/// and writes back what changed.
public struct SubscriptionSchedule: Equatable, Sendable {
    /// The status (R11–R12).
    public var status: SubscriptionStatus
    /// The plan's tier (`pro`, `scale`…).
    public var plan: String
    /// How the plan is billed: monthly, yearly or one-time (R14).
    public var interval: BillingInterval
    /// Paid seats (R20).
    public var seats: Int64
    /// The credit period is monthly from `creditAnchor` (R4a); `creditIndex` is the current one.
    public var creditAnchor: Timestamp
    public var creditIndex: Int64
    /// The billing period is one `interval` from `billingAnchor`; `billingIndex` is the current one.
    public var billingAnchor: Timestamp
    public var billingIndex: Int64
    public var trialEnd: Timestamp?
    /// Set by `subscription cancel` without `--now`: the subscription ends with its period (R12).
    public var cancelAtPeriodEnd: Bool
    /// A downgrade (or a move to Free, tier `free`) waiting for the period end (R15).
    public var scheduledPlan: String?
    public var scheduledInterval: BillingInterval?
    /// Seats an operator set, effective from the next credit period (R9).
    public var scheduledSeats: Int64?
    /// When the first payment failed (R12: 23 hours to pay).
    public var incompleteSince: Timestamp?
    /// When the renewal (or the trial-end charge) failed; retries fall 1, 3 and 7 days later (R12a).
    public var failedAt: Timestamp?
    /// Retries made since `failedAt`.
    public var retries: Int64
    /// When the subscription was paused, and the status it was paused from (R12a).
    public var pausedAt: Timestamp?
    public var pausedFrom: SubscriptionStatus?
    /// Whether the current credit period's grant was withheld (R13) and is still owed.
    public var grantWithheld: Bool
    /// Whether the subscription is assigned to the team (R32): grants go only to an assigned one.
    public var assigned: Bool
    /// When the subscription ended; nothing falls due after.
    public var endedAt: Timestamp?

    /// A schedule with each field spelled out; the optional ones default to unset.
    public init(status: SubscriptionStatus, plan: String, interval: BillingInterval, seats: Int64 = 1,
                creditAnchor: Timestamp, creditIndex: Int64 = 0, billingAnchor: Timestamp, billingIndex: Int64 = 0,
                trialEnd: Timestamp? = nil, cancelAtPeriodEnd: Bool = false, scheduledPlan: String? = nil,
                scheduledInterval: BillingInterval? = nil, scheduledSeats: Int64? = nil, incompleteSince: Timestamp? = nil,
                failedAt: Timestamp? = nil, retries: Int64 = 0, pausedAt: Timestamp? = nil,
                pausedFrom: SubscriptionStatus? = nil, grantWithheld: Bool = false, assigned: Bool = true,
                endedAt: Timestamp? = nil) {
        (self.status, self.plan, self.interval, self.seats) = (status, plan, interval, seats)
        (self.creditAnchor, self.creditIndex, self.billingAnchor, self.billingIndex) = (creditAnchor, creditIndex, billingAnchor, billingIndex)
        (self.trialEnd, self.cancelAtPeriodEnd) = (trialEnd, cancelAtPeriodEnd)
        (self.scheduledPlan, self.scheduledInterval, self.scheduledSeats) = (scheduledPlan, scheduledInterval, scheduledSeats)
        (self.incompleteSince, self.failedAt, self.retries) = (incompleteSince, failedAt, retries)
        (self.pausedAt, self.pausedFrom) = (pausedAt, pausedFrom)
        (self.grantWithheld, self.assigned, self.endedAt) = (grantWithheld, assigned, endedAt)
    }

    /// The tier a scheduled move to the Free plan names (R15).
    public static let freeTier = "free"

    // MARK: Periods (R4a, R14)

    /// Months in one billing period: 12 for yearly, else 1 (a one-time plan's period is a month).
    public var billingMonths: Int64 { interval == .yearly ? 12 : 1 }
    /// When the current billing period began.
    public var billingStart: Timestamp { UTC.addingMonths(billingIndex * billingMonths, to: billingAnchor) }
    /// When the current billing period ends (the renewal).
    public var billingEnd: Timestamp { UTC.addingMonths((billingIndex + 1) * billingMonths, to: billingAnchor) }
    /// When the current credit period began; monthly on every plan (R4a).
    public var creditStart: Timestamp { UTC.addingMonths(creditIndex, to: creditAnchor) }
    /// When the current credit period ends (the next refresh, R14).
    public var creditEnd: Timestamp { UTC.addingMonths(creditIndex + 1, to: creditAnchor) }

    // MARK: What falls due

    /// Whether a move to the Free plan is scheduled (R15).
    public var movesToFree: Bool { scheduledPlan == Self.freeTier }

    /// Whether the subscription ends with its billing period instead of renewing: cancelled at
    /// period end, moving to Free, or a one-time plan (R12, R15).
    public var endsWithBillingPeriod: Bool { cancelAtPeriodEnd || movesToFree || interval == .oneTime }

    /// A paused subscription with no paid period left to run (a paused trial, or a paid period that
    /// ended while paused): its billing stands still until it resumes (R12a).
    public func pausedWithNothingPaid(at now: Timestamp) -> Bool {
        status == .paused && (pausedFrom == .trialing || billingEnd <= now)
    }

    /// Whether billing runs while paused (R12a): a paused subscription's billing stands still,
    /// unless it was set to end with its paid period (never for a paused trial).
    public var pausedBillingEnds: Bool { status == .paused && pausedFrom != .trialing && endsWithBillingPeriod }

    /// When the next retry of a failed payment falls (1, 3 and 7 days after the failure, R12a);
    /// nil once the three are spent or when nothing failed.
    public var nextRetry: Timestamp? {
        guard let failedAt, retries >= 0, retries < Int64(Lifecycle.retryDays.count) else { return nil }
        return failedAt + Lifecycle.retryDays[Int(retries)] * UTC.day
    }

    /// The next moment something falls due (R15a); nil once ended or in a final status.
    /// Incomplete: its 23-hour window. Trialing: the trial end or a credit refresh. Active:
    /// the renewal or a refresh. Past due: those and the next retry. Paused: refreshes only —
    /// billing stands still — unless set to end with its period (R12a).
    public var nextDue: Timestamp? {
        guard endedAt == nil else { return nil }
        switch status {
        case .incomplete: return incompleteSince.map { $0 + Lifecycle.incompleteWindow }
        case .trialing: return min(trialEnd ?? creditEnd, creditEnd)
        case .active: return min(billingEnd, creditEnd)
        case .paused: return pausedBillingEnds ? min(billingEnd, creditEnd) : creditEnd
        case .pastDue: return [billingEnd, creditEnd, nextRetry].compactMap { $0 }.min()
        case .unpaid, .canceled, .incompleteExpired: return nil
        }
    }

    /// Whether a withheld period grant can be delivered now (R13): it is owed, the status
    /// receives grants and the subscription is assigned.
    public var withheldGrantDeliverable: Bool {
        grantWithheld && CreditPolicy.of(status).periodGrants && assigned
    }

    /// What `seatsTo` seats set by an operator cost at a credit refresh that is not also a
    /// renewal (R9): the seat price of the added seats for what is left of the billing period,
    /// by the second, rounded half-up to the cent (R4). Nothing for fewer seats or in a trial.
    public func operatorSeatsCharge(seatsTo newSeats: Int64, seatPriceCents: Int64, at time: Timestamp) throws -> Int64 {
        let added = try checked(newSeats, minus: seats)
        guard added > 0, status != .trialing else { return 0 }
        return try Proration.cents(checked(seatPriceCents, times: added), remaining: billingEnd - time, of: billingEnd - billingStart)
    }
}
