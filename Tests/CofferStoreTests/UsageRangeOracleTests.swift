@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import StoreUnderTest
import Testing

/// Issue #18.5: the Conversations tab under a date range — its pages in every sort and direction
/// and its summary — against naive SQL over the charge lines themselves, on a real file with
/// random conversations that span days, straddle range ends and arrive out of order, before and
/// after more usage arrives (the dashboard is live).
@Suite("Conversations over a date range against the lines (issue #18.5)")
struct UsageRangeOracleTests {
    /// A conversation row as the lines say it is over a range.
    struct Expected: Equatable {
        let id: Int64, key: String, type: String, title: String, creator: String
        let messages: Int64, credits: Int64, latest: Timestamp
    }

    /// The tab's rows over `filter`, by naive SQL: the lines in range grouped by conversation.
    static func naive(_ store: CofferStore, _ filter: UsageFilter, workspace: Int64) throws -> [Expected] {
        try store.snapshot { sql in
            try sql.all("""
                SELECT c.id, c.conversation_id, c.billing_type, c.title, c.creator, sum(u.messages), sum(u.credits), max(u.created_at)
                FROM usage_events u JOIN conversations c
                  ON c.workspace_id = u.workspace_id AND c.conversation_id = u.conversation_id AND c.billing_type = u.billing_type
                WHERE u.workspace_id = ? AND u.tab = 1 AND u.created_at >= ? AND u.created_at < ? AND (? IS NULL OR u.billing_type = ?)
                GROUP BY c.id
                """, .int(workspace), .int(filter.from ?? Int64.min), .int(filter.to ?? Int64.max), .text(filter.type), .text(filter.type)) {
                Expected(id: $0.int(0), key: $0.text(1), type: $0.text(2), title: $0.text(3), creator: $0.text(4),
                         messages: $0.int(5), credits: $0.int(6), latest: $0.int(7))
            }
        }
    }

    /// Random conversation lines over March 2026 on top of the hand-placed fixture: most
    /// conversations last minutes, some span days (with gaps), and each batch is written in a
    /// shuffled order, so days and lines arrive out of order. Returns the time the lines end by.
    static func addLines(_ store: CofferStore, _ fixture: StoreFixture, actors: [Actor], seed: UInt64, count: Int) throws -> Timestamp {
        var rng = SeededRandom(seed: seed)
        func random(_ bound: Int64) -> Int64 { Int64(rng.next() % UInt64(bound)) }
        let start = try UTC.parse("2026-03-06T00:00:00Z")
        let kinds: [(type: String, service: String)] = [("message", "gpt-4o"), ("message", "claude-sonnet-4"), ("image", "imagen-3"), ("video", "veo-2")]
        // Conversation n: a kind, a creator, a first moment and how long it lasts.
        let conversations = (0..<60).map { n in
            let roll = random(10)
            let span = roll < 6 ? random(3_600) : roll < 9 ? UTC.day + random(3 * UTC.day) : random(12 * UTC.day)
            return (id: "r-\(seed)-\(n)", kind: kinds[Int(random(Int64(kinds.count)))], who: actors[Int(random(Int64(actors.count)))],
                    start: start + random(20 * UTC.day), span: span)
        }
        var events: [(Actor, UsageRequest, Timestamp)] = []
        for n in 0..<count {
            let c = conversations[Int(random(Int64(conversations.count)))]
            var request = UsageRequest(eventID: "r-\(seed)-e\(n)", service: c.kind.service, quantity: .whole(1 + random(c.kind.type == "video" ? 5 : 2)))
            request.conversationID = c.id
            request.billingType = c.kind.type
            request.title = "Topic \(c.id)"
            events.append((c.who, request, c.start + random(c.span + 1)))
        }
        for batch in stride(from: 0, to: events.count, by: 40) {
            let slice = Array(events[batch..<min(batch + 40, events.count)]).shuffled(using: &rng)
            fixture.now = slice[0].2
            try store.write { tx in
                let engine = ConsumptionEngine(tx: tx)
                for (actor, request, time) in slice { _ = try engine.recordInBatch(actor: actor, checked: request.checked(), at: time) }
            }
        }
        return events.map(\.2).max() ?? start
    }

