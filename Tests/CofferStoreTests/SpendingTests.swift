@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import StoreUnderTest
import Testing

/// SPEC §9 (issue #18.1): the Spending report against the summary bars and the lines themselves,
/// on a real SQLite file with seeded usage across members, services, tabs and days.
@Suite("Spending (SPEC §9)")
struct SpendingTests {
    /// A team of three with seeded usage over twenty days, some of it late in a day and early in the next.
    static func fixture() throws -> (StoreFixture, CofferStore, owner: Actor, member: Actor) {
        let fixture = try StoreFixture(now: "2026-03-01T08:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 3, card: "4242424242424242")
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test", "cy@acme.test"])
        let bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: nil)
        let cy = try Workspaces(store).actor(email: "cy@acme.test", workspace: nil)
        try Members(store).acceptInvite(actor: bob)
        try Members(store).acceptInvite(actor: cy)
        for key in ["ci", "zapier"] { _ = try APIKeys(store).create(actor: ada, name: key) }
        var rng = SeededRandom(seed: 18)
        let start = try UTC.parse("2026-03-01T09:00:00Z")
        for n in 0..<240 {
            fixture.now = start + Int64(n) * 7_200 + Int64(rng.next() % 3_000)
            let who = [ada, bob, cy][Int(rng.next() % 3)]
            var request: UsageRequest
            switch rng.next() % 4 {
            case 0:
                request = UsageRequest(eventID: "e\(n)", service: "mcp-http-call", quantity: .whole(1))
                request.apiKey = rng.next() % 2 == 0 ? "ci" : "zapier"
                request.callID = "k\(n)"
            case 1:
                let kind = rng.next() % 2 == 0 ? "brand" : "product"
                request = UsageRequest(eventID: "e\(n)", service: "\(kind)-import", quantity: .whole(1))
                (request.taskID, request.importType, request.url) = ("t\(n)", kind, "https://a.test/\(n)")
            default:
                let (service, type) = [("gpt-4o", "message"), ("claude-sonnet-4", "message"), ("imagen-3", "image"), ("veo-2", "video")][Int(rng.next() % 4)]
                request = UsageRequest(eventID: "e\(n)", service: service, quantity: .whole(Int64(1 + rng.next() % 3)))
                request.conversationID = "c\(rng.next() % 25)"
                (request.billingType, request.title) = (type, ["Launch plan", "Budget review", "Teaser cut"][Int(rng.next() % 3)])
            }
            _ = try Usage(store).consume(actor: who, request: request)
        }
        try fixture.at("2026-03-21T06:30:00Z")
        return (fixture, store, ada, bob)
    }

    /// The filters to try: all time, quick picks ending now, custom days, partial days, one hour.
    static func ranges(now: Timestamp) -> [UsageFilter] {
        let day = try! UTC.parse("2026-03-05")
        return [UsageFilter(), .lastDays(7, now: now), .lastDays(30, now: now), .days(from: day, to: day + 3 * UTC.day),
                UsageFilter(from: day + 7_777, to: day + 5 * UTC.day + 999), UsageFilter(from: day + 3_600, to: day + 7_200),
                .days(from: day + 60 * UTC.day, to: day + 61 * UTC.day)]
    }

    @Test("SPEC §9: Spending's totals equal the summary bars' for the same filters — every tab, type, key and search, over every range")
    func totalsEqualSummaryBars() throws {
        let (_, store, ada, _) = try Self.fixture()
        let queries = UsageQueries(store)
        for range in Self.ranges(now: store.now) {
            let all = try Spending(store).report(SpendingScope(tab: nil, filter: range), actor: ada)
            var sum = Credits.zero
            for (index, tab) in [UsageTab.conversations, .calls, .imports].enumerated() {
                let bar = try queries.summary(tab, filter: range, actor: ada)
                #expect(all.tabs[index].credits == bar.credits, "\(tab) \(range)")
                sum = try sum.adding(bar.credits)
            }
            #expect(all.total == sum && all.days.reduce(Credits.zero, { try! $0.adding($1.credits) }) == sum, "\(range)")
            #expect(try all.members.reduce(Credits.zero) { try $0.adding($1.credits) } == sum)
            #expect(try all.services.reduce(Credits.zero) { try $0.adding($1.credits) } == sum)
            var narrowed: [(UsageTab, UsageFilter)] = []
            for type in ["message", "image", "video"] { var f = range; f.type = type; narrowed.append((.conversations, f)) }
            for type in ["brand", "product"] { var f = range; f.type = type; narrowed.append((.imports, f)) }
            for key in ["ci", "zapier"] { var f = range; f.apiKey = key; narrowed.append((.calls, f)) }
            for search in ["plan", "c1", "Teaser cut", "ad"] { var f = range; f.search = search; narrowed.append((.conversations, f)) }
            for search in ["k1", "ada"] { var f = range; f.search = search; narrowed.append((.calls, f)) }
            for (tab, filter) in narrowed {
                let report = try Spending(store).report(SpendingScope(tab: tab, filter: filter), actor: ada)
                let bar = try queries.summary(tab, filter: filter, actor: ada)
                #expect(report.total == bar.credits && report.tabs.map(\.name) == [tab.title], "\(tab) \(filter)")
            }
        }
    }

