@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import StoreUnderTest
import Testing

/// SPEC §7: the four tabs against an oracle computed from known events.
@Suite("Usage records (SPEC §7)")
struct UsageQueryTests {
    /// One recorded charge line, as the oracle sees it.
    struct Line { let tab: Int; let key: String; let type: String; let user: String; let title: String; let messages: Int64; let credits: Int64; let time: Timestamp }

    /// A workspace with hand-placed events over five days; returns the lines the oracle knows.
    static func fixture() throws -> (StoreFixture, CofferStore, Actor, Actor, [Line]) {
        let fixture = try StoreFixture(now: "2026-03-01T08:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 3, card: "4242424242424242")
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        let bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: nil)
        try Members(store).acceptInvite(actor: bob)
        _ = try APIKeys(store).create(actor: ada, name: "ci")
        _ = try APIKeys(store).create(actor: ada, name: "zapier")
        var lines: [Line] = []
        func event(_ who: Actor, _ at: String, _ service: String, _ quantity: Int64, _ configure: (inout UsageRequest) -> Void) throws {
            try fixture.at(at)
            var request = UsageRequest(eventID: "e\(lines.count)", service: service, quantity: .whole(quantity))
            configure(&request)
            let result = try Usage(store).consume(actor: who, request: request)
            let tab = request.conversationID != nil ? 1 : request.apiKey != nil ? 2 : 3
            let key = request.conversationID ?? request.callID ?? request.taskID ?? ""
            let type = request.billingType ?? request.apiKey ?? request.importType ?? ""
            lines.append(Line(tab: tab, key: key, type: type, user: who.email, title: request.title ?? "", messages: quantity * 1000,
                              credits: result.credits.millicredits, time: fixture.now))
        }
        func chat(_ who: Actor, _ at: String, _ id: String, _ type: String, _ service: String, _ q: Int64, _ title: String) throws {
            try event(who, at, service, q) { $0.conversationID = id; $0.billingType = type; $0.title = title }
        }
        try chat(ada, "2026-03-01T10:00:00Z", "c-a", "message", "gpt-4o", 2, "Launch plan")
        try event(ada, "2026-03-01T11:00:00Z", "mcp-http-call", 1) { $0.apiKey = "ci"; $0.callID = "k1" }
        try chat(ada, "2026-03-02T10:00:00Z", "c-a", "message", "gpt-4o", 1, "Launch plan")
        try chat(ada, "2026-03-02T12:00:00Z", "c-a", "image", "imagen-3", 1, "Launch plan")
        try event(ada, "2026-03-02T13:00:00Z", "brand-import", 1) { $0.taskID = "t1"; $0.importType = "brand"; $0.url = "https://a.test/b" }
        try chat(bob, "2026-03-03T09:00:00Z", "c-b", "message", "claude-sonnet-4", 1, "Budget review")
        try event(bob, "2026-03-03T10:00:00Z", "mcp-http-call", 1) { $0.apiKey = "zapier"; $0.callID = "k2" }
        try chat(bob, "2026-03-03T18:00:00Z", "c-b", "message", "claude-sonnet-4", 4, "Budget review")
        try chat(bob, "2026-03-04T09:30:00Z", "c-c", "video", "veo-2", 2, "Teaser cut")
        try event(ada, "2026-03-04T20:00:00Z", "product-import", 1) { $0.taskID = "t2"; $0.importType = "product"; $0.url = "https://a.test/p" }
        try chat(ada, "2026-03-05T10:00:00Z", "c-a", "message", "gpt-4o", 3, "Launch plan")
        try event(ada, "2026-03-05T23:59:59Z", "mcp-http-call", 1) { $0.apiKey = "ci"; $0.callID = "k3" }
        try fixture.at("2026-03-06T00:00:00Z")
        return (fixture, store, ada, bob, lines)
    }

