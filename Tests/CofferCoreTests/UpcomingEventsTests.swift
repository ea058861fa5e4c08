import CofferCore
import Testing

/// SPEC §9 "the next events due": which events a subscription has coming in each status, in which
/// order, with which amounts — as `SettlementPass` will meet them (R12, R12a, R14, R15).
@Suite("Upcoming events: what falls due next, soonest first (SPEC §9, R12, R14, R15)")
struct UpcomingEventsTests {
    typealias S = SubscriptionScheduleTests

    /// Seat prices in cents: Pro $99, Starter $19 a month (× 10 a year).
    static func price(_ tier: String, _ interval: BillingInterval, _ seats: Int64) -> Int64? {
        guard let monthly: Int64 = ["pro": 9_900, "starter": 1_900][tier] else { return nil }
        return monthly * (interval == .yearly ? 10 : 1) * seats
    }

    /// An event at an ISO-8601 time.
    static func e(_ kind: UpcomingEvent.Kind, _ iso: String) -> UpcomingEvent { UpcomingEvent(kind, at: at(iso)) }

    static let trial = SubscriptionSchedule(status: .trialing, plan: "pro", interval: .monthly, seats: 2, creditAnchor: at("2026-01-01T00:00:00Z"),
                                            billingAnchor: at("2026-01-01T00:00:00Z"), trialEnd: at("2026-01-15T00:00:00Z"))

    @Test("Which events apply in each status, soonest first, R12's order on the same day", arguments: [
        ("Trialing: the trial ends with the first charge, then the monthly refresh", trial, "2026-01-05T00:00:00Z", [
            e(.trialEnds, "2026-01-15T00:00:00Z"), e(.charge(.firstPeriod, cents: 19_800), "2026-01-15T00:00:00Z"),
            e(.creditsRefresh(granted: true), "2026-02-01T00:00:00Z")]),
        ("Active: the renewal (Feb 15, billed from the trial's end) before the refresh (Mar 1)", S.afterTrial(.active), "2026-02-05T00:00:00Z", [
            e(.charge(.renewal, cents: 9_900), "2026-02-15T00:00:00Z"),
            e(.creditsRefresh(granted: true), "2026-03-01T00:00:00Z")]),
        ("Active yearly: next month's refresh, the renewal a year on", S.active("2026-01-31T00:00:00Z", .yearly), "2026-02-10T00:00:00Z", [
            e(.creditsRefresh(granted: true), "2026-02-28T00:00:00Z"),
            e(.charge(.renewal, cents: 198_000), "2027-01-31T00:00:00Z")]),
        ("R15 scheduled downgrade: the plan changes at the renewal, which charges the new plan's price",
         S.with(S.afterTrial(.active)) { $0.scheduledPlan = "starter"; $0.scheduledInterval = .monthly }, "2026-02-05T00:00:00Z", [
            e(.planChange(tier: "starter", interval: .monthly), "2026-02-15T00:00:00Z"),
            e(.charge(.renewal, cents: 1_900), "2026-02-15T00:00:00Z"),
            e(.creditsRefresh(granted: true), "2026-03-01T00:00:00Z")]),
        ("R12 cancelling at period end: it ends then, and no refresh follows", S.with(S.afterTrial(.active)) { $0.cancelAtPeriodEnd = true },
         "2026-02-05T00:00:00Z", [e(.ends(.canceled), "2026-02-15T00:00:00Z")]),
        ("R15 moving to Free: it ends at period end", S.with(S.afterTrial(.active)) { $0.scheduledPlan = "free" },
         "2026-02-05T00:00:00Z", [e(.ends(.movesToFree), "2026-02-15T00:00:00Z")]),
        ("Yearly, cancelling: monthly refreshes until the year's end", S.with(S.active("2026-01-31T00:00:00Z", .yearly)) { $0.cancelAtPeriodEnd = true },
         "2026-02-10T00:00:00Z", [e(.creditsRefresh(granted: true), "2026-02-28T00:00:00Z"), e(.ends(.canceled), "2027-01-31T00:00:00Z")]),
        ("R12a paused: billing stands still; the refresh comes, its credits withheld (R13)", S.with(S.afterTrial(.paused)) { $0.pausedFrom = .active },
         "2026-02-05T00:00:00Z", [e(.creditsRefresh(granted: false), "2026-03-01T00:00:00Z")]),
        ("R12a paused, cancelling at period end: it ends with its paid period",
         S.with(S.afterTrial(.paused)) { $0.pausedFrom = .active; $0.cancelAtPeriodEnd = true }, "2026-02-05T00:00:00Z",
         [e(.ends(.canceled), "2026-02-15T00:00:00Z")]),
        ("R12a past due: the next retry (taken as paid), then the refresh",
         S.with(S.afterTrial(.pastDue)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 1 }, "2026-01-16T00:00:00Z", [
            e(.charge(.retry(2), cents: 9_900), "2026-01-18T00:00:00Z"),
            e(.creditsRefresh(granted: true), "2026-03-01T00:00:00Z")]),
        ("R12 incomplete: the 23 hours to pay end", S.with(S.afterTrial(.incomplete)) { $0.incompleteSince = at("2026-01-15T00:00:00Z") },
         "2026-01-15T01:00:00Z", [e(.ends(.incompleteExpired), "2026-01-15T23:00:00Z")]),
        ("R9 an operator's seats apply at the refresh", S.with(S.afterTrial(.active)) { $0.scheduledSeats = 4 }, "2026-02-05T00:00:00Z", [
            e(.charge(.renewal, cents: 9_900), "2026-02-15T00:00:00Z"),
            e(.creditsRefresh(granted: true), "2026-03-01T00:00:00Z"), e(.seats(4), "2026-03-01T00:00:00Z")]),
        ("Canceled: nothing", S.afterTrial(.canceled), "2026-02-05T00:00:00Z", []),
        ("Unpaid: nothing", S.with(S.afterTrial(.unpaid)) { $0.failedAt = at("2026-01-15T00:00:00Z"); $0.retries = 3 }, "2026-02-05T00:00:00Z", []),
        ("Ended: nothing", S.with(S.afterTrial(.active)) { $0.endedAt = at("2026-02-01T00:00:00Z") }, "2026-02-05T00:00:00Z", []),
    ] as [(String, SubscriptionSchedule, String, [UpcomingEvent])])
    func events(name: String, schedule: SubscriptionSchedule, now: String, expected: [UpcomingEvent]) {
        #expect(schedule.upcomingEvents(after: at(now), price: Self.price) == expected, "\(name)")
    }

    @Test("R15a: a schedule not yet settled lists only what falls due after now")
    func notYetSettled() {
        // The Feb 15 renewal is overdue at Feb 20 (settlement has not run): the list starts at the Mar 1 refresh.
        let events = S.afterTrial(.active).upcomingEvents(after: at("2026-02-20T00:00:00Z"), price: Self.price)
        #expect(events.allSatisfy { $0.time > at("2026-02-20T00:00:00Z") })
        #expect(events.first == UpcomingEvent(.creditsRefresh(granted: true), at: at("2026-03-01T00:00:00Z")))
        #expect(events.contains { if case .charge(.renewal, _) = $0.kind { $0.time == at("2026-03-15T00:00:00Z") } else { false } })
    }

    @Test("An unknown price leaves the charge without an amount")
    func unknownPrice() {
        let events = S.afterTrial(.active).upcomingEvents(after: at("2026-02-05T00:00:00Z")) { _, _, _ in nil }
        #expect(events.first?.kind == .charge(.renewal, cents: nil))
    }
}
