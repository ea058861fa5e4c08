@testable import CofferStore
import CofferCore
import Dashboard
import Foundation
import GRDB
import Testing

/// A real database whose team subscription is brought to a status through real transitions (R12),
/// with a settable clock; the owner ada, and bob on Personal access with credits of his own.
final class PolicyLadder: @unchecked Sendable {
    let folder: URL
    let store: CofferStore
    private let clock: ClockBox
    private(set) var owner: Actor
    private(set) var bob: Actor
    let workspace: WorkspaceRef

    static let good = "4242424242424242", failing = "4000000000000341"
    static let catalog: Catalog = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets/plans.json")
        return try! Catalog.load(json: Data(contentsOf: url), source: "plans.json")
    }()

    var now: Timestamp {
        get { clock.time }
        set { clock.time = newValue }
    }

    /// A workspace on Pro with 2 seats, $100 of operator credits in the pool and bob's $10 pack,
    /// brought to `status`; auto-recharge is on with a threshold no debit stays above.
    init(_ status: SubscriptionStatus, interval: BillingInterval = .monthly) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = ClockBox(try UTC.parse("2026-01-15T12:00:00Z"))
        self.clock = clock
        store = try CofferStore(path: folder.appendingPathComponent("coffer.sqlite").path, catalog: Self.catalog, clock: { clock.time })
        let created = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        workspace = created.ref
        owner = try Workspaces(store).actor(email: "ada@acme.test", workspace: created.slug)
        bob = owner
        let subscriptions = Subscriptions(store)
        if status == .incomplete || status == .incompleteExpired {
            // Billing history first, so that the next checkout charges at once (R10).
            try subscriptions.subscribe(actor: owner, plan: "pro", interval: interval, seats: 2)
            _ = try subscriptions.cancel(actor: owner, now: true)
        }
        let card = [.pastDue, .unpaid, .incomplete, .incompleteExpired].contains(status) ? Self.failing : Self.good
        _ = try Billing(store).setCard(actor: owner, number: card)
        try subscriptions.subscribe(actor: owner, plan: "pro", interval: interval, seats: 2)
        _ = try Seats(store).add(actor: owner, emails: ["bob@acme.test"])
        bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: created.slug)
        try Members(store).acceptInvite(actor: bob)
        bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: created.slug)
        _ = try Members(store).switchSelf(actor: bob, toPersonal: true)
        _ = try Billing(store).setPersonalCard(email: "bob@acme.test", number: Self.good)
        _ = try CreditPacks(store).buy(actor: bob, amount: .whole(10), personal: true)
        try OperatorActions(store).adjust(workspace: workspace, amount: .whole(100), reason: "Goodwill")
        _ = try TeamSettings(store).setRecharge(actor: owner, seatEmail: nil, enabled: true, threshold: .whole(1_000), amount: .whole(10),
                                            maxPeriodSpend: nil)
        switch status {
        case .trialing, .incomplete: break
        case .active, .pastDue: advance(days: 15)
        case .unpaid: advance(days: 15); advance(days: 8)
        case .paused: advance(days: 15); _ = try subscriptions.pause(actor: owner)
        case .canceled: advance(days: 15); _ = try subscriptions.cancel(actor: owner, now: true)
        case .incompleteExpired: advance(days: 1)
        }
        try store.settle()
        #expect(try subscriptions.show(actor: owner).status == status, "the ladder reached \(status)")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Moves the clock on and settles what fell due (R15a).
    func advance(days: Int64) {
        now += days * UTC.day
        _ = try? store.settle()
    }

    /// The team pool's credits.
    func pool() throws -> Int64 { try Balances(store).report(for: owner).poolCredits.millicredits }

    /// How many auto-recharges were attempted (recharged, refused or declined).
    func recharges() throws -> Int { try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM recharge_log") ?? 0 } }

    /// Imports one JSONL line as `actor`: nil when it was charged, else the refusal.
    func importLine(_ json: String, as actor: Actor) throws -> String? {
        let file = folder.appendingPathComponent("import-\(UUID().uuidString).jsonl")
        try Data((json + "\n").utf8).write(to: file)
        let report = try Usage(store).importFile(actor: actor, path: file.path)
        return report.inserted == 1 ? nil : report.rejected.first?.reason ?? "duplicate"
    }
}

