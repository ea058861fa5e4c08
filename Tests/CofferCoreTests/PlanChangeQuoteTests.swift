import CofferCore
import Testing

/// R15's plan change as a pure decision: upgrade or downgrade, the prorated charge (R4, by the
/// second, half-up to the cent), the switch compensation (half-up to the millicredit), when a
/// downgrade takes effect (R12a for a paused subscription) and the refusals.
@Suite("Plan change: pricing, compensation and timing (R4, R12a, R15)")
struct PlanChangeQuoteTests {
    static let catalog = try! CatalogTests.load()

    /// The catalog terms of `tier` billed `interval`, as a subscription bought now would keep them (R9).
    static func terms(_ tier: String, _ interval: BillingInterval) -> PlanChangeQuote.CurrentTerms {
        let plan = catalog.plan(tier)!
        return .init(name: plan.name, seatPriceCents: plan.seatPriceCents(interval), creditsPerSeat: plan.monthlyCreditsPerSeat)
    }

    /// A subscription to `tier` billed `interval` with `seats`, both calendars anchored at `start`.
    static func subscription(_ tier: String, _ interval: BillingInterval = .monthly, seats: Int64 = 1,
                             status: SubscriptionStatus = .active, start: String = "2026-01-01T00:00:00Z",
                             _ change: (inout SubscriptionSchedule) -> Void = { _ in }) -> SubscriptionSchedule {
        var s = SubscriptionSchedule(status: status, plan: tier, interval: interval, seats: seats, creditAnchor: at(start),
                                     billingAnchor: at(start))
        change(&s)
        return s
    }

    static func quote(_ s: SubscriptionSchedule, to tier: String, _ interval: BillingInterval? = nil, at now: String) throws -> PlanChangeQuote {
        try PlanChangeQuote.quote(from: s, terms: terms(s.plan, s.interval), to: tier, interval: interval, in: catalog, at: at(now))
    }

