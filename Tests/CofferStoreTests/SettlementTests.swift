@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// R15a, R20–R21, R23 on real databases.
@Suite("Settlement and credits over time (R15a, R20–R23)")
struct SettlementTests {
    static let cards = ["4242424242424242", "4000000000000341", nil]

    /// A random scenario: a workspace subscribes, then commands happen at random times.
    struct Scenario {
        var commands: [(time: Timestamp, run: (CofferStore, Actor) throws -> Void)] = []
        var end: Timestamp = 0
    }

    static func scenario(seed: UInt64) throws -> Scenario {
        var rng = SeededRandom(seed: seed)
        let start = UTC.timestamp(UTC.DateTime(year: 2024 + Int64(rng.next() % 3), month: 1 + Int64(rng.next() % 12),
                                               day: [1, 15, 28, 29, 30, 31][Int(rng.next() % 6)] , hour: Int64(rng.next() % 24)))
        let start_ = UTC.addingMonths(0, to: start) // normalises an invalid day (e.g. Feb 30) to a real moment
        let plans = ["starter", "pro", "scale", "business", "enterprise"]
        let tier = plans[Int(rng.next() % UInt64(plans.count))]
        let plan = StoreFixture.catalog.plan(tier)!
        let interval = plan.intervals[Int(rng.next() % UInt64(plan.intervals.count))]
        let seats = 1 + Int64(rng.next() % UInt64(min(4, plan.maxSeats)))
        let card = cards[Int(rng.next() % 3)]
        let skipTrial = rng.next() % 2 == 0
        var scenario = Scenario()
        var time = start_
        scenario.commands.append((time, { store, actor in
            if skipTrial {
                try Subscriptions(store).subscribe(actor: actor, plan: tier, interval: interval, seats: seats, card: "4242424242424242")
                _ = try Subscriptions(store).cancel(actor: actor, now: true)
            }
            if let card { try Billing(store).setCard(actor: actor, number: card) }
            try Subscriptions(store).subscribe(actor: actor, plan: tier, interval: interval, seats: seats)
        }))
        for _ in 0..<Int(rng.next() % 5) {
            time += Int64(rng.next() % 90) * UTC.day + Int64(rng.next() % 86_400)
            let pick = rng.next() % 5
            let card = cards[Int(rng.next() % 2)]!
            scenario.commands.append((time, { store, actor in
                switch pick {
                case 0: try CreditPacks(store).buy(actor: actor, amount: .whole(25))
                case 1: try Billing(store).setCard(actor: actor, number: card)
                case 2: _ = try Subscriptions(store).pause(actor: actor)
                case 3: _ = try Subscriptions(store).resume(actor: actor)
                default: _ = try Subscriptions(store).cancel(actor: actor, now: false)
                }
            }))
        }
        scenario.end = time + Int64(rng.next() % 400) * UTC.day
        return scenario
    }

    /// Runs a scenario; with `daily`, settles at every day in between as well.
    static func run(_ scenario: Scenario, daily: Bool) throws -> String {
        let fixture = try StoreFixture()
        fixture.now = scenario.commands[0].time
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let actor = try Workspaces(store).actor(email: "ada@acme.test", workspace: workspace.slug)
        var clock = fixture.now
        for command in scenario.commands + [(time: scenario.end, run: { _, _ in })] {
            if daily {
                while clock + UTC.day < command.time {
                    clock += UTC.day
                    fixture.now = clock
                    try store.settle()
                }
            }
            clock = command.time
            fixture.now = clock
            do { try command.run(store, actor) } catch is CofferError {}
        }
        try store.settle()
        let report = try LedgerCheck(store).run()
        #expect(report.isSound, "\(report.violations)")
        let fingerprint = try store.ledgerFingerprint()
        try store.settle()
        #expect(try store.ledgerFingerprint() == fingerprint, "settling twice at the same time changed the ledger")
        return fingerprint
    }

    @Test("R15a: settling once equals settling every day, and twice equals once (seeded property)",
          arguments: Array(UInt64(1)...UInt64(24)))
    func settlementIdempotence(seed: UInt64) throws {
        let scenario = try Self.scenario(seed: seed)
        let jumped = try Self.run(scenario, daily: false)
        let stepped = try Self.run(scenario, daily: true)
        let a = jumped.split(separator: "\n"), b = stepped.split(separator: "\n")
        if let index = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (a.count == b.count ? nil : min(a.count, b.count)) {
            Issue.record("first difference at line \(index):\n jumped:  \(index < a.count ? a[index] : "—")\n stepped: \(index < b.count ? b[index] : "—")")
        }
    }

