import CofferCore
import Testing

/// What falls due, in R12's order, for every status just before, at and after each due time
/// (R12, R12a, R9, R13, R15, R15a, R21), with the charges paid or declined.
@Suite("Settlement pass: what falls due and in what order (R9, R12, R12a, R13, R15, R15a)")
struct SettlementPassTests {
    /// One row: a schedule, the due time, whether charges pay, the work expected in order, and
    /// the status and next due time it leaves.
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let schedule: SubscriptionSchedule
        let due: String
        var paid = true
        let work: [DueWork]
        let status: SubscriptionStatus
        let nextDue: String?
        var testDescription: String { name }
    }

    static let start = "2026-01-01T00:00:00Z"

    static func schedule(_ status: SubscriptionStatus, _ interval: BillingInterval = .monthly, seats: Int64 = 2,
                         _ change: (inout SubscriptionSchedule) -> Void = { _ in }) -> SubscriptionSchedule {
        var s = SubscriptionSchedule(status: status, plan: "scale", interval: interval, seats: seats,
                                     creditAnchor: at(start), billingAnchor: at(start))
        change(&s)
        return s
    }

    static func trial(_ days: Int64, from start: String = start, _ change: (inout SubscriptionSchedule) -> Void = { _ in })
        -> SubscriptionSchedule {
        var s = SubscriptionSchedule(status: .trialing, plan: "scale", interval: .monthly, seats: 2, creditAnchor: at(start),
                                     billingAnchor: at(start), trialEnd: at(start) + days * UTC.day)
        change(&s)
        return s
    }

    /// Past due after a trial of `days` from `start` whose end charge failed.
    static func pastDueAfterTrial(_ days: Int64, from start: String, retries: Int64, withheld: Bool = false) -> SubscriptionSchedule {
        let trialEnd = at(start) + days * UTC.day
        return SubscriptionSchedule(status: .pastDue, plan: "scale", interval: .monthly, seats: 2, creditAnchor: at(start),
                                    billingAnchor: trialEnd, trialEnd: trialEnd, failedAt: trialEnd, retries: retries,
                                    grantWithheld: withheld)
    }

    static let rows: [Row] = [
        // R12: Incomplete → Incomplete expired after 23 hours.
        Row(name: "R12 Incomplete: expires 23 hours after the failed first payment",
            schedule: schedule(.incomplete) { $0.incompleteSince = at(start); $0.grantWithheld = true }, due: "2026-01-01T23:00:00Z",
            work: [.expireIncomplete], status: .incompleteExpired, nextDue: nil),
        // R12: trial end.
        Row(name: "R12 Trialing: the trial's end charges the first period, paid → Active", schedule: trial(14),
            due: "2026-01-15T00:00:00Z", work: [.endTrial, .chargeFirstPeriodAfterTrial], status: .active, nextDue: "2026-02-01T00:00:00Z"),
        Row(name: "R12 Trialing: the trial-end charge declined → Past due, retry 1 a day later", schedule: trial(14),
            due: "2026-01-15T00:00:00Z", paid: false, work: [.endTrial, .chargeFirstPeriodAfterTrial], status: .pastDue,
            nextDue: "2026-01-16T00:00:00Z"),
        Row(name: "R12 Trialing set to cancel: Canceled at the trial's end, nothing charged",
            schedule: trial(14) { $0.cancelAtPeriodEnd = true }, due: "2026-01-15T00:00:00Z", work: [.endTrialCanceled],
            status: .canceled, nextDue: nil),
        Row(name: "R15 Trialing with a downgrade: the new plan from the trial's end, then its charge",
            schedule: trial(14) { $0.scheduledPlan = "pro"; $0.scheduledInterval = .yearly }, due: "2026-01-15T00:00:00Z",
            work: [.endTrial, .switchToScheduledPlan(plan: "pro", interval: .yearly), .chargeFirstPeriodAfterTrial],
            status: .active, nextDue: "2026-02-01T00:00:00Z"),
        Row(name: "R15 Trialing moving to Free: the trial's end is the subscription's end; the workspace is back on Free",
            schedule: trial(14) { $0.scheduledPlan = "free" }, due: "2026-01-15T00:00:00Z",
            work: [.endTrialCanceled], status: .canceled, nextDue: nil),
        Row(name: "R14 Trialing longer than a month: the credits refresh during the trial", schedule: trial(45),
            due: "2026-02-01T00:00:00Z", work: [.refreshCredits, .grantPeriod], status: .trialing, nextDue: "2026-02-15T00:00:00Z"),
        // R12: renewals.
        Row(name: "R12 Active monthly: renewal, then the credit refresh and its grant", schedule: schedule(.active),
            due: "2026-02-01T00:00:00Z", work: [.startNextBillingPeriod, .chargeRenewal, .refreshCredits, .grantPeriod],
            status: .active, nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R12 + R13 Active monthly, renewal declined: Past due, and the new period's grant withheld",
            schedule: schedule(.active), due: "2026-02-01T00:00:00Z", paid: false,
            work: [.startNextBillingPeriod, .chargeRenewal, .refreshCredits, .withholdPeriodGrant], status: .pastDue,
            nextDue: "2026-02-02T00:00:00Z"),
        Row(name: "R12 Active set to cancel: Canceled at the period's end, no refresh",
            schedule: schedule(.active) { $0.cancelAtPeriodEnd = true }, due: "2026-02-01T00:00:00Z", work: [.endAtPeriodEnd],
            status: .canceled, nextDue: nil),
        Row(name: "R15 Active moving to Free: ends at the period's end",
            schedule: schedule(.active) { $0.scheduledPlan = "free" }, due: "2026-02-01T00:00:00Z", work: [.endAtPeriodEnd],
            status: .canceled, nextDue: nil),
        Row(name: "R12 One-time: ends at its period's end", schedule: schedule(.active, .oneTime), due: "2026-02-01T00:00:00Z",
            work: [.endOneTimePeriod], status: .canceled, nextDue: nil),
        Row(name: "R15 Active with a downgrade: the next period on the new plan and interval",
            schedule: schedule(.active) { $0.scheduledPlan = "pro"; $0.scheduledInterval = .yearly }, due: "2026-02-01T00:00:00Z",
            work: [.startNextBillingPeriod, .switchToScheduledPlan(plan: "pro", interval: .yearly), .chargeRenewal, .refreshCredits,
                   .grantPeriod], status: .active, nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R14 Active yearly: a monthly refresh, no renewal", schedule: schedule(.active, .yearly),
            due: "2026-02-01T00:00:00Z", work: [.refreshCredits, .grantPeriod], status: .active, nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R14 Active yearly: the renewal at the year's end, with its refresh",
            schedule: schedule(.active, .yearly) { $0.creditIndex = 11 }, due: "2027-01-01T00:00:00Z",
            work: [.startNextBillingPeriod, .chargeRenewal, .refreshCredits, .grantPeriod], status: .active,
            nextDue: "2027-02-01T00:00:00Z"),
        Row(name: "R32 Unassigned: the refresh withholds the grant", schedule: schedule(.active) { $0.assigned = false },
            due: "2026-02-01T00:00:00Z", work: [.startNextBillingPeriod, .chargeRenewal, .refreshCredits, .withholdPeriodGrant],
            status: .active, nextDue: "2026-03-01T00:00:00Z"),
        // R12, R12a: retries 1, 3 and 7 days after the failure.
        Row(name: "R12a Past due: retry 1 pays → Active", schedule: pastDueAfterTrial(14, from: start, retries: 0),
            due: "2026-01-16T00:00:00Z", work: [.retry(1)], status: .active, nextDue: "2026-02-01T00:00:00Z"),
        Row(name: "R13 Past due: a paid retry delivers the grant withheld meanwhile",
            schedule: pastDueAfterTrial(14, from: start, retries: 1, withheld: true), due: "2026-01-18T00:00:00Z",
            work: [.retry(2), .deliverWithheldGrant], status: .active, nextDue: "2026-02-01T00:00:00Z"),
        Row(name: "R12a Past due: retry 1 declined, retry 2 three days after the failure",
            schedule: pastDueAfterTrial(14, from: start, retries: 0), due: "2026-01-16T00:00:00Z", paid: false,
            work: [.retry(1)], status: .pastDue, nextDue: "2026-01-18T00:00:00Z"),
        Row(name: "R12 Past due: the third retry declined → Unpaid",
            schedule: pastDueAfterTrial(14, from: start, retries: 2), due: "2026-01-22T00:00:00Z", paid: false,
            work: [.retry(3)], status: .unpaid, nextDue: nil),
        Row(name: "R12 order: retry 2 falls with the refresh (28-day trial from Jan 1): retry first, grant withheld if declined",
            schedule: pastDueAfterTrial(28, from: start, retries: 1), due: "2026-02-01T00:00:00Z", paid: false,
            work: [.retry(2), .refreshCredits, .withholdPeriodGrant], status: .pastDue, nextDue: "2026-02-05T00:00:00Z"),
        Row(name: "R12 order: retry 2 paid with the refresh: Active first, so the new period is granted",
            schedule: pastDueAfterTrial(28, from: start, retries: 1), due: "2026-02-01T00:00:00Z",
            work: [.retry(2), .refreshCredits, .grantPeriod], status: .active, nextDue: "2026-02-28T00:00:00Z"),
        Row(name: "R12 order: the final retry declined on a refresh day (21-day trial from Feb 1): Unpaid, no refresh",
            schedule: pastDueAfterTrial(21, from: "2026-02-01T00:00:00Z", retries: 2), due: "2026-03-01T00:00:00Z", paid: false,
            work: [.retry(3)], status: .unpaid, nextDue: nil),
        Row(name: "R13 Past due: a refresh without a retry withholds the grant",
            schedule: pastDueAfterTrial(14, from: start, retries: 3), due: "2026-02-01T00:00:00Z",
            work: [.refreshCredits, .withholdPeriodGrant], status: .pastDue, nextDue: "2026-02-15T00:00:00Z"),
        // R12a: a paused subscription's billing stands still.
        Row(name: "R12a Paused: the refresh closes the period and withholds the grant",
            schedule: schedule(.paused) { $0.pausedFrom = .active }, due: "2026-02-01T00:00:00Z",
            work: [.refreshCredits, .withholdPeriodGrant], status: .paused, nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R12a Paused set to cancel: ends at the paid period's end",
            schedule: schedule(.paused) { $0.pausedFrom = .active; $0.cancelAtPeriodEnd = true }, due: "2026-02-01T00:00:00Z",
            work: [.endAtPeriodEnd], status: .canceled, nextDue: nil),
        Row(name: "R12a Paused one-time plan: ends at its period's end",
            schedule: schedule(.paused, .oneTime) { $0.pausedFrom = .active }, due: "2026-02-01T00:00:00Z",
            work: [.endOneTimePeriod], status: .canceled, nextDue: nil),
        Row(name: "R12a Paused trial set to cancel: the trial's end passes, only the refresh",
            schedule: trial(14) { $0.status = .paused; $0.pausedFrom = .trialing; $0.cancelAtPeriodEnd = true },
            due: "2026-02-01T00:00:00Z", work: [.refreshCredits, .withholdPeriodGrant], status: .paused, nextDue: "2026-03-01T00:00:00Z"),
        // R9: operator seats.
        Row(name: "R9 operator seats at a renewal: applied first, so the renewal charges the new count",
            schedule: schedule(.active) { $0.scheduledSeats = 3 }, due: "2026-02-01T00:00:00Z",
            work: [.applySeatsAtRenewal(3), .startNextBillingPeriod, .chargeRenewal, .refreshCredits, .grantPeriod],
            status: .active, nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R9 operator seats at a yearly plan's refresh: more seats are charged first",
            schedule: schedule(.active, .yearly) { $0.scheduledSeats = 3 }, due: "2026-02-01T00:00:00Z",
            work: [.refreshCredits, .applySeatsAtRefresh(seats: 3, chargedFirst: true), .grantPeriod], status: .active,
            nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R9 operator seats declined: the refresh still grants, the change waits",
            schedule: schedule(.active, .yearly) { $0.scheduledSeats = 3 }, due: "2026-02-01T00:00:00Z", paid: false,
            work: [.refreshCredits, .applySeatsAtRefresh(seats: 3, chargedFirst: true), .grantPeriod], status: .active,
            nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R9 fewer operator seats: applied at once, nothing charged",
            schedule: schedule(.active, .yearly) { $0.scheduledSeats = 1 }, due: "2026-02-01T00:00:00Z",
            work: [.refreshCredits, .applySeatsAtRefresh(seats: 1, chargedFirst: false), .grantPeriod], status: .active,
            nextDue: "2026-03-01T00:00:00Z"),
        Row(name: "R9 operator seats in a trial, at a refresh on the billing calendar: applied, nothing charged",
            schedule: trial(45) { $0.scheduledSeats = 5 }, due: "2026-02-01T00:00:00Z",
            work: [.applySeatsAtRenewal(5), .refreshCredits, .grantPeriod], status: .trialing, nextDue: "2026-02-15T00:00:00Z"),
        Row(name: "R9 more operator seats at a refresh in a long trial: applied, nothing charged",
            schedule: trial(70) { $0.scheduledSeats = 5; $0.creditIndex = 1 }, due: "2026-03-01T00:00:00Z",
            work: [.refreshCredits, .applySeatsAtRefresh(seats: 5, chargedFirst: false), .grantPeriod], status: .trialing,
            nextDue: "2026-03-12T00:00:00Z"),
    ]

    @Test("R15a: nothing just before the due time; at it and after it, the work in R12's order", arguments: rows)
    func table(row: Row) throws {
        let due = at(row.due)
        #expect(row.schedule.nextDue == due, "the row's due time is the schedule's next due time")
        #expect(try row.schedule.dueWork(at: due - 1, paying: { _ in row.paid }) == [], "just before")
        let (work, after) = try row.schedule.settling(at: due, paying: { _ in row.paid })
        #expect(work == row.work, "at")
        #expect(after.status == row.status)
        #expect(after.nextDue.map(UTC.iso) == row.nextDue)
        #expect(after.endedAt == (row.status.isFinal && row.nextDue == nil && work.last?.endsSubscription == true ? due : nil))
        let (late, afterLate) = try row.schedule.settling(at: due + 1, paying: { _ in row.paid })
        #expect(late == row.work, "after")
        #expect(afterLate.status == row.status)
    }

    @Test("R12 + R15: what each item leaves behind — anchors, indices, failure time, seats and plan")
    func effects() throws {
        let trialEnd = at("2026-01-15T00:00:00Z")
        let (_, declined) = try Self.trial(14) { $0.scheduledPlan = "pro"; $0.scheduledInterval = .yearly }
            .settling(at: trialEnd, paying: { _ in false })
        #expect(declined.plan == "pro" && declined.interval == .yearly && declined.scheduledPlan == nil && declined.scheduledInterval == nil)
        #expect(declined.billingAnchor == trialEnd && declined.billingIndex == 0)
        #expect(declined.failedAt == trialEnd && declined.retries == 0)
        #expect(UTC.iso(declined.billingEnd) == "2027-01-15T00:00:00Z")

        let (_, renewed) = try Self.schedule(.active) { $0.scheduledSeats = 3 }.settling(at: at("2026-02-01T00:00:00Z"))
        #expect(renewed.seats == 3 && renewed.scheduledSeats == nil)
        #expect(renewed.billingIndex == 1 && renewed.creditIndex == 1 && renewed.failedAt == nil)

        let (_, waiting) = try Self.schedule(.active, .yearly) { $0.scheduledSeats = 3 }
            .settling(at: at("2026-02-01T00:00:00Z"), paying: { _ in false })
        #expect(waiting.seats == 2 && waiting.scheduledSeats == 3, "declined: the change waits for the next refresh")

        let (_, retried) = try Self.pastDueAfterTrial(14, from: Self.start, retries: 1, withheld: true).settling(at: at("2026-01-18T00:00:00Z"))
        #expect(retried.failedAt == nil && retried.retries == 0 && !retried.grantWithheld)

        let (_, expired) = try Self.schedule(.incomplete) { $0.incompleteSince = at(Self.start) }.settling(at: at("2026-01-01T23:00:00Z"))
        #expect(expired.endedAt == at("2026-01-01T23:00:00Z"))
    }

    @Test("R12 + R13: a status that is over settles nothing, whenever", arguments: [SubscriptionStatus.canceled, .unpaid, .incompleteExpired])
    func finalStatuses(status: SubscriptionStatus) throws {
        let s = Self.schedule(status) { $0.failedAt = at(Self.start); $0.incompleteSince = at(Self.start) }
        #expect(s.nextDue == nil)
        for time in ["2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z", "2026-02-01T00:00:00Z", "2027-01-01T00:00:00Z"] {
            #expect(try s.dueWork(at: at(time)) == [])
        }
    }
}
