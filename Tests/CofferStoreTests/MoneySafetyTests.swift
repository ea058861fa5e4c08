@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// Issue #14 on real databases: paused trials (R12a), operator seat changes (R9), confirmation of
/// every change between paid plans (R15), what `check` finds in member spending (SPEC §10, R30),
/// batches that never half-write, and stored values this build does not know.
@Suite("Money safety (R9, R12a, R15, R30, SPEC §10)")
struct MoneySafetyTests {
    static let good = "4242424242424242", failing = "4000000000000341"

    /// A workspace with ada as primary owner and a card; nothing subscribed yet.
    static func workspace(now: String = "2026-01-10T10:00:00Z", card: String = good) throws -> (StoreFixture, CofferStore, Actor) {
        let fixture = try StoreFixture(now: now)
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: ada, number: card)
        return (fixture, store, ada)
    }

    /// Subscribes with a charge now (no trial): billing history first, then checkout pays at once.
    static func paid(_ store: CofferStore, _ ada: Actor, plan: String, interval: BillingInterval = .monthly, seats: Int64 = 1) throws {
        try Subscriptions(store).subscribe(actor: ada, plan: plan, interval: interval, seats: seats)
        if try Subscriptions(store).show(actor: ada).status == .trialing {
            _ = try Subscriptions(store).cancel(actor: ada, now: true)
            try Subscriptions(store).subscribe(actor: ada, plan: plan, interval: interval, seats: seats)
        }
    }

    static func invoices(_ store: CofferStore, _ ada: Actor) throws -> [Invoice] { try Billing(store).invoices(actor: ada) }

    static func sound(_ store: CofferStore) throws {
        let report = try LedgerCheck(store).run()
        #expect(report.isSound, "\(report.violations)")
    }

    // MARK: R12a

    @Test("R12a: a trial paused and resumed before its end keeps its remaining days; nothing is charged")
    func pausedTrialKeepsDays() throws {
        let (fixture, store, ada) = try Self.workspace()
        let subscriptions = Subscriptions(store)
        let trialEnd = try #require(try subscriptions.subscribe(actor: ada, plan: "pro", interval: .monthly).trialEnd)
        fixture.now += 4 * UTC.day
        #expect(try subscriptions.pause(actor: ada).status == .paused)
        fixture.now += 6 * UTC.day
        let resumed = try subscriptions.resume(actor: ada)
        #expect(resumed.status == .trialing)
        #expect(resumed.trialEnd == trialEnd + 6 * UTC.day)
        #expect(try Self.invoices(store, ada).isEmpty)
        fixture.now = trialEnd + 6 * UTC.day + 60
        try store.settle()
        #expect(try subscriptions.show(actor: ada).status == .active)
        #expect(try Self.invoices(store, ada).map(\.createdAt) == [trialEnd + 6 * UTC.day])
        try Self.sound(store)
    }

    @Test("R12a: a trial that would have ended while paused is charged at resume: success → Active, failure → Past due",
          arguments: [(good, SubscriptionStatus.active, "paid"), (failing, .pastDue, "failed")])
    func pausedTrialEndedWhilePaused(card: String, expected: SubscriptionStatus, invoice: String) throws {
        let (fixture, store, ada) = try Self.workspace(card: card)
        let subscriptions = Subscriptions(store)
        let trialEnd = try #require(try subscriptions.subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 2).trialEnd)
        fixture.now += 4 * UTC.day
        _ = try subscriptions.pause(actor: ada)
        fixture.now = trialEnd + 5 * UTC.day
        try store.settle()
        #expect(try Self.invoices(store, ada).isEmpty, "nothing charged while paused")
        #expect(try subscriptions.resume(actor: ada).status == expected)
        let charged = try Self.invoices(store, ada)
        #expect(charged.map(\.status) == [invoice])
        #expect(charged.first?.createdAt == fixture.now)
        #expect(charged.first?.amountCents == Int64(2 * 9_900))
        try Self.sound(store)
    }

    @Test("R12a: a paid period that ended while paused is charged again at resume; one still running is not")
    func pausedPaidPeriod() throws {
        let (fixture, store, ada) = try Self.workspace()
        try Self.paid(store, ada, plan: "pro")
        let subscriptions = Subscriptions(store)
        let before = try Self.invoices(store, ada).count
        fixture.now += 3 * UTC.day
        _ = try subscriptions.pause(actor: ada)
        fixture.now += 3 * UTC.day
        #expect(try subscriptions.resume(actor: ada).status == .active)
        #expect(try Self.invoices(store, ada).count == before, "the paid period goes on")
        _ = try subscriptions.pause(actor: ada)
        fixture.now += 40 * UTC.day
        try store.settle()
        #expect(try Self.invoices(store, ada).count == before, "no renewal while paused")
        #expect(try subscriptions.resume(actor: ada).status == .active)
        let last = try #require(try Self.invoices(store, ada).first)
        #expect(last.status == "paid" && last.createdAt == fixture.now)
        try Self.sound(store)
    }

    // MARK: R9

    @Test("R9: an operator's Business seat change applies from the next period, and that period's renewal charges the new count")
    func operatorSeatsMonthly() throws {
        let (fixture, store, ada) = try Self.workspace()
        try Self.paid(store, ada, plan: "business", seats: 2)
        let from = try Seats(store).operatorSet(workspace: try Workspaces(store).workspace(nil), seats: 3)
        fixture.now = from + 60
        try store.settle()
        #expect(try Subscriptions(store).show(actor: ada).seats == 3)
        let renewal = try #require(try Self.invoices(store, ada).first)
        #expect(renewal.createdAt == from && renewal.amountCents == 3 * 39_900, "\(renewal)")
        let granted = try store.snapshot { sql in
            try sql.int("SELECT sum(amount) FROM grants WHERE source = 'subscription_renewal' AND created_at = ?", .int(from))
        }
        #expect(granted == Int64(3 * 600_000))
        try Self.sound(store)
    }

    @Test("R9: on yearly billing the added seat is charged, prorated, at the refresh it starts from")
    func operatorSeatsYearly() throws {
        let (fixture, store, ada) = try Self.workspace(now: "2026-01-01T00:00:00Z")
        try Self.paid(store, ada, plan: "business", interval: .yearly, seats: 2)
        let from = try Seats(store).operatorSet(workspace: try Workspaces(store).workspace(nil), seats: 3)
        #expect(from == (try UTC.parse("2026-02-01T00:00:00Z")))
        fixture.now = from + 60
        try store.settle()
        #expect(try Subscriptions(store).show(actor: ada).seats == 3)
        let charge = try #require(try Self.invoices(store, ada).first)
        let expected = try Proration.cents(399_000, remaining: (try UTC.parse("2027-01-01T00:00:00Z")) - from, of: 365 * UTC.day)
        #expect(charge.createdAt == from && charge.amountCents == expected && charge.status == "paid", "\(charge)")
        try Self.sound(store)
    }

    @Test("R9: a declined seat charge leaves the change waiting: no seat is used unbilled")
    func operatorSeatsDeclined() throws {
        let (fixture, store, ada) = try Self.workspace(now: "2026-01-01T00:00:00Z")
        try Self.paid(store, ada, plan: "business", interval: .yearly, seats: 2)
        try Billing(store).setCard(actor: ada, number: Self.failing)
        let from = try Seats(store).operatorSet(workspace: try Workspaces(store).workspace(nil), seats: 3)
        fixture.now = from + 60
        try store.settle()
        #expect(try Subscriptions(store).show(actor: ada).seats == 2)
        #expect(try Self.invoices(store, ada).first?.status == "failed")
    }

    // MARK: R15

    @Test("R15: every change between paid plans asks first, downgrades too; without --yes nothing is written")
    func confirmation() throws {
        let (_, store, ada) = try Self.workspace()
        try Self.paid(store, ada, plan: "scale")
        let periodEnd = try #require(try Subscriptions(store).show(actor: ada).periodEnd)
        let fingerprint = try store.ledgerFingerprint()
        #expect(throws: CofferError("Changing from Scale, monthly to Pro, monthly takes effect at the end of the current period, on "
                                    + "\(UTC.dateString(periodEnd)); nothing is charged now: run again with --yes to confirm")) {
            try Subscriptions(store).change(actor: ada, plan: "pro", interval: nil, confirmed: false)
        }
        #expect(throws: CofferError.self) { try Subscriptions(store).change(actor: ada, plan: "business", interval: nil, confirmed: false) }
        #expect(try store.ledgerFingerprint() == fingerprint)
        #expect(try Subscriptions(store).show(actor: ada).scheduledPlan == nil)
        #expect(try Subscriptions(store).change(actor: ada, plan: "pro", interval: nil, confirmed: true) == .scheduled(at: periodEnd))
        // Free is not a paid plan: moving there needs no confirmation (it is a cancellation at period end).
        #expect(try Subscriptions(store).change(actor: ada, plan: "free", interval: nil, confirmed: false) == .scheduled(at: periodEnd))
    }

    // MARK: SPEC §10, R30

    /// A Pro team whose member bob has a $1 limit and has spent $0.600.
    static func spendingTeam() throws -> (StoreFixture, CofferStore, Actor, Actor) {
        let (fixture, store, ada) = try Self.workspace()
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 2)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        let bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: nil)
        try Members(store).acceptInvite(actor: bob)
        try Members(store).setLimit(actor: ada, email: "bob@acme.test", limit: .whole(1))
        _ = try Usage(store).consume(actor: bob, request: UsageRequest(eventID: "b-1", service: "gpt-4o", credits: Credits(millicredits: 600)))
        return (fixture, store, ada, bob)
    }

    @Test("SPEC §10: check compares each member's cached use with the ledger's draws for that member and period")
    func cachedUseEdited() throws {
        let (fixture, store, ada, _) = try Self.spendingTeam()
        try Self.sound(store)
        try fixture.rawWrite { try $0.run("UPDATE member_spend SET used = 100") }
        let report = try LedgerCheck(store).run()
        #expect(report.violations.contains { $0.hasPrefix("member spend of bob@acme.test in workspace 1, period from 2026-01-10: cached $0.100 != the ledger's $0.600") },
                "\(report.violations)")
        _ = ada
    }

    @Test("R30, SPEC §10: a limit lowered below what was used is no violation; a debit past the limit in force is")
    func limitInForce() throws {
        let (fixture, store, ada, bob) = try Self.spendingTeam()
        try Members(store).setLimit(actor: ada, email: "bob@acme.test", limit: Credits(millicredits: 500))
        try Self.sound(store)
        #expect(throws: CofferError("Credit limit reached: you have used $0.600 of your $0.500 limit this period")) {
            try Usage(store).consume(actor: bob, request: UsageRequest(eventID: "b-2", service: "gpt-4o", credits: Credits(millicredits: 1)))
        }
        // A history that says the $0.500 limit held before b-1 was debited: b-1 crossed it.
        try fixture.rawWrite { try $0.run("UPDATE member_limits SET after_usage = 0 WHERE credit_limit = 500") }
        let report = try LedgerCheck(store).run()
        #expect(report.violations.contains { $0.hasPrefix("usage event 1 took bob@acme.test") && $0.contains("past the $0.500 limit") },
                "\(report.violations)")
    }

    // MARK: Batches

    @Test("R33, R40: each event of a batch runs in its own savepoint — a refusal after a write rolls back that event alone")
    func savepoints() throws {
        let (fixture, store, ada) = try Self.workspace()
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly)
        let pool = try Balances(store).report(for: ada).poolCredits
        // "boom" takes the pool below the alert (the first write of its own), and the database
        // refuses that alert; "ok-2" crosses the alert again from "ok-1"'s balance, and may.
        try TeamSettings(store).setAlert(actor: ada, threshold: Credits(millicredits: pool.millicredits - 2_000))
        let boomed = Credits(millicredits: pool.millicredits - 3_000)
        try fixture.rawWrite {
            try $0.refuseInserts("refuse_boom", into: "alerts", when: "NEW.message LIKE '%is at \(boomed),%'", message: "boom refused")
        }
        let file = fixture.folder.appendingPathComponent("batch.jsonl")
        try Data("""
            {"id": "ok-1", "service": "gpt-4o", "credits": "1"}
            {"id": "boom", "service": "gpt-4o", "credits": "2"}
            {"id": "ok-2", "service": "gpt-4o", "credits": "4"}
            """.utf8).write(to: file)
        let report = try Usage(store).importFile(actor: ada, path: file.path)
        #expect(report.inserted == 2)
        #expect(report.rejected.map(\.line) == [2])
        #expect(try Balances(store).report(for: ada).poolCredits.millicredits == pool.millicredits - 5_000)
        let spends = try store.snapshot { try $0.int("SELECT count(*) FROM entries WHERE kind = 'spend'") }
        #expect(spends == 2)
        let alerts = try store.snapshot { try $0.int("SELECT count(*) FROM alerts WHERE kind = 'low_balance'") }
        #expect(alerts == 1) // ok-2's
        try Self.sound(store)
    }

    @Test("A stored status or interval this build does not know is an error naming the row")
    func unknownStoredValues() throws {
        let (fixture, store, ada) = try Self.workspace()
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly)
        try fixture.rawWrite { try $0.run("UPDATE subscriptions SET status = 'frozen'") }
        #expect(throws: CofferError("Subscription 1 has an unknown status frozen: run coffer check, or upgrade Coffer")) {
            try Subscriptions(store).show(actor: ada)
        }
        try fixture.rawWrite { try $0.run("UPDATE subscriptions SET status = 'active', scheduled_interval = 'weekly'") }
        #expect(throws: CofferError("Subscription 1 has an unknown scheduled_interval weekly: run coffer check, or upgrade Coffer")) {
            try Usage(store).consume(actor: ada, request: UsageRequest(eventID: "x", service: "gpt-4o"))
        }
    }
}
