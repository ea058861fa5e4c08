@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// R24, R28–R37 on real databases: the worked examples exactly, checks, refusals, exactly-once.
@Suite("Consumption (R24, R28–R37)")
struct ConsumptionTests {
    /// A Pro team (trialing: active) with ada as primary owner, members bob and carol, and `pool` credits.
    static func team(pool: Int64? = nil, strategy: String = "per_team", seats: Int64 = 3,
                     catalog: Catalog = StoreFixture.catalog) throws -> (StoreFixture, CofferStore, Actor) {
        let fixture = try StoreFixture(now: "2026-01-10T10:00:00Z")
        let store = try CofferStore(path: fixture.path, catalog: catalog, clock: { fixture.now })
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: seats, strategy: strategy)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test", "carol@acme.test"])
        for email in ["bob@acme.test", "carol@acme.test"] { try Members(store).acceptInvite(actor: actor(store, email)) }
        if let pool {
            let now = try Balances(store).teamPoolCredits(workspace: ada.workspaceID)
            try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: Credits(millicredits: pool - now.millicredits), reason: "set up")
        }
        return (fixture, store, ada)
    }

    static func actor(_ store: CofferStore, _ email: String) throws -> Actor { try Workspaces(store).actor(email: email, workspace: nil) }

    static func use(_ store: CofferStore, _ actor: Actor, _ service: String, quantity: Int64? = nil, credits: Credits? = nil,
                    id: String = UUID().uuidString, for member: String? = nil) throws -> UsageResult {
        try Usage(store).consume(actor: actor, request: UsageRequest(eventID: id, service: service, quantity: quantity.map(Quantity.whole),
                                                                      credits: credits, forEmail: member))
    }

    static func pool(_ store: CofferStore, _ ada: Actor, _ asset: Asset = .credits) throws -> Int64 {
        try Balances(store).report(for: ada).wallets.first { $0.kind == .teamPool && $0.asset == asset }?.balance ?? 0
    }

    @Test("R37: $50, threshold $10, amount $20, cap $100: use $42 → $28 (recharged); use $15 → $13, no recharge")
    func r37() throws {
        let (_, store, ada) = try Self.team(pool: 50_000)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(10), amount: .whole(20),
                                                maxPeriodSpend: .some(.whole(100)))
        let first = try Self.use(store, ada, "gpt-4o", credits: .whole(42))
        #expect(first.recharge == "recharged: bought $20.000 of credits")
        #expect(try Self.pool(store, ada) == 28_000)
        let second = try Self.use(store, ada, "gpt-4o", credits: .whole(15))
        #expect(second.recharge == nil)
        #expect(try Self.pool(store, ada) == 13_000)
        #expect(try Billing(store).invoices(actor: ada).first?.description == "Auto-recharge: $20.000 of credits")
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R29/R35: a PER_TEAM pool of 100 hours: A uses 30 → 70, B 40 → 30 + 50 recharged → 80; the owner's 10 untouched")
    func mentorshipHours() throws {
        let (_, store, ada) = try Self.team()
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(1_500), amount: .whole(2_000),
                                                maxPeriodSpend: .some(nil))
        let hours = Asset.service("mentorship-hour")
        _ = try Self.use(store, Self.actor(store, "bob@acme.test"), "mentorship-hour", quantity: 30)
        #expect(try Self.pool(store, ada, hours) == 70_000)
        let b = try Self.use(store, Self.actor(store, "carol@acme.test"), "mentorship-hour", quantity: 40)
        #expect(b.recharge == "recharged: bought 50 mentorship-hour")
        #expect(try Self.pool(store, ada, hours) == 80_000)
        let own = try Balances(store).report(for: ada).wallets.first { $0.kind == .personal && $0.asset == hours }
        #expect(own?.balance == 10_000)
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R27/R29: PER_SEAT: A (1×) gets 10 hours, uses 8 → 2 and cannot use B's; C (2×) gets 20, uses 15 → 5")
    func perSeatHours() throws {
        var json = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../assets/plans.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: #"{"service": "mentorship-hour", "amount": "100", "is_team_allowed": true}"#,
                                         with: #"{"service": "mentorship-hour", "amount": "10", "is_team_allowed": true}"#)
        let catalog = try Catalog.load(json: Data(json.utf8), source: "test")
        let (_, store, ada) = try Self.team(strategy: "per_seat", seats: 4, catalog: catalog)
        try Members(store).setMultiplier(actor: ada, email: "carol@acme.test", multiplier: 2)
        let hours = Asset.service("mentorship-hour")
        func seat(_ email: String) throws -> Int64? {
            let report = try Balances(store).report(for: ada)
            return report.wallets.first(where: { wallet in wallet.kind == .seat && wallet.asset == hours && wallet.holder == email })?.balance
        }
        #expect(try seat("bob@acme.test") == 10_000)
        #expect(try seat("carol@acme.test") == 20_000)
        _ = try Self.use(store, Self.actor(store, "bob@acme.test"), "mentorship-hour", quantity: 8)
        #expect(try seat("bob@acme.test") == 2_000)
        let more = try Self.use(store, Self.actor(store, "bob@acme.test"), "mentorship-hour", quantity: 3)
        #expect(more.units == Quantity(milliunits: 2_000) && more.credits == Credits(millicredits: 40_000), "2 hours from A's allowance, 1 in credits — none of B's")
        #expect(more.wallets == ["seat"])
        _ = try Self.use(store, Self.actor(store, "carol@acme.test"), "mentorship-hour", quantity: 15)
        #expect(try seat("carol@acme.test") == 5_000)
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R29: Personal access pays from the personal wallet; an unlimited allowance is free and never recharges")
    func personalAndUnlimited() throws {
        let (_, store, ada) = try Self.team()
        let bob = try Self.actor(store, "bob@acme.test")
        _ = try Members(store).switchSelf(actor: bob, toPersonal: true)
        #expect(throws: CofferError("Insufficient credits: balance $0.000, needed $0.015")) { try Self.use(store, bob, "gpt-4o", quantity: 1) }
        _ = try Billing(store).setPersonalCard(email: "bob@acme.test", number: "4242424242424242")
        try CreditPacks(store).buy(actor: bob, amount: .whole(10), personal: true)
        #expect(try Self.use(store, bob, "gpt-4o", quantity: 2).wallets == ["personal"])
        // Scale's event tickets are unlimited for the team.
        _ = try Subscriptions(store).change(actor: ada, plan: "scale", interval: nil, confirmed: true)
        let before = try store.ledgerFingerprint()
        let free = try Self.use(store, Self.actor(store, "carol@acme.test"), "event-ticket", quantity: 500)
        #expect(free.unlimited && free.credits == .zero && free.units == .zero)
        #expect(try store.ledgerFingerprint().split(separator: "\n").filter { $0.hasPrefix("E") } == before.split(separator: "\n").filter { $0.hasPrefix("E") })
    }

    @Test("R30: whitelist, status, limit (then switch to Personal and continue), insufficient — exact messages, nothing written")
    func checks() throws {
        let (_, store, ada) = try Self.team()
        let bob = try Self.actor(store, "bob@acme.test")
        try TeamSettings(store).setWhitelist(actor: ada, models: ["claude-sonnet-4"])
        #expect(throws: CofferError("This model is not on your team's whitelist")) { try Self.use(store, bob, "gpt-4o") }
        _ = try Self.use(store, bob, "claude-sonnet-4")
        try Members(store).setLimit(actor: ada, email: "bob@acme.test", limit: .whole(50))
        _ = try Self.use(store, bob, "claude-sonnet-4", credits: .whole(45))
        let before = try store.ledgerFingerprint()
        #expect(throws: CofferError("Credit limit reached: you have used $45.020 of your $50.000 limit this period")) {
            try Self.use(store, bob, "claude-sonnet-4", credits: .whole(5))
        }
        #expect(try store.ledgerFingerprint() == before)
        _ = try Members(store).switchSelf(actor: bob, toPersonal: true)
        _ = try Billing(store).setPersonalCard(email: "bob@acme.test", number: "4242424242424242")
        try CreditPacks(store).buy(actor: bob, amount: .whole(10), personal: true)
        #expect(try Self.use(store, bob, "gpt-4o", credits: .whole(5)).wallets == ["personal"], "the whitelist is the team's, not his")
        #expect(try Members(store).list(actor: ada).first { $0.email == "bob@acme.test" }?.usedThisPeriod == Credits(millicredits: 45_020))
        _ = try Subscriptions(store).pause(actor: ada)
        #expect(throws: CofferError("Your team's subscription is Paused: team credits cannot be spent")) {
            try Self.use(store, Self.actor(store, "carol@acme.test"), "gpt-4o")
        }
    }

    @Test("R33: a refused event can be retried with the same id after a top-up; duplicates charge once; conflicts name the id")
    func exactlyOnce() throws {
        let (_, store, ada) = try Self.team(pool: 1_000)
        let request = UsageRequest(eventID: "evt-1", service: "gpt-4o", credits: .whole(2))
        #expect(throws: CofferError("Insufficient credits: balance $1.000, needed $2.000")) { try Usage(store).consume(actor: ada, request: request) }
        try CreditPacks(store).buy(actor: ada, amount: .whole(10))
        let first = try Usage(store).consume(actor: ada, request: request)
        #expect(!first.duplicate && first.credits == Credits(millicredits: 2_000))
        let again = try Usage(store).consume(actor: ada, request: request)
        #expect(again.duplicate && again.credits == Credits(millicredits: 2_000))
        #expect(try Self.pool(store, ada) == 9_000)
        var conflicting = request
        conflicting.credits = .whole(3)
        #expect(throws: CofferError("Usage event evt-1 was already recorded with a different payload")) {
            try Usage(store).consume(actor: ada, request: conflicting)
        }
    }

    @Test("R36: a refusal and its alert are committed even when the debit then fails; a declined card switches recharge off")
    func refusalsCommitted() throws {
        let (_, store, ada) = try Self.team(pool: 5_000)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(10), amount: .whole(20),
                                                maxPeriodSpend: .some(.zero))
        #expect(throws: CofferError("Insufficient credits: balance $5.000, needed $6.000")) { try Self.use(store, ada, "gpt-4o", credits: .whole(6)) }
        var report = try Balances(store).report(for: ada)
        #expect(report.rechargeLog.first?.message == "Billing period limit reached")
        #expect(report.alerts.first?.message == "Auto-recharge refused: Billing period limit reached")
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: nil, threshold: nil, amount: nil, maxPeriodSpend: .some(.whole(10)))
        #expect(throws: CofferError("Insufficient credits: balance $5.000, needed $6.000")) { try Self.use(store, ada, "gpt-4o", credits: .whole(6)) }
        #expect(try Balances(store).report(for: ada).rechargeLog.first?.message == "No budget available for recharge")
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: nil, threshold: nil, amount: nil, maxPeriodSpend: .some(nil))
        try Billing(store).setCard(actor: ada, number: "4000000000000341")
        #expect(throws: CofferError("Insufficient credits: balance $5.000, needed $6.000")) { try Self.use(store, ada, "gpt-4o", credits: .whole(6)) }
        report = try Balances(store).report(for: ada)
        #expect(report.recharge.first?.settings.enabled == false)
        #expect(report.alerts.first?.message == "Auto-recharge failed: the card was declined, so auto-recharge was switched off")
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R34–R35: per-seat auto-recharge under PER_SEAT refills that seat only; unlimited allowances never trigger it")
    func perSeatRechargeAndUnlimited() throws {
        let (_, store, ada) = try Self.team(strategy: "per_seat", seats: 3)
        #expect(throws: CofferError("On a per-seat plan, auto-recharge is set per seat (--seat EMAIL)")) {
            _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(10), amount: .whole(20), maxPeriodSpend: nil)
        }
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: "bob@acme.test", enabled: true, threshold: .whole(95),
                                                amount: .whole(20), maxPeriodSpend: .some(nil))
        let bob = try Self.actor(store, "bob@acme.test"), carol = try Self.actor(store, "carol@acme.test")
        let used = try Self.use(store, bob, "gpt-4o", credits: .whole(10))
        #expect(used.recharge == "recharged: bought $20.000 of credits" && used.wallets == ["seat"])
        #expect(try Self.use(store, carol, "gpt-4o", credits: .whole(10)).recharge == nil, "carol's seat has no settings")
        let seats = try Balances(store).report(for: ada).wallets.filter { $0.kind == .seat && $0.asset == .credits }
        #expect(seats.first { $0.holder == "bob@acme.test" }?.balance == 110_000)
        #expect(seats.first { $0.holder == "carol@acme.test" }?.balance == 90_000)
        // Scale's event tickets are unlimited: using them never recharges, even far below the threshold.
        _ = try Subscriptions(store).change(actor: ada, plan: "scale", interval: nil, confirmed: true)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: "bob@acme.test", enabled: true, threshold: .whole(100_000),
                                                amount: .whole(20), maxPeriodSpend: .some(nil))
        let invoices = try Billing(store).invoices(actor: ada).count
        let free = try Self.use(store, bob, "event-ticket", quantity: 3)
        #expect(free.unlimited && free.recharge == nil)
        #expect(try Billing(store).invoices(actor: ada).count == invoices)
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R35: a new credit period resets the recharge spend")
    func periodResetsSpend() throws {
        let (fixture, store, ada) = try Self.team(pool: 5_000)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(400), amount: .whole(20),
                                                maxPeriodSpend: .some(.whole(20)))
        #expect(try Self.use(store, ada, "gpt-4o", credits: .whole(1)).recharge == "recharged: bought $20.000 of credits")
        #expect(try Self.use(store, ada, "gpt-4o", credits: .whole(1)).recharge == "refused: Billing period limit reached")
        try fixture.at("2026-02-10T10:00:00Z")
        #expect(try Self.use(store, ada, "gpt-4o", credits: .whole(1)).recharge == "recharged: bought $20.000 of credits")
    }

    @Test("R35–R36 within one group: each recharge counts against the period's cap for the next event; a debit that fails after its recharge keeps the recharge, once")
    func rechargeCapWithinOneGroup() throws {
        let (_, store, ada) = try Self.team(pool: 5_000)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(400), amount: .whole(20),
                                                maxPeriodSpend: .some(.whole(60)))
        let amounts: [Credits] = [.whole(1), .whole(10_000), .whole(1), .whole(1), .whole(1)]
        let outcomes = try Usage(store).recordGroup(amounts.enumerated().map { index, credits in
            GroupedEvent(actor: ada, request: UsageRequest(eventID: "group-\(index)", service: "gpt-4o", credits: credits))
        })
        func recharge(_ outcome: EventOutcome) -> String? {
            switch outcome {
            case .recorded(let result): result.recharge
            case .refused(let message): message
            }
        }
        #expect(outcomes.map(recharge) == [
            "recharged: bought $20.000 of credits",
            "Insufficient credits: balance $44.000, needed $10,000.000",
            "recharged: bought $20.000 of credits",
            "refused: Billing period limit reached",
            "refused: Billing period limit reached",
        ])
        #expect(try Billing(store).invoices(actor: ada).filter { $0.description.hasPrefix("Auto-recharge") }.count == 3)
        #expect(try store.snapshot { try $0.int("SELECT sum(spent) FROM recharge_spend") } == 60_000)
        #expect(try Self.pool(store, ada) == 5_000 + 60_000 - 4_000)
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R33 in one group: ids recorded before, repeated within the group, refused then sent again, across lookups of 100 ids")
    func exactlyOnceWithinOneGroup() throws {
        let (_, store, ada) = try Self.team(pool: 1_000_000)
        let before = [0, 99, 100, 199, 249]
        for index in before { _ = try Self.use(store, ada, "gpt-4o", credits: .whole(1), id: "g-\(index)") }
        func event(_ id: String, _ credits: Credits = .whole(1)) -> GroupedEvent {
            GroupedEvent(actor: ada, request: UsageRequest(eventID: id, service: "gpt-4o", credits: credits))
        }
        let events = (0..<250).map { event("g-\($0)") } + [
            event("new"), event("new"), event("refused", .whole(5_000)), event("refused"), event("new", .whole(2)),
        ]
        let outcomes = try Usage(store).recordGroup(events)
        func shown(_ outcome: EventOutcome) -> String {
            switch outcome {
            case .recorded(let result): result.duplicate ? "duplicate" : "recorded"
            case .refused(let message): message
            }
        }
        #expect(outcomes.prefix(250).enumerated().filter { shown($0.element) == "duplicate" }.map(\.offset) == before)
        #expect(outcomes.prefix(250).filter { shown($0) == "recorded" }.count == 245)
        #expect(outcomes.suffix(5).map(shown) == [
            "recorded", "duplicate", "Insufficient credits: balance $749.000, needed $5,000.000", "recorded",
            "Usage event new was already recorded with a different payload",
        ])
        #expect(try store.snapshot { try $0.int("SELECT count(*) FROM usage_events") } == 252)
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R24: one alert per crossing, judged after any recharge")
    func alertPerCrossing() throws {
        let (_, store, ada) = try Self.team(pool: 12_000)
        try TeamSettings(store).setAlert(actor: ada, threshold: .whole(10))
        for _ in 0..<3 { _ = try Self.use(store, ada, "gpt-4o", credits: .whole(1)) } // 11, 10, 9: one crossing
        try CreditPacks(store).buy(actor: ada, amount: .whole(10)) // back to 19
        for _ in 0..<12 { _ = try Self.use(store, ada, "gpt-4o", credits: Credits(millicredits: 1_000)) } // 18 … 7: a second crossing
        let alerts = try Balances(store).report(for: ada).alerts
        #expect(alerts.count == 2)
        #expect(alerts.first?.message == "Low balance: the team pool is at $9.000, below your $10.000 alert")
    }

    @Test("R33: a JSONL import applies each line once; re-importing changes nothing; bad lines are named; R7 applies — in batches of any size (each read ahead while the one before is written)",
          arguments: [1, 3, 2_000])
    func importFile(batchSize: Int) throws {
        let (fixture, store, ada) = try Self.team()
        try APIKeys(store).create(actor: ada, name: "ci").isEmpty == false ? () : ()
        let lines = [
            #"{"id": "a1", "service": "gpt-4o", "quantity": "2", "conversation": "c1", "title": "Hello, \"world\"", "type": "message"}"#,
            #"{"id": "a2", "service": "mcp-http-call", "api_key": "ci", "call": "k1"}"#,
            #"{"id": "a3", "service": "gpt-4o", "quantity": 2.5}"#,
            #"{"id": "a4", "service": "nope"}"#,
            #"{"id": "a5", "service": "gpt-4o", "for": "bob@acme.test", "credits": "1.5"}"#,
            #"{"id": "a6", "service": "gpt-4o", "quantiy": "1"}"#,
            "{not json",
            #"{"id": "a1", "service": "gpt-4o", "quantity": "2", "conversation": "c1", "title": "Hello, \"world\"", "type": "message"}"#,
        ]
        let path = fixture.folder.appendingPathComponent("usage.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let report = try Usage(store).importFile(actor: ada, path: path, batchSize: batchSize)
        #expect(report.inserted == 3 && report.duplicates == 1)
        #expect(report.rejected.map(\.line) == [3, 4, 6, 7])
        #expect(report.rejected.map(\.reason) == [#"quantity: write amounts as strings, e.g. "2.5""#, "Unknown service nope (see coffer plans)",
                                                  "unknown field quantiy", "not a JSON object"])
        let ledger = try store.ledgerFingerprint()
        let again = try Usage(store).importFile(actor: ada, path: path, batchSize: batchSize)
        #expect(again.inserted == 0 && again.duplicates == 4)
        #expect(try store.ledgerFingerprint() == ledger)
        let bob = try Self.actor(store, "bob@acme.test")
        try #"{"id": "b1", "service": "gpt-4o", "for": "carol@acme.test"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Usage(store).importFile(actor: bob, path: path).rejected.map(\.reason) == ["Only the owner can manage team"])
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R16–R19, R30: random consumes, recharges, refreshes and seat changes keep every invariant (seeded)",
          arguments: [11, 12] as [UInt64])
    func property(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let (fixture, store, ada) = try Self.team(pool: 40_000, seats: 5)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(20), amount: .whole(25),
                                                maxPeriodSpend: .some(.whole(200)))
        try Members(store).setLimit(actor: ada, email: "carol@acme.test", limit: .whole(30))
        let services = ["gpt-4o", "claude-sonnet-4", "imagen-3", "mentorship-hour", "event-ticket", "veo-2"]
        var ids: [String] = []
        for step in 0..<300 {
            let emails = ["ada@acme.test", "bob@acme.test", "carol@acme.test"]
            do {
                switch rng.next() % 12 {
                case 0: fixture.now += Int64(rng.next() % 10) * UTC.day
                case 1: _ = try Members(store).switchSelf(actor: Self.actor(store, emails[Int(rng.next() % 3)]), toPersonal: rng.next() % 2 == 0)
                case 2: _ = try Seats(store).add(actor: ada, emails: ["p\(rng.next() % 4)@acme.test"])
                case 3: try Seats(store).remove(actor: ada, email: "p\(rng.next() % 4)@acme.test")
                case 4: if let id = ids.randomElement(using: &rng) { _ = try Self.use(store, ada, "gpt-4o", quantity: 1, id: id) }
                default:
                    let id = "e\(step)"
                    ids.append(id)
                    let service = services[Int(rng.next() % UInt64(services.count))]
                    _ = try Self.use(store, Self.actor(store, emails[Int(rng.next() % 3)]), service,
                                     quantity: Int64(1 + rng.next() % 5), id: id)
                }
            } catch is CofferError {}
            let report = try LedgerCheck(store).run(chain: step % 50 == 49)
            #expect(report.isSound, "step \(step): \(report.violations)")
            if !report.isSound { return }
        }
        let spent = try store.snapshot { try $0.int("SELECT max(used) FROM member_spend WHERE user_id = (SELECT id FROM users WHERE email = 'carol@acme.test')") } ?? 0
        #expect(spent <= 30_000, "carol never passes her limit")
        #expect(try LedgerCheck(store).run().isSound)
    }
}