    @Test("SPEC §7: hand-computed figures for the Conversations tab")
    func handComputed() throws {
        let (_, store, ada, _, _) = try Self.fixture()
        let all = try UsageQueries(store).page(.conversations, filter: UsageFilter(), actor: ada).rows
        #expect(all.map { "\($0.key)/\($0.billingType!)" } == ["c-a/message", "c-c/video", "c-b/message", "c-a/image"])
        #expect(all.first?.messages == Quantity(milliunits: 6_000) && all.first?.credits == Credits(millicredits: 90)) // 6 × $0.015
        let march3 = try UsageQueries(store).page(.conversations, filter: .days(from: try UTC.parse("2026-03-03"), to: try UTC.parse("2026-03-03")), actor: ada)
        #expect(march3.rows.map(\.key) == ["c-b"])
        #expect(march3.rows.first?.messages == Quantity(milliunits: 5_000) && march3.rows.first?.credits == Credits(millicredits: 100))
        #expect(march3.rows.first?.time == (try UTC.parse("2026-03-03T18:00:00Z")))
        let summary = try UsageQueries(store).summary(.conversations, filter: .days(from: try UTC.parse("2026-03-02"), to: try UTC.parse("2026-03-03")), actor: ada)
        #expect(summary == UsageSummary(count: 3, messages: Quantity(milliunits: 7_000), credits: Credits(millicredits: 15 + 40 + 100)))
        #expect(try UsageQueries(store).summary(.calls, filter: UsageFilter(apiKey: "ci"), actor: ada) == UsageSummary(count: 2, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 4)))
        #expect(try UsageQueries(store).summary(.imports, filter: UsageFilter(type: "brand"), actor: ada) == UsageSummary(count: 1, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 500)))
    }

    /// What the tab should show, from the lines alone.
    static func oracle(_ tab: UsageTab, _ lines: [Line], filter: UsageFilter, owner: Bool) -> [String: (Int64, Int64, Timestamp)] {
        let code = tab == .conversations ? 1 : tab == .calls ? 2 : 3
        var rows: [String: (Int64, Int64, Timestamp)] = [:]
        for line in lines where line.tab == code {
            if let from = filter.from, line.time < from { continue }
            if let to = filter.to, line.time >= to { continue }
            if tab == .conversations, let type = filter.type, line.type != type { continue }
            if tab == .calls, let key = filter.apiKey, line.type != key { continue }
            if tab == .imports, let type = filter.type, line.type != type { continue }
            if tab == .conversations, let search = filter.search?.lowercased() {
                let hit = line.key.lowercased().contains(search) || line.title.lowercased().contains(search) || (owner && line.user.contains(search))
                if !hit { continue }
            }
            let key = tab == .conversations ? "\(line.key)/\(line.type)" : line.key
            let old = rows[key] ?? (0, 0, .min)
            rows[key] = (old.0 + line.messages, old.1 + line.credits, max(old.2, line.time))
        }
        return rows
    }

