import CofferCore
import Testing

/// A moment written in ISO-8601 (UTC).
func at(_ iso: String) -> Timestamp { try! UTC.parse(iso) }

/// R4a's calendar, R12/R12a/R15a's due times and R9's operator seat charge on `SubscriptionSchedule`.
@Suite("Subscription schedule: periods and due times (R4a, R9, R12, R12a, R14, R15a)")
struct SubscriptionScheduleTests {
    /// An Active Pro subscription billed `interval`, started (both anchors) at `start`.
    static func active(_ start: String, _ interval: BillingInterval = .monthly) -> SubscriptionSchedule {
        SubscriptionSchedule(status: .active, plan: "pro", interval: interval, seats: 2, creditAnchor: at(start), billingAnchor: at(start))
    }

    @Test("R4a: an anchor on the 29th–31st falls on the month's last day in shorter months and returns after", arguments: [
        ("2026-01-31T09:30:00Z", ["2026-02-28T09:30:00Z", "2026-03-31T09:30:00Z", "2026-04-30T09:30:00Z", "2026-05-31T09:30:00Z"]),
        ("2026-01-30T00:00:00Z", ["2026-02-28T00:00:00Z", "2026-03-30T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-30T00:00:00Z"]),
        ("2028-01-29T00:00:00Z", ["2028-02-29T00:00:00Z", "2028-03-29T00:00:00Z", "2028-04-29T00:00:00Z", "2028-05-29T00:00:00Z"]),
        ("2027-12-31T23:59:59Z", ["2028-01-31T23:59:59Z", "2028-02-29T23:59:59Z", "2028-03-31T23:59:59Z", "2028-04-30T23:59:59Z"]),
    ])
    func creditPeriods(anchor: String, ends: [String]) {
        var schedule = Self.active(anchor)
        for (index, end) in ends.enumerated() {
            schedule.creditIndex = Int64(index)
            #expect(UTC.iso(schedule.creditEnd) == end)
            #expect(schedule.creditStart == (index == 0 ? at(anchor) : at(ends[index - 1])))
        }
    }

    @Test("R14 + R4a: yearly billing runs a year from its anchor (Feb 29 → Feb 28), credits refresh monthly")
    func yearlyPeriods() {
        var schedule = Self.active("2028-02-29T12:00:00Z", .yearly)
        #expect(schedule.billingMonths == 12)
        #expect(UTC.iso(schedule.billingEnd) == "2029-02-28T12:00:00Z")
        #expect(UTC.iso(schedule.creditEnd) == "2028-03-29T12:00:00Z")
        schedule.billingIndex = 3
        #expect(UTC.iso(schedule.billingStart) == "2031-02-28T12:00:00Z")
        #expect(UTC.iso(schedule.billingEnd) == "2032-02-29T12:00:00Z", "the anchor day returns in a leap year")
        let monthly = Self.active("2026-01-31T00:00:00Z", .oneTime)
        #expect(UTC.iso(monthly.billingEnd) == "2026-02-28T00:00:00Z", "a one-time period is one month")
    }

    /// A schedule whose billing and credit calendars differ: credits from Jan 1 (now in the
    /// Feb 1–Mar 1 period), billing from the trial's end on Jan 15 (paid until Feb 15).
    static func afterTrial(_ status: SubscriptionStatus) -> SubscriptionSchedule {
        SubscriptionSchedule(status: status, plan: "pro", interval: .monthly, creditAnchor: at("2026-01-01T00:00:00Z"), creditIndex: 1,
                             billingAnchor: at("2026-01-15T00:00:00Z"))
    }

    static func with(_ schedule: SubscriptionSchedule, _ change: (inout SubscriptionSchedule) -> Void) -> SubscriptionSchedule {
        var copy = schedule
        change(&copy)
        return copy
    }

