/// Something a subscription has coming, with its date (SPEC §9 "the next events due"): what
/// `SettlementPass` will do at that time, worded for people rather than for the settlement.
public struct UpcomingEvent: Equatable, Sendable {
    /// What happens.
    public enum Kind: Equatable, Sendable {
        /// The credit period closes and the next one opens (R14, R21); `granted` is false when
        /// the new period's credits are withheld (R13: paused, past due, not assigned).
        case creditsRefresh(granted: Bool)
        /// The trial ends (R12).
        case trialEnds
        /// The card is charged `cents` (nil when the price is not known).
        case charge(Charge, cents: Int64?)
        /// A scheduled downgrade or interval change takes effect (R15): the plan's tier and interval.
        case planChange(tier: String, interval: BillingInterval)
        /// An operator's seat change applies (R9).
        case seats(Int64)
        /// The subscription ends (R12, R15).
        case ends(Ending)
    }

    /// Which charge falls due.
    public enum Charge: Equatable, Sendable {
        /// The first period after the trial.
        case firstPeriod
        /// The next billing period.
        case renewal
        /// Retry `n` (1 to 3) of a failed payment (R12a).
        case retry(Int64)
    }

    /// Why the subscription ends.
    public enum Ending: Equatable, Sendable {
        /// Cancelled at period end.
        case canceled
        /// A scheduled move to the Free plan (R15).
        case movesToFree
        /// A one-time plan's period is over.
        case oneTimeOver
        /// The first payment was not made within 23 hours: Incomplete expired.
        case incompleteExpired
    }

    /// When it falls due.
    public let time: Timestamp
    public let kind: Kind

    /// An event at `time`.
    public init(_ kind: Kind, at time: Timestamp) { (self.kind, self.time) = (kind, time) }

    /// Events of the same family repeat (a refresh every month); the list keeps the first of each.
    enum Family: Hashable { case refresh, trialEnd, charge, planChange, seats, end }

    var family: Family {
        switch kind {
        case .creditsRefresh: .refresh
        case .trialEnds: .trialEnd
        case .charge: .charge
        case .planChange: .planChange
        case .seats: .seats
        case .ends: .end
        }
    }
}

extension SubscriptionSchedule {
    /// The events due after `now`, soonest first (in R12's order at the same moment): the next of
    /// each kind — credit refresh, trial end, charge, scheduled plan change, seat change, end —
    /// as settling them one due time after another would meet them, every charge taken as paid.
    /// It looks no further than a year, and stops once the subscription ends or once a refresh
    /// and a charge (or the end) are known. `price` gives a charge's cents from the plan's tier,
    /// interval and seats in effect when it falls due (nil when unknown).
    public func upcomingEvents(after now: Timestamp,
                               price: (_ tier: String, _ interval: BillingInterval, _ seats: Int64) -> Int64?) -> [UpcomingEvent] {
        var schedule = self
        var events: [UpcomingEvent] = []
        let horizon = now + 366 * UTC.day
        for _ in 0..<40 {
            guard let due = schedule.nextDue, due <= horizon else { break }
            var pass = SettlementPass(schedule, at: due)
            while let work = pass.next() {
                for event in Self.events(for: work, at: due, on: pass.schedule, price: price)
                where due > now && !events.contains(where: { $0.family == event.family }) {
                    events.append(event)
                }
                guard (try? pass.complete(work)) != nil else { return events }
            }
            guard pass.schedule.endedAt == nil, pass.schedule.nextDue.map({ $0 > due }) == true else { break }
            schedule = pass.schedule
            let known = Set(events.map(\.family))
            if known.contains(.refresh), known.contains(.charge) || known.contains(.end) { break }
        }
        return events
    }

    /// The events `work` means, on the schedule as the items before it left it; none for the
    /// bookkeeping items (a new billing period, grants) that belong to another event.
    private static func events(for work: DueWork, at time: Timestamp, on schedule: SubscriptionSchedule,
                               price: (String, BillingInterval, Int64) -> Int64?) -> [UpcomingEvent] {
        let cents = price(schedule.plan, schedule.interval, schedule.seats)
        let ending: UpcomingEvent.Ending = schedule.movesToFree ? .movesToFree : .canceled
        let kinds: [UpcomingEvent.Kind]
        switch work {
        case .expireIncomplete: kinds = [.ends(.incompleteExpired)]
        case .endTrial: kinds = [.trialEnds]
        case .endTrialCanceled: kinds = [.trialEnds, .ends(ending)]
        case .switchToScheduledPlan(let plan, let interval): kinds = [.planChange(tier: plan, interval: interval)]
        case .chargeFirstPeriodAfterTrial: kinds = [.charge(.firstPeriod, cents: cents)]
        case .chargeRenewal: kinds = [.charge(.renewal, cents: cents)]
        case .retry(let attempt): kinds = [.charge(.retry(attempt), cents: cents)]
        case .applySeatsAtRenewal(let seats), .applySeatsAtRefresh(let seats, _): kinds = [.seats(seats)]
        case .endAtPeriodEnd: kinds = [.ends(ending)]
        case .endOneTimePeriod: kinds = [.ends(.oneTimeOver)]
        // The new period's grant follows on this same schedule, unless R13 or R32 withholds it.
        case .refreshCredits: kinds = [.creditsRefresh(granted: CreditPolicy.of(schedule.status).periodGrants && schedule.assigned)]
        case .startNextBillingPeriod, .deliverWithheldGrant, .grantPeriod, .withholdPeriodGrant: kinds = []
        }
        return kinds.map { UpcomingEvent($0, at: time) }
    }
}