    @Test("R20: Pro, 3 seats, a $25 pack and a rollover: the pool equals the formula to the millicredit")
    func poolFormula() throws {
        let fixture = try StoreFixture(now: "2026-01-31T10:00:00Z")
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let actor = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: actor, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: actor, plan: "pro", interval: .monthly, seats: 3)
        try OperatorActions(store).adjust(workspace: workspace.ref, amount: Credits(millicredits: -212_345), reason: "spent")
        try CreditPacks(store).buy(actor: actor, amount: .whole(25))
        try fixture.at("2026-02-28T10:00:00Z")
        try store.settle()
        let grant = Credits.whole(100 * 3)
        let rollover = Credits(millicredits: 300_000 - 212_345) // unused, under the 50% cap of $150
        let total = try grant.adding(.whole(25)).adding(rollover).adding(StoreFixture.catalog.freePlan.workspaceGrant)
        #expect(try Balances(store).teamPoolCredits(workspace: workspace.id) == total)
        #expect(total == Credits(millicredits: 417_655))
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R21: rollover and expiry across 12 monthly refreshes, monthly and yearly; check after every step",
          arguments: [BillingInterval.monthly, .yearly])
    func twelveRefreshes(interval: BillingInterval) throws {
        let fixture = try StoreFixture(now: "2025-01-31T00:00:00Z")
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let actor = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: actor, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: actor, plan: "pro", interval: interval, seats: 2) // trial: 14 days
        let free = StoreFixture.catalog.freePlan.workspaceGrant.millicredits
        var expected = free + 200_000
        #expect(try Balances(store).teamPoolCredits(workspace: workspace.id).millicredits == expected)
        for month in 1...12 {
            fixture.now = UTC.addingMonths(Int64(month), to: try UTC.parse("2025-01-31T00:00:00Z"))
            try store.settle()
            // Nothing is spent: the old rollover expires, half the last grant rolls (50% cap), a new grant arrives.
            expected = free + (month == 1 ? 100_000 : 100_000) + 200_000
            #expect(try Balances(store).teamPoolCredits(workspace: workspace.id).millicredits == expected, "month \(month)")
            let report = try LedgerCheck(store).run()
            #expect(report.isSound, "month \(month): \(report.violations)")
        }
        let refreshes = try store.snapshot { try $0.int("SELECT count(*) FROM adjustments WHERE type = 'subscription_renewal'") }
        #expect(refreshes == 13)
        let paid = try Billing(store).invoices(actor: actor).filter { $0.status == "paid" }.count
        #expect(paid == (interval == .monthly ? 12 : 1), "renewal charges")
        let dates = try store.snapshot { try $0.ints("SELECT created_at FROM adjustments WHERE type = 'subscription_renewal' ORDER BY id") }
        #expect(dates.prefix(3).map(UTC.dateString) == ["2025-01-31", "2025-02-28", "2025-03-31"])
    }

    @Test("R21: a plan without rollover resets (Package reset)")
    func packageReset() throws {
        let fixture = try StoreFixture(now: "2024-01-31T00:00:00Z")
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Solo", owner: "sam@solo.test")
        let actor = try Workspaces(store).actor(email: "sam@solo.test", workspace: nil)
        try Subscriptions(store).subscribe(actor: actor, plan: "starter", interval: .monthly, card: "4242424242424242")
        try fixture.at("2024-02-29T00:00:00Z") // a leap day
        try store.settle()
        let types = try store.snapshot { try $0.all("SELECT type || ' ' || amount FROM adjustments ORDER BY id") { $0.text(0) } }
        #expect(types == ["free_workspace_grant 5000", "subscription_renewal 20000", "package_reset -20000", "subscription_renewal 20000"])
        #expect(try Balances(store).teamPoolCredits(workspace: workspace.id) == Credits.whole(25))
    }

    @Test("R23: an owner or a member buying a pack is refused with R23's message and nothing changes")
    func packRefusals() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let primary = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        #expect(throws: CofferError("Subscribe to a plan first to purchase credit packs")) {
            try CreditPacks(store).buy(actor: primary, amount: .whole(10))
        }
        try Subscriptions(store).subscribe(actor: primary, plan: "pro", interval: .monthly, card: "4242424242424242")
        try fixture.addMember("olga@acme.test", role: .owner, to: store, workspace: workspace.id)
        try fixture.addMember("max@acme.test", role: .member, to: store, workspace: workspace.id)
        let before = try store.ledgerFingerprint()
        for email in ["olga@acme.test", "max@acme.test"] {
            let actor = try Workspaces(store).actor(email: email, workspace: nil)
            #expect(try CreditPacks(store).state(actor: actor).message == "Only the team creator can purchase credit packs")
            #expect(throws: CofferError("Only the team creator can purchase credit packs")) {
                try CreditPacks(store).buy(actor: actor, amount: .whole(10))
            }
        }
        #expect(try store.ledgerFingerprint() == before)
        #expect(throws: CofferError("Credit packs come in $10, $25, $50, $100, $500 and $1,000 (not $11.000)")) {
            try CreditPacks(store).buy(actor: primary, amount: .whole(11))
        }
        _ = try Subscriptions(store).pause(actor: primary)
        #expect(throws: CofferError("Your subscription is Paused: packs can be bought again once it is active")) {
            try CreditPacks(store).buy(actor: primary, amount: .whole(10))
        }
        _ = try Subscriptions(store).resume(actor: primary)
        #expect(try CreditPacks(store).buy(actor: primary, amount: .whole(50), count: 2) > .whole(100))
    }

    @Test("R15a: a clock behind the last settled time settles nothing and says so")
    func clockBehind() throws {
        let fixture = try StoreFixture(now: "2026-01-01T00:00:00Z")
        let warnings = WarningLog()
        let store = try CofferStore(path: fixture.path, catalog: StoreFixture.catalog, warn: { warnings.add($0) }, clock: { fixture.now })
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let actor = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Subscriptions(store).subscribe(actor: actor, plan: "pro", interval: .monthly, card: "4242424242424242")
        try fixture.at("2026-03-01T00:00:00Z")
        #expect(try store.settle() > 0)
        let settled = try store.ledgerFingerprint()
        try fixture.at("2026-02-01T00:00:00Z")
        #expect(try store.settle() == 0)
        #expect(warnings.lines == ["The clock (2026-02-01T00:00:00Z) is behind the last settled time (2026-03-01T00:00:00Z): nothing was settled"])
        #expect(try store.ledgerFingerprint() == settled)
    }
}

/// Collects warnings from a store.
final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