    @Test("SPEC §9, R7: each member's share equals the lines charged to them; a member sees only their own")
    func membersAndOwnOnly() throws {
        let (_, store, ada, bob) = try Self.fixture()
        let queries = UsageQueries(store)
        for range in Self.ranges(now: store.now) {
            let report = try Spending(store).report(SpendingScope(tab: nil, filter: range), actor: ada)
            #expect(!report.ownOnly)
            for email in ["ada@acme.test", "bob@acme.test", "cy@acme.test"] {
                var lines = Credits.zero
                for tab in [UsageTab.conversations, .calls, .imports] {
                    lines = try lines.adding(queries.summary(tab, filter: range, member: email, actor: ada).credits)
                }
                #expect((report.members.first { $0.key == email }?.credits ?? .zero) == lines, "\(email) \(range)")
            }
            #expect(zip(report.members, report.members.dropFirst()).allSatisfy { $0.credits >= $1.credits }, "most credits first")
            let own = try Spending(store).report(SpendingScope(tab: nil, filter: range), actor: bob)
            #expect(own.ownOnly && own.members.allSatisfy { $0.key == "bob@acme.test" })
            #expect(own.total == (report.members.first { $0.key == "bob@acme.test" }?.credits ?? .zero))
        }
        #expect(throws: CofferError.self) { try queries.summary(.calls, filter: UsageFilter(), member: "ada@acme.test", actor: bob) }
        #expect(try queries.summary(.calls, filter: UsageFilter(), member: "bob@acme.test", actor: bob).count > 0)
    }

    @Test("SPEC §9: the pool's balance at each day's end equals its entries up to then; the last day of a range to now is the balance now")
    func poolBalancePerDay() throws {
        let (_, store, ada, _) = try Self.fixture()
        let report = try Spending(store).report(SpendingScope(tab: nil, filter: .lastDays(30, now: store.now)), actor: ada)
        #expect(report.days.count == 31)
        let (pool, oracle) = try store.snapshot { sql -> (Int64, [Int64]) in
            let pool = try sql.int("SELECT id FROM accounts WHERE kind = 'team_pool' AND asset = 'credits'")!
            let ends = try report.days.map { day in
                try sql.int("""
                    SELECT coalesce(sum(CASE WHEN to_account = ?1 THEN amount ELSE -amount END), 0) FROM entries
                    WHERE (to_account = ?1 OR from_account = ?1) AND created_at < ?2
                    """, .int(pool), .int(day.start + UTC.day))!
            }
            return (pool, ends)
        }
        #expect(report.days.map { $0.poolBalance?.millicredits } == oracle.map { $0 }, "pool \(pool)")
        let now = try Balances(store).report(for: ada).wallets.first { $0.kind == .teamPool && $0.asset == .credits }?.balance
        #expect(report.days.last?.poolBalance?.millicredits == now)
    }

    @Test("v10-spending: a ledger written before it is rolled up by member and service, and checks out",
          .enabled(if: StoreUnderTest.isSQLite, "puts the SQLite file back as schema v9 left it; PostgreSQL's schema has no v9 to migrate from"))
    func migratesForward() throws {
        let (fixture, store, ada, _) = try Self.fixture()
        let before = try Spending(store).report(SpendingScope(tab: nil, filter: UsageFilter()), actor: ada)
        // Put the file back as v9 left it: the old daily totals, no wallet days, the migration not run.
        try fixture.raw().write { db in
            try db.execute(sql: """
                CREATE TABLE old_daily (workspace_id INTEGER NOT NULL, tab INTEGER NOT NULL, type TEXT NOT NULL, day INTEGER NOT NULL,
                  lines INTEGER NOT NULL, messages INTEGER NOT NULL, credits INTEGER NOT NULL, PRIMARY KEY (workspace_id, tab, type, day)) STRICT, WITHOUT ROWID;
                INSERT INTO old_daily SELECT workspace_id, tab, type, day, sum(lines), sum(messages), sum(credits) FROM usage_daily GROUP BY 1, 2, 3, 4;
                DROP TABLE usage_daily; ALTER TABLE old_daily RENAME TO usage_daily;
                DROP TABLE account_days;
                DELETE FROM grdb_migrations WHERE identifier = 'v10-spending';
                """)
        }
        let reopened = try fixture.open()
        let report = try LedgerCheck(reopened).run()
        #expect(report.isSound, "\(report.violations)")
        let after = try Spending(reopened).report(SpendingScope(tab: nil, filter: UsageFilter()), actor: ada)
        #expect(after == before)
    }
}
