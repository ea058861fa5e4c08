import CofferCore
import Foundation
import Synchronization

/// A settable clock for building data over simulated months.
public final class SimulatedClock: Sendable {
    private let value: Mutex<Timestamp>

    /// A clock standing at `start`.
    public init(_ start: Timestamp) { value = Mutex(start) }

    /// The time now.
    public var now: Timestamp {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Writes months of plausible usage for a team through the same ledger path as `consume`
/// (used by `coffer demo` and `coffer bench`): conversations of several messages, image and
/// video generations, API calls from a few keys, brand and product imports, with renewals,
/// rollover, expirations, packs and auto-recharge settled as time passes. It ends mid-period
/// (SPEC §9, issue #18.4): members have used credit this period, one is near their limit, and the
/// renewal and the expiry of unused credits are days away.
public struct DemoData {
    /// The team's people: the primary owner first.
    public static let members = ["ada@acme.test", "olga@acme.test", "ben@acme.test", "chen@acme.test", "dara@acme.test",
                                 "eli@acme.test", "fay@acme.test", "gus@acme.test"]
    /// Their names, as the Team tab shows them.
    static let names = ["Ada Lovelace", "Olga Petrova", "Ben Okafor", "Chen Wei", "Dara Kelly", "Eli Cohen", "Fay Nguyen", "Gus Berg"]

    let store: CofferStore
    let clock: SimulatedClock

    /// A generator writing into `store`, moving `clock` forward as it goes.
    public init(store: CofferStore, clock: SimulatedClock) {
        self.store = store
        self.clock = clock
    }

    /// What a build wrote.
    public struct Outcome: Sendable {
        /// The primary owner.
        public let owner: Actor
        /// Usage events recorded.
        public let recorded: Int
        /// Events refused (a member over their limit, say).
        public let refused: Int
    }

    /// How long the current credit and billing period still runs at the build's end time: it is
    /// well under way, so members have used credit this period, and its renewal and the expiry of
    /// its unused credits are days away (issue #18.4).
    public static let periodLeft: Timestamp = 4 * UTC.day

    /// The low-balance alert (R24): the team pool starts a period with about $1,300 (the grant,
    /// rollover and a pack), so at the default size the alert fires about halfway through each one.
    static let alertThreshold: Credits = .whole(1_000)

    /// Builds the Acme Robotics team on Pro for `months` ending `periodLeft` after `end`, and tries
    /// `records` usage events spread until `end`; then tightens one member's limit to near what
    /// they have used this period.
    @discardableResult
    public func build(months: Int64, records: Int, end: Timestamp, seed: UInt64 = 42, progress: ((Int) -> Void)? = nil) throws -> Outcome {
        let start = UTC.addingMonths(-months, to: end + Self.periodLeft)
        let workspace = try startTeam(proFrom: start)
        let ada = try Workspaces(store).actor(email: Self.members[0], workspace: workspace)

        var rng = SeededRandom(seed: seed)
        let actors = try Self.members.map { try Workspaces(store).actor(email: $0, workspace: workspace) }
        let span = max(1, end - start - 3_600)
        let step = Double(span) / Double(max(records, 1))
        var written = 0
        var batch: [(Actor, UsageRequest, Timestamp)] = []
        var conversation = (id: "", title: "", left: 0, who: 0, type: BillingType.message, model: "gpt-4o")
        let titles = ["Quarterly plan", "Bug triage", "Launch email", "Hiring loop", "Onboarding doc", "Pricing page",
                      "Support macro", "Roadmap review", "Logo ideas", "Release notes", "SQL help", "Board deck"]
        let models = ["claude-sonnet-4", "gpt-4o", "llama-3.1-70b"]
        for index in 0..<records {
            let time = start + 600 + Int64(Double(index) * step)
            let roll = rng.next() % 100
            var request: UsageRequest
            let who: Int
            if roll < 80 {
                if conversation.left == 0 {
                    let kind = rng.next() % 10
                    conversation = (id: "conv-\(index)", title: titles[Int(rng.next() % UInt64(titles.count))] + " #\(index % 997)",
                                    left: 3 + Int(rng.next() % 12), who: Int(rng.next() % 7),
                                    type: kind == 0 ? .image : kind == 1 ? .video : .message,
                                    model: kind == 0 ? "imagen-3" : kind == 1 ? "veo-2" : models[Int(rng.next() % 3)])
                }
                conversation.left -= 1
                who = conversation.who
                request = UsageRequest(eventID: "evt-\(index)", service: conversation.model,
                                       quantity: conversation.type == .video ? .whole(Int64(2 + rng.next() % 6)) : .whole(1))
                request.conversationID = conversation.id
                request.title = conversation.title
                request.billingType = conversation.type.rawValue
            } else if roll < 92 {
                who = Int(rng.next() % 2)
                request = UsageRequest(eventID: "evt-\(index)", service: "mcp-http-call")
                request.apiKey = ["backend", "zapier", "ci"][Int(rng.next() % 3)]
                request.callID = "call-\(index)"
            } else {
                who = 0
                let brand = rng.next() % 3 == 0
                request = UsageRequest(eventID: "evt-\(index)", service: brand ? "brand-import" : "product-import")
                request.taskID = "task-\(index)"
                request.importType = (brand ? ImportType.brand : .product).rawValue
                request.url = brand ? "https://brands.example/acme-\(index % 50)" : "https://shop.example/p/\(index)"
            }
            batch.append((actors[who], request, time))
            if batch.count == 2_000 || index == records - 1 || time / UTC.day != (time + Int64(step)) / UTC.day && batch.count > 200 {
                written += try flush(&batch)
                progress?(written)
            }
        }
        clock.now = end
        try store.settle()
        try setNearLimit(Self.members[4], actor: ada)
        return Outcome(owner: ada, recorded: written, refused: records - written)
    }

    /// Acme begins as Ada alone on Starter (a 7-day trial, then paid) ten days before `start`; at
    /// `start` she upgrades to Pro and buys seats for the team. The upgrade starts Pro's credit and
    /// billing periods together (R15), so each renewal falls on the day credits refresh. Returns
    /// the workspace's slug.
    private func startTeam(proFrom start: Timestamp) throws -> String {
        clock.now = start - 10 * UTC.day
        let workspace = try Workspaces(store).create(name: "Acme Robotics", owner: Self.members[0]).slug
        var ada = try Workspaces(store).actor(email: Self.members[0], workspace: workspace)
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: ada, plan: "starter", interval: .monthly, seats: 1, card: nil)
        clock.now = start
        _ = try Subscriptions(store).change(actor: ada, plan: "pro", interval: .monthly, confirmed: true)
        try Seats(store).buy(actor: ada, count: Int64(Self.members.count - 1))
        _ = try Seats(store).add(actor: ada, emails: Array(Self.members.dropFirst()))
        for email in Self.members.dropFirst() { try Members(store).acceptInvite(actor: Workspaces(store).actor(email: email, workspace: workspace)) }
        ada = try Workspaces(store).actor(email: Self.members[0], workspace: workspace)
        try store.write { tx in
            for (email, name) in zip(Self.members, Self.names) {
                try tx.sql.run("UPDATE users SET name = ? WHERE email = ?", .text(name), .text(email))
            }
        }
        try Members(store).setRole(actor: ada, email: Self.members[1], role: .owner)
        try Subscriptions(store).subscribePersonal(email: Self.members[6], plan: "pro", interval: .monthly, card: "4242424242424242")
        try Members(store).setAccess(actor: ada, email: Self.members[6], access: .credits)
        _ = try Members(store).switchSelf(actor: Workspaces(store).actor(email: Self.members[7], workspace: workspace), toPersonal: true)
        for key in ["backend", "zapier", "ci"] { _ = try APIKeys(store).create(actor: ada, name: key) }
        // Busy teams recharge often: no cap, so every generated event can be paid for.
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(100), amount: .whole(250),
                                                maxPeriodSpend: .some(nil))
        try CreditPacks(store).buy(actor: ada, amount: .whole(100))
        try TeamSettings(store).setAlert(actor: ada, threshold: Self.alertThreshold)
        return workspace
    }