    /// Ranges with partial days at either end, whole days, open ends, less than a day, two partial
    /// days with no whole day between, ranges that end now, and one with no line.
    static func ranges(now: Timestamp, seed: UInt64) throws -> [UsageFilter] {
        let base = try UTC.parse("2026-03-06T00:00:00Z"), day = UTC.day
        var rng = SeededRandom(seed: seed)
        var ranges: [UsageFilter] = [
            .days(from: base + 2 * day, to: base + 9 * day), .days(from: base + 10 * day, to: base + 10 * day),
            UsageFilter(from: base + 5 * day + 37_000, to: nil), UsageFilter(from: nil, to: base + 8 * day + 4_000),
            UsageFilter(from: base + 4 * day + 3_600, to: base + 4 * day + 50_000),
            UsageFilter(from: base + 6 * day + 40_000, to: base + 7 * day + 30_000),
            .lastDays(7, now: now), .lastDays(30, now: now), UsageFilter(from: base + 40 * day, to: base + 41 * day),
        ]
        for _ in 0..<8 {
            let from = base + Int64(rng.next() % UInt64(22 * day))
            ranges.append(UsageFilter(from: from, to: from + Int64(rng.next() % UInt64(12 * day)) + 1))
        }
        return ranges
    }

    /// Every sort both ways, paged to the end and back from it, and the summary, against `naive`.
    static func check(_ store: CofferStore, _ filter: UsageFilter, owner: Actor, member: Actor, limit: Int) throws {
        let all = try naive(store, filter, workspace: owner.workspaceID)
        for type in [nil, "message", "image", "video"] as [String?] {
            var typed = filter
            typed.type = type
            let expected = all.filter { type == nil || $0.type == type }
            let summary = try UsageQueries(store).summary(.conversations, filter: typed, actor: owner)
            #expect(summary == UsageSummary(count: Int64(expected.count), messages: Quantity(milliunits: expected.reduce(0) { $0 + $1.messages }),
                                            credits: Credits(millicredits: expected.reduce(0) { $0 + $1.credits })), "\(typed)")
            for field in UsageTab.conversations.sortFields { for descending in [true, false] {
                let sort = UsageSort(field: field, descending: descending)
                let actor = descending ? owner : member // the User column both ways (R7)
                func value(_ row: Expected) -> Int64 { field == .messages ? row.messages : field == .credits ? row.credits : row.latest }
                let order = expected.sorted { descending ? (value($0), $0.id) > (value($1), $1.id) : (value($0), $0.id) < (value($1), $1.id) }
                let rows = order.map { row in
                    UsageRow(key: row.key, title: row.title, messages: Quantity(milliunits: row.messages), credits: Credits(millicredits: row.credits),
                             user: actor.role == .member ? nil : row.creator, billingType: BillingType(rawValue: row.type), apiKey: nil,
                             importType: nil, url: nil, detail: nil, time: row.latest, cursor: UsageCursor(value: value(row), id: row.id))
                }
                var seen: [UsageRow] = [], cursor: UsageCursor?
                repeat {
                    let page = try UsageQueries(store).page(.conversations, filter: typed, sort: sort, after: cursor, limit: limit, actor: actor)
                    seen += page.rows
                    cursor = page.next
                } while cursor != nil && seen.count <= rows.count
                #expect(seen == rows, "\(typed) \(sort) limit \(limit)")
                var back: [UsageRow] = [], before: UsageCursor?
                repeat {
                    let page = try UsageQueries(store).page(.conversations, filter: typed, sort: sort, before: before, limit: limit, actor: actor)
                    back = page.rows + back
                    before = page.next
                } while before != nil && back.count <= rows.count
                #expect(back == rows, "\(typed) \(sort) limit \(limit), from the end")
            } }
        }
    }

    @Test("Pages in every sort and direction and the summary equal the lines', over random ranges, before and after more usage arrives",
          arguments: [UInt64(1), 2])
    func againstTheLines(seed: UInt64) throws {
        let (fixture, store, ada, bob, _) = try UsageQueryTests.fixture()
        _ = try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(1_000_000), reason: "test")
        var end = try Self.addLines(store, fixture, actors: [ada, bob], seed: seed, count: 700)
        let limits = [3, 7, 100]
        for (n, filter) in try Self.ranges(now: end, seed: seed).enumerated() {
            try Self.check(store, filter, owner: ada, member: bob, limit: limits[n % limits.count])
        }
        // Live: more lines, into the same conversations and days and out of order.
        end = max(end, try Self.addLines(store, fixture, actors: [ada, bob], seed: seed + 100, count: 300))
        for (n, filter) in try Self.ranges(now: end, seed: seed + 7).enumerated() where n % 2 == 0 {
            try Self.check(store, filter, owner: ada, member: bob, limit: limits[n % limits.count])
        }
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("Sorted by messages or credits over most of the range, the walk answers without totalling the range; over a sliver, it declines")
    func walkIsTaken() throws {
        let (fixture, store, ada, bob, _) = try UsageQueryTests.fixture()
        _ = try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(1_000_000), reason: "test")
        let end = try Self.addLines(store, fixture, actors: [ada, bob], seed: 3, count: 700)
        try store.snapshot { sql in
            for field in [SortField.messages, .credits] {
                let wide = try ConversationRange(.lastDays(30, now: end), workspace: ada.workspaceID, sql: sql)
                #expect(try TopConversations(wide, field: field)?.page(after: nil, limit: 5, showUsers: true) != nil, "\(field)")
                let sliver = try ConversationRange(UsageFilter(from: end - 3_600, to: end + 1), workspace: ada.workspaceID, sql: sql)
                #expect(try TopConversations(sliver, field: field)?.page(after: nil, limit: 5, showUsers: true) == nil, "\(field)")
            }
            #expect(TopConversations(try ConversationRange(.lastDays(7, now: end), workspace: ada.workspaceID, sql: sql), field: .updated) == nil)
        }
    }

    @Test("v11-range-sorts: a database written before it gets first lines, day counts and indexes from its lines; pages and summaries are unchanged",
          .enabled(if: StoreUnderTest.isSQLite, "puts the SQLite file back as schema v9 left it; PostgreSQL's schema has no v9 to migrate from"))
    func migratesForward() throws {
        let (fixture, store, ada, bob, _) = try UsageQueryTests.fixture()
        _ = try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(1_000_000), reason: "test")
        let end = try Self.addLines(store, fixture, actors: [ada, bob], seed: 4, count: 400)
        let snapshot = """
            SELECT (SELECT group_concat(id || ':' || first_at, ',') FROM (SELECT id, first_at FROM conversations ORDER BY id)),
                   (SELECT group_concat(conversation || ':' || day || ':' || first_at, ',') FROM (SELECT * FROM conversation_days ORDER BY 1, 2, 3)),
                   (SELECT group_concat(day || ':' || billing_type || ':' || conversations, ',') FROM (SELECT * FROM conversation_day_counts ORDER BY 1, 2, 3))
            """
        let written = try store.read { try Row.fetchOne($0, sql: snapshot)! }
        let filter = UsageFilter(from: end - 9 * UTC.day - 5_000, to: end - 2 * UTC.day)
        func pages(_ store: CofferStore) throws -> [[UsageRow]] {
            try [SortField.updated, .messages, .credits].map { field in
                try UsageQueries(store).page(.conversations, filter: filter, sort: UsageSort(field: field, descending: true), limit: 20, actor: ada).rows
            }
        }
        let before = (try pages(store), try UsageQueries(store).summary(.conversations, filter: filter, actor: ada))
        try store.close()
        // Put the file back as v9 left it: no first lines, day counts or walk indexes; the old time index.
        try fixture.raw().write { db in
            try db.execute(sql: """
                DROP INDEX conversations_by_messages; DROP INDEX conversations_by_credits; DROP INDEX conversation_days_returning;
                ALTER TABLE conversations DROP COLUMN first_at; ALTER TABLE conversation_days DROP COLUMN first_at;
                DROP TABLE conversation_day_counts;
                DROP INDEX usage_by_time; CREATE INDEX usage_by_time ON usage_events(workspace_id, tab, created_at, id);
                DELETE FROM grdb_migrations WHERE identifier = 'v11-range-sorts';
                """)
        }
        let reopened = try fixture.open()
        #expect(try reopened.read { try Row.fetchOne($0, sql: snapshot)! } == written, "the backfill equals what the writes kept")
        #expect(try pages(reopened) == before.0)
        #expect(try UsageQueries(reopened).summary(.conversations, filter: filter, actor: ada) == before.1)
        let report = try LedgerCheck(reopened).run()
        #expect(report.isSound, "\(report.violations)")
    }
}