    @Test("R15a: the next due time of every status", arguments: [
        ("Incomplete: 23 hours after the failed first payment",
         with(active("2026-01-01T00:00:00Z")) { $0.status = .incomplete; $0.incompleteSince = at("2026-01-01T00:00:00Z") }, "2026-01-01T23:00:00Z"),
        ("Incomplete without a failure time: nothing", with(active("2026-01-01T00:00:00Z")) { $0.status = .incomplete }, nil),
        ("Trialing: the trial's end", with(active("2026-01-01T00:00:00Z")) { $0.status = .trialing; $0.trialEnd = at("2026-01-15T00:00:00Z") },
         "2026-01-15T00:00:00Z"),
        ("Trialing past a month: the credit refresh first",
         with(active("2026-01-01T00:00:00Z")) { $0.status = .trialing; $0.trialEnd = at("2026-02-15T00:00:00Z") }, "2026-02-01T00:00:00Z"),
        ("Active monthly: renewal and refresh together", active("2026-01-31T00:00:00Z"), "2026-02-28T00:00:00Z"),
        ("Active yearly: the monthly refresh", active("2026-01-31T00:00:00Z", .yearly), "2026-02-28T00:00:00Z"),
        ("Active after a trial: the earlier of renewal (Feb 15) and refresh (Mar 1)", afterTrial(.active), "2026-02-15T00:00:00Z"),
        ("Past due: retry 1, a day after the failure",
         with(afterTrial(.pastDue)) { $0.failedAt = at("2026-01-15T00:00:00Z") }, "2026-01-16T00:00:00Z"),
        ("Past due: retry 2, three days after", with(afterTrial(.pastDue)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 1 },
         "2026-01-18T00:00:00Z"),
        ("Past due: retry 3, seven days after", with(afterTrial(.pastDue)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 2 },
         "2026-01-22T00:00:00Z"),
        ("Past due, retries spent: the renewal", with(afterTrial(.pastDue)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 3 },
         "2026-02-15T00:00:00Z"),
        ("R12a Paused: billing stands still, only the refresh", with(afterTrial(.paused)) { $0.pausedFrom = .active }, "2026-03-01T00:00:00Z"),
        ("R12a Paused, cancelling at period end: the period's end", with(afterTrial(.paused)) { $0.pausedFrom = .active; $0.cancelAtPeriodEnd = true },
         "2026-02-15T00:00:00Z"),
        ("R12a Paused, moving to Free: the period's end", with(afterTrial(.paused)) { $0.pausedFrom = .pastDue; $0.scheduledPlan = "free" },
         "2026-02-15T00:00:00Z"),
        ("R12a Paused one-time plan: the period's end", with(afterTrial(.paused)) { $0.pausedFrom = .active; $0.interval = .oneTime },
         "2026-02-15T00:00:00Z"),
        ("R12a Paused, downgrade to a paid plan scheduled: billing still stands still",
         with(afterTrial(.paused)) { $0.pausedFrom = .active; $0.scheduledPlan = "starter" }, "2026-03-01T00:00:00Z"),
        ("R12a Paused trial set to cancel: a trial's days stand still, only the refresh",
         with(afterTrial(.paused)) { $0.pausedFrom = .trialing; $0.cancelAtPeriodEnd = true; $0.trialEnd = at("2026-02-10T00:00:00Z") },
         "2026-03-01T00:00:00Z"),
        ("Unpaid: nothing", with(afterTrial(.unpaid)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 3 }, nil),
        ("Canceled: nothing", afterTrial(.canceled), nil),
        ("Incomplete expired: nothing", with(afterTrial(.incompleteExpired)) { $0.incompleteSince = at("2026-01-15T00:00:00Z") }, nil),
        ("Ended: nothing, whatever the status", with(active("2026-01-01T00:00:00Z")) { $0.endedAt = at("2026-01-10T00:00:00Z") }, nil),
    ] as [(String, SubscriptionSchedule, String?)])
    func nextDue(name: String, schedule: SubscriptionSchedule, due: String?) {
        #expect(schedule.nextDue.map(UTC.iso) == due, "\(name)")
    }