    /// Sets `email`'s credit limit so that what they have used this period is 82–90% of it
    /// (the used amount ÷ 0.9, rounded up to two significant digits), so the Team tab shows a member
    /// near their limit. Nothing is set for a member who has used nothing.
    private func setNearLimit(_ email: String, actor: Actor) throws {
        guard let used = try Members(store).list(actor: actor).first(where: { $0.email == email })?.usedThisPeriod.millicredits,
              used > 0 else { return }
        let target = (used * 10 + 8) / 9
        var unit: Int64 = 1
        while target / unit >= 100 { unit *= 10 }
        try Members(store).setLimit(actor: actor, email: email, limit: Credits(millicredits: (target + unit - 1) / unit * unit))
    }

    /// Records a batch in one transaction (refused events, e.g. a limit reached, are skipped).
    private func flush(_ batch: inout [(Actor, UsageRequest, Timestamp)]) throws -> Int {
        guard let first = batch.first else { return 0 }
        clock.now = first.2
        let events = batch
        batch.removeAll(keepingCapacity: true)
        return try store.write { tx in
            let engine = ConsumptionEngine(tx: tx, expecting: events.count)
            var count = 0
            for (actor, request, time) in events {
                do {
                    _ = try engine.recordInBatch(actor: actor, checked: request.checked(), at: time)
                    count += 1
                } catch is CofferError, is ConsumptionEngine.FailedAfterRecharge {
                    continue // a refused event (a member's limit, say) is simply not recorded
                }
            }
            return count
        }
    }
}

extension CofferStore {
    /// Row ids a benchmark's raw baseline writes against: the first workspace, its primary owner,
    /// its team pool, the usage sink and the pool's largest grant.
    public func benchmarkIDs() throws -> (workspace: Int64, user: Int64, pool: Int64, sink: Int64, grant: Int64) {
        try snapshot { sql in
            try sql.one("""
                SELECT w.id, m.user_id, p.id, (SELECT id FROM accounts WHERE kind = 'system' AND name = 'usage' AND asset = 'credits'),
                       (SELECT id FROM grants WHERE account_id = p.id ORDER BY remaining DESC LIMIT 1)
                FROM workspaces w JOIN members m ON m.workspace_id = w.id AND m.role = 'primary_owner'
                JOIN accounts p ON p.kind = 'team_pool' AND p.workspace_id = w.id AND p.asset = 'credits'
                ORDER BY w.id LIMIT 1
                """) { (workspace: $0.int(0), user: $0.int(1), pool: $0.int(2), sink: $0.int(3), grant: $0.int(4)) }!
        }
    }
}

extension CofferStore {
    /// Every usage event as a ledger-cli journal (for `coffer bench`'s text-ledger comparison).
    public func usageJournal() throws -> String {
        try snapshot { sql in
            var out = ""
            out.reserveCapacity(64 << 20)
            try sql.each("SELECT created_at, service, credits FROM usage_events ORDER BY created_at, id", []) { row in
                let credits = row.int(2)
                guard credits > 0 else { return true }
                out += "\(UTC.dateString(row.int(0))) usage\n    Expenses:Usage:\(row.text(1))  $\(Credits(millicredits: credits).plain)\n    Assets:TeamPool\n\n"
                return true
            }
            return out
        }
    }
}