/// A settable clock the store reads.
private final class ClockBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Timestamp
    init(_ start: Timestamp) { value = start }
    var time: Timestamp {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// R13 in every status × every capability × every entry point (consume, import line, the dashboard).
@Suite("Credit policy matrix (R13)")
struct CreditPolicyMatrixTests {
    @Test("R13: team spending, auto-recharge and packs in every status, through consume, import and the dashboard; personal wallets unaffected",
          arguments: SubscriptionStatus.allCases)
    func everyStatus(status: SubscriptionStatus) throws {
        let ladder = try PolicyLadder(status)
        let policy = CreditPolicy.of(status)
        let refusal = TeamStanding.subscription(status).teamSpendingRefusal

        // Team spending and auto-recharge through consume.
        var pool = try ladder.pool()
        var recharges = try ladder.recharges()
        let consume = Result { try Usage(ladder.store).consume(actor: ladder.owner, request: UsageRequest(eventID: "c-1", service: "gpt-4o", quantity: .whole(2))) }
        if policy.teamSpending {
            let result = try consume.get()
            #expect(result.wallets == ["team_pool"])
            #expect(try ladder.recharges() == recharges + (policy.autoRecharge ? 1 : 0), "auto-recharge in \(status)")
        } else {
            #expect(throws: CofferError(refusal)) { try consume.get() }
            #expect(try ladder.pool() == pool, "nothing moved in \(status)")
            #expect(try ladder.recharges() == recharges)
        }

        // The same through an import line.
        pool = try ladder.pool()
        recharges = try ladder.recharges()
        let imported = try ladder.importLine(#"{"id": "i-1", "service": "gpt-4o", "quantity": 2}"#, as: ladder.owner)
        #expect(imported == (policy.teamSpending ? nil : refusal), "import in \(status)")
        if !policy.teamSpending { #expect(try ladder.pool() == pool) }
        #expect(try ladder.recharges() == recharges + (policy.teamSpending && policy.autoRecharge ? 1 : 0))

        // Packs through the dashboard: the button state, then the purchase itself.
        let engine = DashboardEngine(store: ladder.store, viewer: ladder.owner)
        let state = try CreditPacks(ladder.store).state(actor: ladder.owner)
        #expect(state.enabled == policy.buyPacks, "pack button in \(status): \(state.message)")
        pool = try ladder.pool()
        engine.perform([.buyPack(.whole(25), count: 1)])
        engine.wait()
        let answer = engine.drain()
        if policy.buyPacks {
            #expect(try ladder.pool() == pool + 25_000)
        } else {
            #expect(try ladder.pool() == pool, "no pack bought in \(status): \(answer)")
            #expect(String(describing: answer).contains(state.message))
        }

        // Personal wallets are not affected by the team's status.
        let personal = try Usage(ladder.store).consume(actor: ladder.bob, request: UsageRequest(eventID: "b-1", service: "gpt-4o", quantity: .whole(1)))
        #expect(personal.wallets == ["personal"])
        #expect(try ladder.importLine(#"{"id": "b-2", "service": "gpt-4o"}"#, as: ladder.bob) == nil)

        // Purchased and operator credits never expire, whatever the status.
        ladder.advance(days: 400)
        let expired = try ladder.store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM entries e JOIN grants g ON g.id = e.grant_id
                WHERE e.kind = 'expire' AND g.source IN ('admin_adjustment', 'credit_package_purchase')
                """) ?? -1
        }
        #expect(expired == 0)
        let report = try LedgerCheck(ladder.store).run()
        #expect(report.isSound, "\(report.violations)")
    }

    @Test("R13: a period grant arrives at a refresh only in a status that allows it", arguments: SubscriptionStatus.allCases)
    func periodGrants(status: SubscriptionStatus) throws {
        // Yearly billing, so the monthly refresh is not also a renewal that could change the status.
        let ladder = try PolicyLadder(.active, interval: .yearly)
        let refresh = try #require(try Subscriptions(ladder.store).show(actor: ladder.owner).nextRefresh)
        try ladder.store.database.write { db in
            try db.execute(sql: """
                UPDATE subscriptions SET status = ?, trial_end = CASE WHEN ? = 'trialing' THEN ?2 + 86400 * 60 END,
                  failed_at = CASE WHEN ?1 = 'past_due' THEN ?3 END, incomplete_since = CASE WHEN ?1 = 'incomplete' THEN ?3 END,
                  paused_from = CASE WHEN ?1 = 'paused' THEN 'active' END, paused_at = CASE WHEN ?1 = 'paused' THEN ?3 END,
                  ended_at = CASE WHEN ?1 IN ('canceled', 'incomplete_expired') THEN ?3 END
                WHERE workspace_id = ?4 AND ended_at IS NULL
                """, arguments: [status.rawValue, refresh, refresh - 3_600, ladder.workspace.id])
            try db.execute(sql: "UPDATE subscriptions SET next_due_at = ? WHERE workspace_id = ? AND ended_at IS NULL AND status NOT IN ('unpaid')",
                           arguments: [status == .incomplete ? refresh - 3_600 + Lifecycle.incompleteWindow : refresh, ladder.workspace.id])
        }
        ladder.now = refresh + 60
        try ladder.store.settle()
        let granted = try ladder.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM grants WHERE source = 'subscription_renewal' AND created_at = ?", arguments: [refresh]) ?? -1
        }
        #expect((granted > 0) == CreditPolicy.of(status).periodGrants, "\(status): \(granted) grants at the refresh")
    }

    @Test("R13: a period grant withheld while Past due is delivered when the payment succeeds, stamped at that time")
    func withheldGrantDelivered() throws {
        // Incomplete's ladder leaves billing history; subscribing again pays at once, so billing and
        // credits share one anchor and the renewal that fails falls on the refresh.
        let ladder = try PolicyLadder(.trialing)
        let subscriptions = Subscriptions(ladder.store)
        _ = try subscriptions.cancel(actor: ladder.owner, now: true)
        try subscriptions.subscribe(actor: ladder.owner, plan: "pro", interval: .monthly, seats: 2)
        #expect(try subscriptions.show(actor: ladder.owner).status == .active)
        _ = try Billing(ladder.store).setCard(actor: ladder.owner, number: PolicyLadder.failing)
        let refresh = try #require(try subscriptions.show(actor: ladder.owner).nextRefresh)
        ladder.now = refresh + 600
        try ladder.store.settle()
        #expect(try subscriptions.show(actor: ladder.owner).status == .pastDue)
        func renewals() throws -> [Timestamp] {
            try ladder.store.read { try Timestamp.fetchAll($0, sql: "SELECT DISTINCT created_at FROM grants WHERE source = 'subscription_renewal' AND created_at >= ?", arguments: [refresh]) }
        }
        #expect(try renewals().isEmpty, "withheld while Past due")
        ladder.now = refresh + 7_200
        _ = try Billing(ladder.store).setCard(actor: ladder.owner, number: PolicyLadder.good)
        #expect(try subscriptions.show(actor: ladder.owner).status == .active)
        let delivered = try renewals()
        #expect(delivered == [refresh + 7_200], "delivered when paid, stamped then: \(delivered.map { $0 - refresh })")
        #expect(try LedgerCheck(ladder.store).run().isSound)
    }
}