    @Test("SPEC §7: every filter alone and combined, every sort both ways, paging returns each row once", arguments: [UsageTab.conversations, .calls, .imports])
    func againstTheOracle(tab: UsageTab) throws {
        let (_, store, ada, bob, lines) = try Self.fixture()
        let day = UTC.day, base = try UTC.parse("2026-03-01")
        let ranges: [(Timestamp?, Timestamp?)] = [(nil, nil), (base, base + day), (base + day + 3_600 * 11, base + 3 * day + 3_600 * 12),
                                                   (base + 2 * day, nil), (nil, base + 2 * day), (base + 9 * day, nil),
                                                   // a partial day with lines outside the range, and one without (served as whole)
                                                   (base + day + 3_600 * 11, base + 2 * day + 3_600 * 12), (base + 4 * day + 3_600, base + 5 * day + 3_600 * 11)]
        let types: [String?] = tab == .conversations ? [nil, "message", "image", "video"] : tab == .imports ? [nil, "brand", "product"] : [nil]
        let keys: [String?] = tab == .calls ? [nil, "ci", "zapier"] : [nil]
        let searches: [String?] = tab == .conversations ? [nil, "launch", "c-b", "bob", "zz"] : [nil]
        var checked = 0
        for (from, to) in ranges { for type in types { for key in keys { for search in searches { for actor in [ada, bob] {
            let filter = UsageFilter(from: from, to: to, search: search, type: type, apiKey: key)
            let expected = Self.oracle(tab, lines, filter: filter, owner: actor.role != .member)
            let summary = try UsageQueries(store).summary(tab, filter: filter, actor: actor)
            #expect(summary.count == Int64(expected.count), "\(tab) \(filter)")
            #expect(summary.credits.millicredits == expected.values.reduce(0) { $0 + $1.1 }, "\(tab) \(filter)")
            for field in tab.sortFields { for descending in [true, false] {
                let sort = UsageSort(field: field, descending: descending)
                var seen: [UsageRow] = []
                var cursor: UsageCursor?
                repeat {
                    let page = try UsageQueries(store).page(tab, filter: filter, sort: sort, after: cursor, limit: 2, actor: actor)
                    seen += page.rows
                    cursor = page.next
                } while cursor != nil
                // Issue #19.8: from the other end (End, then up), page by page, the same rows in the same order.
                var back: [UsageRow] = []
                var before: UsageCursor?
                repeat {
                    let page = try UsageQueries(store).page(tab, filter: filter, sort: sort, before: before, limit: 2, actor: actor)
                    back = page.rows + back
                    before = page.next
                } while before != nil
                #expect(back == seen, "\(tab) \(filter) \(sort): read from the end")
                let keys = seen.map { tab == .conversations ? "\($0.key)/\($0.billingType!)" : $0.key }
                #expect(Set(keys) == Set(expected.keys) && keys.count == expected.count, "\(tab) \(filter) \(sort): \(keys)")
                let values = seen.map(\.cursor.value)
                #expect(values == (descending ? values.sorted(by: >) : values.sorted()), "\(tab) \(sort) order")
                for row in seen {
                    let key = tab == .conversations ? "\(row.key)/\(row.billingType!)" : row.key
                    #expect(row.credits.millicredits == expected[key]?.1 && row.time == expected[key]?.2)
                    if tab == .conversations { #expect(row.messages?.milliunits == expected[key]?.0) }
                    #expect((row.user != nil) == (actor.role != .member), "R7: the User column is for owners only")
                }
                checked += 1
            } }
        } } } } }
        #expect(checked > 20)
    }

    @Test("SPEC §7: adjustments filter by type and sort by amount; the net matches")
    func adjustments() throws {
        let (_, store, ada, _, _) = try Self.fixture()
        let all = try UsageQueries(store).page(.adjustments, filter: UsageFilter(), sort: UsageSort(field: .amount, descending: true), actor: ada)
        #expect(all.rows.map(\.key) == ["subscription_renewal", "free_workspace_grant"])
        let last = try UsageQueries(store).page(.adjustments, filter: UsageFilter(), sort: UsageSort(field: .amount, descending: true), before: nil, limit: 1, actor: ada)
        #expect(last.rows.map(\.key) == ["free_workspace_grant"] && last.next == last.rows.first?.cursor, "Issue #19.8: the last row, and more before it")
        #expect(try UsageQueries(store).summary(.adjustments, filter: UsageFilter(), actor: ada) == UsageSummary(count: 2, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 305_000)))
        #expect(try UsageQueries(store).summary(.adjustments, filter: UsageFilter(type: "free_workspace_grant"), actor: ada).credits == Credits(millicredits: 5_000))
    }

    @Test("SPEC §7: quick picks at a fixed now, across month ends and a leap day", arguments: [
        ("2024-03-01T12:00:00Z", "3m", "2023-12-01T12:00:00Z"), ("2024-05-31T00:00:00Z", "3m", "2024-02-29T00:00:00Z"),
        ("2025-05-31T00:00:00Z", "3m", "2025-02-28T00:00:00Z"), ("2024-03-01T00:00:00Z", "7d", "2024-02-23T00:00:00Z"),
        ("2024-03-30T06:00:00Z", "30d", "2024-02-29T06:00:00Z"), ("2024-02-29T23:00:00Z", "30d", "2024-01-30T23:00:00Z"),
    ])
    func quickPicks(now: String, pick: String, from: String) throws {
        let filter = try UsageFilter.quickPick(pick, now: try UTC.parse(now))
        #expect(filter.from.map(UTC.iso) == from)
        #expect(filter.to == (try UTC.parse(now)) + 1, "up to and including now")
    }

    @Test("SPEC §7: summary credits equal the ledger's movement for the same records (random filters)")
    func reconciliation() throws {
        let (_, store, ada, _, _) = try Self.fixture()
        var rng = SeededRandom(seed: 7)
        let base = try UTC.parse("2026-03-01")
        for _ in 0..<60 {
            let tab = [UsageTab.conversations, .calls, .imports][Int(rng.next() % 3)]
            let from = rng.next() % 3 == 0 ? nil : base + Int64(rng.next() % (6 * 86_400))
            let to = rng.next() % 3 == 0 ? nil : (from ?? base) + Int64(rng.next() % (4 * 86_400))
            let filter = UsageFilter(from: from, to: to, type: tab == .conversations ? [nil, "message", "video"][Int(rng.next() % 3)] : nil)
            let summary = try UsageQueries(store).summary(tab, filter: filter, actor: ada)
            let code = tab == .conversations ? 1 : tab == .calls ? 2 : 3
            let ledger = try store.snapshot { sql in
                try sql.int("""
                    SELECT ifnull(sum(e.amount), 0) FROM entries e JOIN usage_events u ON u.id = e.usage_id
                    WHERE e.asset = 'credits' AND e.kind = 'spend' AND u.tab = ? AND u.created_at >= ? AND u.created_at < ?
                      AND (? IS NULL OR u.billing_type = ?)
                    """, .int(code), .int(from ?? .min), .int(to ?? .max), .text(filter.type), .text(filter.type)) ?? 0
            }
            #expect(summary.credits.millicredits == ledger, "\(tab) \(filter)")
        }
    }

    /// A grant draw as the ledger counts it: millicredits or thousandths of a unit.
    static func thousandths(_ amount: Amount) -> Int64 {
        switch amount {
        case .credits(let credits): credits.millicredits
        case .quantity(let quantity, _): quantity.milliunits
        }
    }

    @Test("SPEC §7: the billing detail sheet lists every charge line with its grants")
    func detailSheet() throws {
        let (_, store, ada, bob, _) = try Self.fixture()
        let lines = try UsageQueries(store).detail(conversation: "c-a", actor: ada)
        #expect(lines.map(\.service) == ["gpt-4o", "gpt-4o", "imagen-3", "gpt-4o"])
        #expect(lines.allSatisfy { !$0.grants.isEmpty && $0.grants.reduce(0) { $0 + Self.thousandths($1.amount) } == $0.credits.millicredits })
        #expect(lines.first?.user == "ada@acme.test")
        #expect(try UsageQueries(store).detail(conversation: "c-a", actor: bob).first?.user == nil, "R7")
        #expect(throws: CofferError("No conversation nope")) { try UsageQueries(store).detail(conversation: "nope", actor: ada) }
    }

    @Test("SPEC §7: a date-range page of one workspace never scans a whole table (EXPLAIN QUERY PLAN)",
          .enabled(if: StoreUnderTest.isSQLite, "reads SQLite's query plans (EXPLAIN QUERY PLAN, INDEXED BY); PostgreSQL's planner picks its own indexes"))
    func queryPlans() throws {
        let (_, store, ada, _, _) = try Self.fixture()
        let plans = try store.read { db -> [String] in
            let statements = [
                "SELECT id FROM usage_events u WHERE u.workspace_id = \(ada.workspaceID) AND u.tab = 2 AND u.created_at >= 0 AND u.created_at < 99999999999 ORDER BY u.created_at DESC, u.id DESC LIMIT 51",
                "SELECT id FROM usage_events u WHERE u.workspace_id = \(ada.workspaceID) AND u.tab = 3 AND u.import_type = 'brand' AND u.created_at >= 0 ORDER BY u.credits DESC, u.id DESC LIMIT 51",
                "SELECT conversation_id, billing_type, sum(messages) FROM usage_events WHERE workspace_id = \(ada.workspaceID) AND tab = 1 AND created_at >= 0 AND created_at < 99999999999 GROUP BY conversation_id, billing_type",
                "SELECT id FROM conversations c WHERE c.workspace_id = \(ada.workspaceID) ORDER BY c.updated_at DESC, c.id DESC LIMIT 51",
                "SELECT id FROM adjustments a WHERE a.workspace_id = \(ada.workspaceID) AND a.created_at >= 0 ORDER BY a.created_at DESC, a.id DESC LIMIT 51",
                "SELECT sum(lines) FROM usage_daily WHERE workspace_id = \(ada.workspaceID) AND tab = 2 AND day >= 1 AND day < 99999",
                "SELECT conversation, last_at FROM conversation_days WHERE workspace_id = \(ada.workspaceID) AND day >= 1 AND day < 99999 ORDER BY day DESC, last_at DESC, conversation DESC",
                "SELECT count(*) FROM conversation_days WHERE workspace_id = \(ada.workspaceID) AND day >= 1 AND day < 99999 AND (prev_day IS NULL OR prev_day < 1)",
                "SELECT conversation, sum(messages) FROM conversation_days WHERE workspace_id = \(ada.workspaceID) AND conversation IN (1, 2) AND day >= 1 AND day < 99999 GROUP BY conversation",
            ]
            return try statements.map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        // Sorted by credits over most of the tab: walk usage_by_credits in order (no sort of the range);
        // over a sliver of it, sort the range; with no line in range, let the planner choose.
        try store.read { db in
            let all = UsageFilter(), none = UsageFilter(from: 0, to: 1)
            #expect(try UsageQueries.walksCredits(.calls, filter: all, limit: 2, workspace: ada.workspaceID, sql: db.storage))
            #expect(try !UsageQueries.walksCredits(.calls, filter: none, limit: 2, workspace: ada.workspaceID, sql: db.storage))
            #expect(try !UsageQueries.walksCredits(.calls, filter: all, limit: 10_000, workspace: ada.workspaceID, sql: db.storage))
            #expect(try !UsageQueries.walksCredits(.calls, filter: UsageFilter(apiKey: "ci"), limit: 2, workspace: ada.workspaceID, sql: db.storage))
            let walk = try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT u.id FROM usage_events u INDEXED BY usage_by_credits WHERE u.workspace_id = 1 AND u.tab = 2
                AND u.tab IN (2, 3) AND u.created_at >= 0 ORDER BY u.credits DESC, u.id DESC LIMIT 3
                """).map { $0["detail"] as String }.joined(separator: "; ")
            #expect(walk.contains("usage_by_credits") && !walk.contains("TEMP B-TREE"), "\(walk)")
            // Issue #18.5: Conversations by messages or credits under a range walk the all-time totals in
            // order, reading the index alone to skip what is out of range; counts and partial days read no line.
            let w = ada.workspaceID
            for (sql, index) in [
                ("SELECT id FROM conversations INDEXED BY conversations_by_credits WHERE workspace_id = \(w) AND updated_at >= 0 AND first_at < 9 AND billing_type = 'video' AND ((credits, id) < (5, 5) OR first_at < 0) ORDER BY credits DESC, id DESC", "COVERING INDEX conversations_by_credits"),
                ("SELECT id, title FROM conversations INDEXED BY conversations_by_messages WHERE workspace_id = \(w) AND updated_at >= 0 AND first_at < 9 ORDER BY messages DESC, id DESC", "INDEX conversations_by_messages"),
                ("SELECT count(*) FROM conversation_days WHERE workspace_id = \(w) AND prev_day >= 1 AND prev_day < 99999 AND day < 99999 AND billing_type = 'image'", "COVERING INDEX conversation_days_returning"),
                ("SELECT sum(conversations) FROM conversation_day_counts WHERE workspace_id = \(w) AND day >= 1 AND day < 99999", "PRIMARY KEY"),
                ("SELECT sum(messages), sum(credits) FROM usage_events WHERE workspace_id = \(w) AND tab = 1 AND created_at >= 0 AND created_at < 9", "COVERING INDEX usage_by_time"),
            ] {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
                #expect(plan.contains(index) && !plan.contains("TEMP B-TREE") && !plan.contains("SCAN"), "\(plan)")
            }
        }
        if ProcessInfo.processInfo.environment["SHOW_PLANS"] != nil { for plan in plans { print("PLAN", plan) } }
        for plan in plans {
            #expect(plan.contains("USING") , "\(plan)")
            #expect(!plan.contains("SCAN u ") && !plan.hasSuffix("SCAN u") && !plan.contains("SCAN usage_events ") && !plan.hasSuffix("SCAN usage_events")
                    && !plan.contains("SCAN a ") && !plan.hasSuffix("SCAN a") && !plan.hasSuffix("SCAN c") && !plan.contains("SCAN c "), "full scan: \(plan)")
        }
    }
}

/// The search index stays right when titles change before and after a conversation is indexed.
@Suite("Usage search index (SPEC §7)")
struct UsageSearchIndexTests {
    @Test("A title changed in the same batch, and later, is found by its new words only; the index checks out")
    func titlesChange() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        let path = fixture.folder.appendingPathComponent("lines.jsonl").path
        try """
            {"id": "1", "service": "gpt-4o", "conversation": "c1", "title": "Alpha draft"}
            {"id": "2", "service": "gpt-4o", "conversation": "c1", "title": "Bravo final"}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Usage(store).importFile(actor: ada, path: path).inserted == 2)
        func hits(_ text: String) throws -> [String] {
            try UsageQueries(store).page(.conversations, filter: UsageFilter(search: text), actor: ada).rows.map(\.key)
        }
        #expect(try hits("Alpha").isEmpty && hits("Bravo") == ["c1"])
        _ = try Usage(store).consume(actor: ada, request: {
            var r = UsageRequest(eventID: "3", service: "gpt-4o"); r.conversationID = "c1"; r.title = "Charlie"; return r
        }())
        #expect(try hits("Bravo").isEmpty && hits("Charlie") == ["c1"])
        // FTS5's own check compares the index with the conversations it was built from (SQLite's FTS5
        // table; on PostgreSQL search reads pg_trgm indexes the server keeps itself: no table of Coffer's to check).
        if let sqlite = store.sqlite {
            try sqlite.database.writeWithoutTransaction {
                try $0.execute(sql: "INSERT INTO conversation_search(conversation_search) VALUES ('integrity-check')")
            }
        }
    }
}

/// Counting conversations per range stays exact when days arrive out of order.
@Suite("Conversation counts (SPEC §7)")
struct ConversationCountTests {
    @Test("A day recorded after a later one is counted once in every range")
    func outOfOrderDays() throws {
        let fixture = try StoreFixture(now: "2026-03-05T10:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        func line(_ id: String, at time: String) throws {
            try fixture.at(time)
            var request = UsageRequest(eventID: id, service: "gpt-4o")
            request.conversationID = "c-x"
            _ = try Usage(store).consume(actor: ada, request: request)
        }
        try line("1", at: "2026-03-05T10:00:00Z")
        try line("2", at: "2026-03-02T10:00:00Z") // earlier day, recorded later
        try line("3", at: "2026-03-08T10:00:00Z")
        for (from, to, expected) in [("2026-03-01", "2026-03-09", 1), ("2026-03-03", "2026-03-09", 1), ("2026-03-01", "2026-03-03", 1),
                                     ("2026-03-06", "2026-03-07", 0), ("2026-03-05", "2026-03-05", 1)] as [(String, String, Int64)] {
            let filter = UsageFilter.days(from: try UTC.parse(from), to: try UTC.parse(to))
            #expect(try UsageQueries(store).summary(.conversations, filter: filter, actor: ada).count == expected, "\(from)…\(to)")
            #expect(try UsageQueries(store).page(.conversations, filter: filter, actor: ada).rows.count == Int(expected), "\(from)…\(to)")
        }
        let chain = try store.snapshot { try $0.all("SELECT day, prev_day FROM conversation_days ORDER BY day") { "\($0.int(0)):\($0.optionalInt(1).map(String.init) ?? "-")" } }
        let day = { (text: String) in String(try UTC.parse(text) / UTC.day) }
        #expect(chain == ["\(try day("2026-03-02")):-", "\(try day("2026-03-05")):\(try day("2026-03-02"))", "\(try day("2026-03-08")):\(try day("2026-03-05"))"])
    }
}