    @Test("R4a + R15a: a monthly plan anchored on the 31st renews on each month's last day, then back on the 31st")
    func renewalsOnTheLastDay() throws {
        var schedule = Self.active("2026-01-31T00:00:00Z")
        var dates: [String] = []
        for _ in 0..<12 {
            let due = try #require(schedule.nextDue)
            let (work, after) = try schedule.settling(at: due)
            #expect(work == [.startNextBillingPeriod, .chargeRenewal, .refreshCredits, .grantPeriod])
            dates.append(UTC.dateString(due))
            schedule = after
        }
        #expect(dates == ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
                          "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31"])
        #expect(schedule.billingIndex == 12 && schedule.creditIndex == 12)
    }

    @Test("R14: a yearly plan refreshes credits every month and renews once, at the year's end")
    func yearlyYear() throws {
        var schedule = Self.active("2028-02-29T00:00:00Z", .yearly)
        var renewals: [String] = []
        var refreshes = 0
        while let due = schedule.nextDue, due <= at("2029-02-28T00:00:00Z") {
            let (work, after) = try schedule.settling(at: due)
            if work.contains(.chargeRenewal) { renewals.append(UTC.dateString(due)) }
            refreshes += work.filter { $0 == .refreshCredits }.count
            #expect(work.last == .grantPeriod)
            schedule = after
        }
        #expect(renewals == ["2029-02-28"])
        #expect(refreshes == 12)
        #expect(UTC.iso(schedule.creditEnd) == "2029-03-29T00:00:00Z")
    }

    @Test("R9: more seats set by an operator cost the seat price for what is left of the billing period; fewer, or in a trial, nothing")
    func operatorSeatsCharge() throws {
        // Business yearly from 2026-01-01: 73 of the year's 365 days are left on 2026-10-20.
        let business = SubscriptionSchedule(status: .active, plan: "business", interval: .yearly, seats: 3,
                                            creditAnchor: at("2026-01-01T00:00:00Z"), creditIndex: 9, billingAnchor: at("2026-01-01T00:00:00Z"))
        let october = at("2026-10-20T00:00:00Z")
        #expect(try business.operatorSeatsCharge(seatsTo: 5, seatPriceCents: 399_000, at: october) == 159_600)
        #expect(try business.operatorSeatsCharge(seatsTo: 2, seatPriceCents: 399_000, at: october) == 0)
        #expect(try business.operatorSeatsCharge(seatsTo: 5, seatPriceCents: 399_000, at: business.billingEnd) == 0)
        #expect(try business.operatorSeatsCharge(seatsTo: 4, seatPriceCents: 399_000, at: business.billingStart) == 399_000)
        var trial = business
        trial.status = .trialing
        #expect(try trial.operatorSeatsCharge(seatsTo: 5, seatPriceCents: 399_000, at: october) == 0)
        #expect(throws: CofferError.self) { try business.operatorSeatsCharge(seatsTo: .max, seatPriceCents: .max, at: october) }
    }

    /// Every status with every combination of the flags that change what falls due.
    static var everySchedule: [SubscriptionSchedule] {
        var all: [SubscriptionSchedule] = []
        for status in SubscriptionStatus.allCases {
            for interval in BillingInterval.allCases {
                for flags in 0..<32 {
                    var s = afterTrial(status)
                    s.interval = interval
                    s.cancelAtPeriodEnd = flags & 1 != 0
                    s.scheduledPlan = flags & 2 != 0 ? (flags & 4 != 0 ? "free" : "starter") : nil
                    s.scheduledSeats = flags & 8 != 0 ? 3 : nil
                    s.assigned = flags & 16 == 0
                    s.trialEnd = at("2026-02-10T00:00:00Z")
                    s.incompleteSince = at("2026-01-31T12:00:00Z")
                    s.failedAt = status == .pastDue || status == .unpaid ? at("2026-01-15T00:00:00Z") : nil
                    s.retries = status == .unpaid ? 3 : Int64(flags % 3)
                    for pausedFrom in status == .paused ? [SubscriptionStatus.active, .trialing, .pastDue] : [nil] {
                        s.pausedFrom = pausedFrom
                        all.append(s)
                    }
                }
            }
        }
        return all
    }

    @Test("R15a: settling at the next due time always moves it later or ends the subscription, and a second pass finds nothing",
          arguments: [true, false])
    func settlingAdvances(paying: Bool) throws {
        var settled = 0
        for schedule in Self.everySchedule {
            guard let due = schedule.nextDue else {
                #expect(try schedule.dueWork(at: at("2030-01-01T00:00:00Z")) == [], "nothing is due for \(schedule)")
                continue
            }
            #expect(try schedule.dueWork(at: due - 1, paying: { _ in paying }) == [], "nothing before \(UTC.iso(due)): \(schedule)")
            let (work, after) = try schedule.settling(at: due, paying: { _ in paying })
            #expect(!work.isEmpty, "something falls due at \(UTC.iso(due)): \(schedule)")
            #expect(after.endedAt != nil || (after.nextDue ?? .max) > due, "\(schedule) → \(after)")
            #expect(try after.dueWork(at: due) == [], "settling twice at the same time does nothing more")
            if after.endedAt != nil { #expect(after.status.isFinal && work.last?.endsSubscription == true) }
            settled += 1
        }
        #expect(settled > 300)
    }

    @Test("R15a: a pass yields its items in order and refuses anything else")
    func passRefusesOtherWork() throws {
        var pass = SettlementPass(Self.active("2026-01-01T00:00:00Z"), at: at("2026-02-01T00:00:00Z"))
        #expect(pass.next() == .startNextBillingPeriod)
        #expect(throws: CofferError.self) { try pass.complete(.refreshCredits) }
        try pass.complete(.startNextBillingPeriod)
        #expect(pass.next() == .chargeRenewal)
        try pass.complete(.chargeRenewal, paid: true)
        #expect(pass.schedule.billingIndex == 1 && pass.schedule.status == .active)
        #expect(pass.next() == .refreshCredits)
    }
}