    @Test("R15 worked example: Pro, 2 seats → Scale at half of January charges $299.00 and compensates $100.000")
    func workedExample() throws {
        let pro = Self.subscription("pro", seats: 2)
        let now = "2026-01-16T12:00:00Z"
        let quote = try Self.quote(pro, to: "scale", at: now)
        #expect(quote.effect == .now(chargeCents: 29_900)) // 2 × $199 − half of 2 × $99
        #expect(quote.isUpgrade && quote.needsConfirmation && quote.interval == .monthly)
        #expect(quote.confirmationRequest
                == "Changing from Pro, monthly to Scale, monthly takes effect now and charges $299.00 (prorated): run again with --yes to confirm")
        #expect(try PlanChangeQuote.compensation(of: pro, creditsPerSeat: .whole(100), remaining: .whole(200), at: at(now)) == .whole(100))
    }

    @Test("R15 + R4: an upgrade charges the new price less the unused part of the period, by the second, never below zero", arguments: [
        ("a later tier", subscription("pro", seats: 2), "scale", nil, "2026-01-16T12:00:00Z", Int64(29_900), BillingInterval.monthly),
        ("monthly → yearly on the same tier", subscription("pro"), "pro", .yearly, "2026-01-16T12:00:00Z", 94_050, .yearly),
        ("one-time → yearly on the same tier", subscription("starter", .oneTime), "starter", .yearly, "2026-01-16T12:00:00Z", 18_050, .yearly),
        ("a year's unused price is more than a month of the new plan: $0", subscription("pro", .yearly), "scale", .monthly,
         "2026-01-01T00:00:00Z", 0, .monthly),
        ("one second in: the old month rounds to all of it", subscription("pro"), "scale", nil, "2026-01-01T00:00:01Z", 10_000, .monthly),
        ("one second left: nothing of the old month", subscription("pro"), "scale", nil, "2026-01-31T23:59:59Z", 19_900, .monthly),
        ("half a cent rounds up: $0.055 of Pro left", subscription("pro"), "scale", nil, "2026-01-31T23:35:12Z", 19_894, .monthly),
        ("the interval the target sells when the current one is not", subscription("pro"), "enterprise", nil,
         "2026-01-16T12:00:00Z", 999_000 - 4_950, .yearly),
        ("yearly to a later tier's yearly", subscription("business", .yearly, seats: 3), "enterprise", nil, "2026-07-02T12:00:00Z",
         3 * 999_000 - 598_500, .yearly), // half of 3 × $3,990 unused,
        ("during a trial: nothing now", subscription("pro", seats: 2, status: .trialing) { $0.trialEnd = at("2026-01-15T00:00:00Z") }, "scale", nil,
         "2026-01-10T00:00:00Z", 0, .monthly),
    ] as [(String, SubscriptionSchedule, String, BillingInterval?, String, Int64, BillingInterval)])
    func upgrades(name: String, s: SubscriptionSchedule, tier: String, interval: BillingInterval?, now: String, cents: Int64,
                  chosen: BillingInterval) throws {
        let quote = try Self.quote(s, to: tier, interval, at: now)
        #expect(quote.effect == .now(chargeCents: cents), "\(name)")
        #expect(quote.interval == chosen && quote.scheduledInterval == chosen && quote.takesEffectAt == nil)
    }

    @Test("R15 + R12a: a downgrade waits for the period's end (the trial's during a trial; the resume when billing stands still)", arguments: [
        ("an earlier tier", subscription("scale", start: "2026-01-16T12:00:00Z"), "pro", nil, "2026-01-20T00:00:00Z", "2026-02-16T12:00:00Z"),
        ("yearly → monthly on the same tier", subscription("pro", .yearly), "pro", .monthly, "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("monthly → one-time on the same tier", subscription("starter"), "starter", .oneTime, "2026-01-10T00:00:00Z", "2026-02-01T00:00:00Z"),
        ("an earlier tier sold yearly, from yearly", subscription("enterprise", .yearly), "business", nil, "2026-05-01T00:00:00Z",
         "2027-01-01T00:00:00Z"),
        ("during a trial: at its end", subscription("scale", status: .trialing) { $0.trialEnd = at("2026-01-15T00:00:00Z") }, "pro", nil,
         "2026-01-10T00:00:00Z", "2026-01-15T00:00:00Z"),
        ("a trial without an end: the billing period's end", subscription("scale", status: .trialing), "pro", nil, "2026-01-10T00:00:00Z",
         "2026-02-01T00:00:00Z"),
        ("Past due: at the period's end", subscription("scale", status: .pastDue) { $0.failedAt = at("2026-01-01T00:00:00Z") }, "pro", nil,
         "2026-01-02T00:00:00Z", "2026-02-01T00:00:00Z"),
        ("paused with its paid period still running: at the resume (billing stands still while paused)",
         subscription("scale", status: .paused) { $0.pausedFrom = .active }, "pro", nil, "2026-01-20T00:00:00Z", nil),
        ("paused after its paid period ended: at the resume", subscription("scale", status: .paused) { $0.pausedFrom = .active }, "pro", nil,
         "2026-02-01T00:00:00Z", nil),
        ("a paused trial: at the resume", subscription("scale", status: .paused) { $0.pausedFrom = .trialing; $0.trialEnd = at("2026-01-15T00:00:00Z") },
         "pro", nil, "2026-01-10T00:00:00Z", nil),
    ] as [(String, SubscriptionSchedule, String, BillingInterval?, String, String?)])
    func downgrades(name: String, s: SubscriptionSchedule, tier: String, interval: BillingInterval?, now: String, effective: String?) throws {
        let quote = try Self.quote(s, to: tier, interval, at: now)
        #expect(quote.effect == (effective.map { .atPeriodEnd(at($0)) } ?? .atResume), "\(name)")
        #expect(!quote.isUpgrade && quote.needsConfirmation && quote.takesEffectAt == effective.map(at))
        #expect(quote.scheduledInterval == quote.interval)
    }

    @Test("R15 + R12a: a paused subscription moving to Free ends with the paid period still running; no confirmation needed")
    func pausedToFree() throws {
        let paused = Self.subscription("scale", status: .paused) { $0.pausedFrom = .active }
        let quote = try Self.quote(paused, to: "free", at: "2026-01-20T00:00:00Z")
        #expect(quote.effect == .atPeriodEnd(at("2026-02-01T00:00:00Z")))
        #expect(!quote.needsConfirmation && quote.scheduledInterval == nil)
    }

    @Test("R15: what an unconfirmed downgrade says, with its date or at the resume")
    func downgradeMessages() throws {
        let scale = Self.subscription("scale", start: "2026-01-16T12:00:00Z")
        #expect(try Self.quote(scale, to: "pro", at: "2026-01-20T00:00:00Z").confirmationRequest
                == "Changing from Scale, monthly to Pro, monthly takes effect at the end of the current period, on 2026-02-16; "
                + "nothing is charged now: run again with --yes to confirm")
        let paused = Self.subscription("scale", .yearly, status: .paused) { $0.pausedFrom = .trialing }
        #expect(try Self.quote(paused, to: "pro", at: "2026-01-20T00:00:00Z").confirmationRequest
                == "Changing from Scale, yearly to Pro, yearly takes effect when the subscription is resumed; "
                + "nothing is charged now: run again with --yes to confirm")
    }

    @Test("R15: a move to Free is a downgrade at the period's end, needs no confirmation, keeps no interval")
    func toFree() throws {
        for s in [Self.subscription("scale", seats: 40), Self.subscription("pro", .yearly), Self.subscription("starter", .oneTime)] {
            let quote = try Self.quote(s, to: "free", .yearly, at: "2026-01-10T00:00:00Z")
            #expect(quote.toFree && !quote.needsConfirmation && !quote.isUpgrade)
            #expect(quote.scheduledInterval == nil)
            #expect(quote.takesEffectAt == s.billingEnd)
        }
    }

    @Test("R15: refusals, in the store's order", arguments: [
        ("an unknown plan", subscription("pro"), "gold", nil, "No plan gold (see coffer plans)"),
        ("an interval the target is not sold in", subscription("pro"), "enterprise", .monthly, "The Enterprise plan is sold yearly or one-time"),
        ("an individual plan has one seat", subscription("pro", seats: 2), "starter", .monthly, "The Starter plan has at most 1 seat"),
        ("more seats than the target allows", subscription("scale", seats: 501), "pro", nil, "The Pro plan has at most 500 seats"),
        ("the plan and interval it has", subscription("pro"), "pro", .monthly, "The subscription is already on Pro, monthly"),
        ("no interval: the current one", subscription("pro", .yearly), "pro", nil, "The subscription is already on Pro, yearly"),
        ("an upgrade while Past due", subscription("pro", status: .pastDue), "scale", nil,
         "Your subscription is Past due: pay the open invoice first (coffer subscription retry)"),
        ("an upgrade while Incomplete", subscription("pro", status: .incomplete), "pro", .yearly,
         "Your subscription is Incomplete: pay the open invoice first (coffer subscription retry)"),
        ("an upgrade while Paused", subscription("pro", status: .paused) { $0.pausedFrom = .active }, "business", nil,
         "Your subscription is Paused: pay the open invoice first (coffer subscription retry)"),
    ] as [(String, SubscriptionSchedule, String, BillingInterval?, String)])
    func refusals(name: String, s: SubscriptionSchedule, tier: String, interval: BillingInterval?, message: String) {
        #expect(throws: CofferError(message), "\(name)") { try Self.quote(s, to: tier, interval, at: "2026-01-10T00:00:00Z") }
    }

    @Test("R15 + R4: the compensation is the unused share of the old period credits, by the second, capped by what is left", arguments: [
        ("half of January, all left", subscription("pro", seats: 2), "100", "200", "2026-01-16T12:00:00Z", "100"),
        ("half of January, some spent: what is left", subscription("pro", seats: 2), "100", "60", "2026-01-16T12:00:00Z", "60"),
        ("everything spent: nothing", subscription("pro", seats: 2), "100", "0", "2026-01-16T12:00:00Z", "0"),
        ("half of February (28 days)", subscription("pro") { $0.creditIndex = 1 }, "100", "100", "2026-02-15T00:00:00Z", "50"),
        ("one second left rounds to nothing", subscription("pro"), "100", "100", "2026-01-31T23:59:59Z", "0"),
        ("half a millicredit rounds up", subscription("pro"), "100", "100", "2026-01-31T23:32:06Z", "0.063"),
        ("at the period's start: all of it", subscription("scale", seats: 3), "250", "750", "2026-01-01T00:00:00Z", "750"),
        ("yearly billing: the monthly credit period counts (half of June)", subscription("pro", .yearly) { $0.creditIndex = 5 }, "100", "100",
         "2026-06-16T00:00:00Z", "50"),
    ] as [(String, SubscriptionSchedule, String, String, String, String)])
    func compensation(name: String, s: SubscriptionSchedule, perSeat: String, remaining: String, now: String, expected: String) throws {
        let value = try PlanChangeQuote.compensation(of: s, creditsPerSeat: Credits.parse(perSeat), remaining: Credits.parse(remaining),
                                                     at: at(now))
        #expect(value == (try Credits.parse(expected)), "\(name)")
    }

    @Test("R1: a charge or a compensation that would overflow is an error")
    func overflow() {
        let huge = Self.subscription("pro", seats: .max)
        #expect(throws: CofferError.self) {
            try PlanChangeQuote.upgradeCharge(of: huge, terms: Self.terms("pro", .monthly), newSeatPriceCents: 19_900, at: at("2026-01-10T00:00:00Z"))
        }
        #expect(throws: CofferError.self) {
            try PlanChangeQuote.compensation(of: huge, creditsPerSeat: .whole(100), remaining: .whole(1), at: at("2026-01-10T00:00:00Z"))
        }
    }
}
