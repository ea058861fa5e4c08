@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// A seeded simulation in TigerBeetle's manner (issue #14): random statuses, plan changes, pauses,
/// cards, operator seat changes, limits, consumption, imports and packs over simulated months. After
/// every step: no team debit, auto-recharge or pack outside R13's "yes" cells, every Active period
/// has a paid invoice (R12a), and `check` passes (SPEC §10). `COFFER_SIM_SEED` replays a seed,
/// `COFFER_SIM_STEPS` runs longer.
@Suite("Money safety simulation (R12a, R13, R9, R15, R30, SPEC §10)")
struct MoneySafetySimulationTests {
    static let cards = ["4242424242424242", "4000000000000341"]
    static let plans = ["pro", "scale", "business"]

    /// What the simulation has seen so far, to find what each step added.
    struct Seen {
        var usage: Int64 = 0, recharge: Int64 = 0, invoice: Int64 = 0
        /// How many steps ended in each status (the Free plan as "free").
        var statuses: [String: Int] = [:]
    }

    @Test("Issue #14: ≥ 1,000 random steps keep R13's table, paid Active periods and every ledger invariant")
    func simulate() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["COFFER_SIM_SEED"].flatMap(UInt64.init) ?? 20_261_125
        let steps = environment["COFFER_SIM_STEPS"].flatMap(Int.init) ?? 1_200
        var rng = SeededRandom(seed: seed)
        let fixture = try StoreFixture(now: "2026-01-10T10:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let workspace = try Workspaces(store).workspace(nil)
        func actor(_ email: String) throws -> Actor { try Workspaces(store).actor(email: email, workspace: nil) }
        let ada = try actor("ada@acme.test")
        try Billing(store).setCard(actor: ada, number: Self.cards[0])
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 3)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        try Members(store).acceptInvite(actor: try actor("bob@acme.test"))
        try OperatorActions(store).adjust(workspace: workspace, amount: .whole(5_000), reason: "Float")
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(4_000), amount: .whole(10),
                                            maxPeriodSpend: nil)
        var seen = Seen()
        var counts: [String: Int] = [:]
        var event = 0
        for step in 0..<steps {
            let pick = Int(rng.next() % 100)
            let name: String
            do {
                switch pick {
                case 0..<20:
                    name = "time"
                    fixture.now += Int64(rng.next() % (10 * 24)) * 3_600 + Int64(rng.next() % 3_600)
                    try store.settle()
                case 20..<40:
                    name = "consume"
                    event += 1
                    let who = try actor(rng.next() % 2 == 0 ? "ada@acme.test" : "bob@acme.test")
                    _ = try Usage(store).consume(actor: who, request: UsageRequest(
                        eventID: "e-\(event)", service: "gpt-4o", credits: Credits(millicredits: 1 + Int64(rng.next() % 900_000))))
                case 40..<48:
                    name = "import"
                    let lines = (0..<1 + Int(rng.next() % 3)).map { _ -> String in
                        event += 1
                        return #"{"id": "i-\#(event)", "service": "claude-sonnet-4", "quantity": \#(1 + rng.next() % 40)}"#
                    }
                    let file = fixture.folder.appendingPathComponent("step-\(step).jsonl")
                    try Data(lines.joined(separator: "\n").utf8).write(to: file)
                    _ = try Usage(store).importFile(actor: ada, path: file.path)
                case 48..<53:
                    name = "pack"
                    try CreditPacks(store).buy(actor: ada, amount: .whole(10))
                case 53..<59:
                    name = "pause"
                    _ = try Subscriptions(store).pause(actor: ada)
                case 59..<66:
                    name = "resume"
                    _ = try Subscriptions(store).resume(actor: ada)
                case 66..<69:
                    name = "cancel"
                    _ = try Subscriptions(store).cancel(actor: ada, now: rng.next() % 2 == 0)
                case 69..<75:
                    name = "subscribe"
                    try Subscriptions(store).subscribe(actor: ada, plan: Self.plans[Int(rng.next() % 3)],
                                                       interval: rng.next() % 4 == 0 ? .yearly : .monthly, seats: 3)
                case 75..<81:
                    name = "change"
                    _ = try Subscriptions(store).change(actor: ada, plan: Self.plans[Int(rng.next() % 3)],
                                                        interval: rng.next() % 3 == 0 ? .yearly : .monthly, confirmed: rng.next() % 4 != 0)
                case 81..<86:
                    name = "operator seats"
                    _ = try Seats(store).operatorSet(workspace: workspace, seats: 2 + Int64(rng.next() % 4))
                case 86..<93:
                    name = "card"
                    try Billing(store).setCard(actor: ada, number: Self.cards[rng.next() % 3 == 0 ? 1 : 0])
                case 93..<96:
                    name = "retry"
                    _ = try Subscriptions(store).retry(actor: ada)
                default:
                    name = "limit"
                    let limit: Credits? = rng.next() % 3 == 0 ? nil : .whole(Int64(rng.next() % 2_000))
                    try Members(store).setLimit(actor: ada, email: "bob@acme.test", limit: limit)
                }
            } catch is CofferError {
                counts["refused", default: 0] += 1
                try verify(store, step: step, seen: &seen, seed: seed)
                continue
            }
            counts[name, default: 0] += 1
            try verify(store, step: step, seen: &seen, seed: seed)
        }
        let report = try LedgerCheck(store).run()
        #expect(report.isSound, "seed \(seed): \(report.violations)")
        // The walk reached every status and did real work in each kind of step.
        print("money safety simulation: seed \(seed), \(steps) steps; steps done \(counts.sorted { $0.key < $1.key }); "
              + "steps ended in \(seen.statuses.sorted { $0.key < $1.key })")
        let statuses = Set(seen.statuses.keys)
        #expect(statuses.isSuperset(of: ["trialing", "active", "past_due", "paused", "canceled", "unpaid"]), "\(seen.statuses)")
        for kind in ["time", "consume", "import", "pack", "pause", "resume", "subscribe", "change", "operator seats"] {
            #expect(counts[kind, default: 0] > 0, "no successful \(kind) step: \(counts)")
        }
    }

    /// The assertions after every step.
    private func verify(_ store: CofferStore, step: Int, seen: inout Seen, seed: UInt64) throws {
        let context = "seed \(seed), step \(step)"
        try store.snapshot { sql in
            let (standing, live) = try Self.standing(sql)
            let policy = standing.policy
            if case .subscription(let status) = standing { seen.statuses[status.rawValue, default: 0] += 1 } else { seen.statuses["free", default: 0] += 1 }
            // R13: team debits, auto-recharges and team packs only where the table says yes.
            let teamDebits = try sql.int("""
                SELECT count(*) FROM usage_events WHERE id > ? AND (wallets LIKE '%team_pool%' OR wallets LIKE '%seat%')
                """, .int(seen.usage)) ?? 0
            #expect(teamDebits == 0 || policy.teamSpending, "\(context): \(teamDebits) team debits while \(standing)")
            let recharges = try sql.int("SELECT count(*) FROM recharge_log WHERE id > ? AND outcome = 'recharged'",
                                        .int(seen.recharge)) ?? 0
            #expect(recharges == 0 || policy.autoRecharge, "\(context): \(recharges) auto-recharges while \(standing)")
            let packs = try sql.int("""
                SELECT count(*) FROM invoices WHERE id > ? AND status = 'paid' AND description LIKE '%credit pack%'
                """, .int(seen.invoice)) ?? 0
            #expect(packs == 0 || policy.buyPacks, "\(context): \(packs) packs bought while \(standing)")
            // R12a: nothing is Active without a paid invoice for its billing period.
            if let live, live.status == .active {
                let paid = try sql.exists("""
                    SELECT 1 FROM invoices WHERE subscription_id = ? AND status = 'paid' AND created_at >= ?
                    """, .int(live.id), .int(live.billingStart))
                #expect(paid, "\(context): subscription \(live.id) is Active with no paid invoice since \(UTC.iso(live.billingStart))")
                // Every step settled what fell due first, so an Active period covers now.
                #expect(live.billingEnd > store.now, "\(context): subscription \(live.id) is Active past its paid period (\(UTC.iso(live.billingEnd)))")
            }
            seen.usage = try sql.int("SELECT ifnull(max(id), 0) FROM usage_events") ?? 0
            seen.recharge = try sql.int("SELECT ifnull(max(id), 0) FROM recharge_log") ?? 0
            seen.invoice = try sql.int("SELECT ifnull(max(id), 0) FROM invoices") ?? 0
        }
        let report = try LedgerCheck(store).run(chain: false)
        #expect(report.isSound, "\(context): \(report.violations)")
    }

    /// R13's standing, read here from the rows themselves: the latest subscription decides unless
    /// it ended by a move to Free; no subscription at all is the Free plan.
    static func standing(_ sql: any StorageConnection) throws -> (TeamStanding, SubscriptionRow?) {
        let id = try sql.int("SELECT id FROM subscriptions ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1")
        guard let id else { return (.freePlan, nil) }
        let latest = try SubscriptionRow.load(sql, id: id)
        if latest.endedAt != nil { return (latest.scheduledPlan == "free" ? .freePlan : .subscription(latest.status), nil) }
        return (.subscription(latest.status), latest)
    }
}
