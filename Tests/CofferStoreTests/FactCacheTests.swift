@testable import CofferStore
import CofferCore
import Foundation
import StoreUnderTest
import Synchronization
import Testing

/// Facts kept across transactions (issue #15.5): a store reads `facts_version` once per
/// transaction and reuses what it read before only while no one changed the tables behind it —
/// another store on the same file, another process, or a transaction of its own that rolled back.
@Suite("Facts kept across transactions (issue #15.5)")
struct FactCacheTests {
    /// Every statement a store ran, for the tests that look at what a debit reads.
    final class StatementLog: Sendable {
        private let statements = Mutex<[String]>([])
        func add(_ sql: String) { statements.withLock { $0.append(sql) } }
        /// The statements logged since the last call, and a fresh start.
        func take() -> [String] { statements.withLock { let all = $0; $0.removeAll(); return all } }
    }

    /// The queries that read a kept fact (each names the table and shape the services use).
    static let factReads = [
        "FROM members m JOIN users u", "SELECT name FROM api_keys", "SELECT service FROM whitelist", "FROM subscriptions WHERE workspace_id",
        "FROM subscriptions WHERE user_id", "SELECT alert_threshold FROM workspaces", "FROM recharge_settings", "SELECT id FROM accounts WHERE kind",
    ]

    static func factReads(in statements: [String]) -> [String] {
        statements.filter { sql in factReads.contains { sql.contains($0) } }
    }

    @Test("A debit after a debit reads one facts_version and no fact; after a change elsewhere it reads them again")
    func secondDebitReadsNoFact() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 100_000)
        _ = try TeamSettings(store).setRecharge(actor: ada, seatEmail: nil, enabled: true, threshold: .whole(1), amount: .whole(20),
                                                maxPeriodSpend: nil)
        try Members(store).setLimit(actor: ada, email: "bob@acme.test", limit: .whole(1_000))
        // The first debit ever creates the usage sink's account, which moves the version.
        _ = try ConsumptionTests.use(store, ConsumptionTests.actor(store, "bob@acme.test"), "gpt-4o", quantity: 1)
        let log = StatementLog()
        let traced = try CofferStore(path: fixture.path, catalog: StoreFixture.catalog, trace: { log.add($0) }, clock: { fixture.now })
        let bob = try ConsumptionTests.actor(traced, "bob@acme.test")
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        #expect(!Self.factReads(in: log.take()).isEmpty, "the first debit reads the facts")
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        let second = log.take()
        #expect(Self.factReads(in: second).isEmpty, "\(Self.factReads(in: second))")
        #expect(second.filter { $0.contains("FROM facts_version") }.count == 1)
        // Another store changes a fact: the next debit reads the facts again.
        try TeamSettings(store).setWhitelist(actor: ada, models: ["gpt-4o", "claude-sonnet-4"])
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        #expect(Self.factReads(in: log.take()).contains { $0.contains("SELECT service FROM whitelist") })
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        #expect(Self.factReads(in: log.take()).isEmpty)
    }

    @Test("A whitelist, a limit, a key, an access type or a pause set through one store is seen by the other store's next debit")
    func twoStoresOnOneFile() throws {
        let (fixture, other, ada) = try ConsumptionTests.team(pool: 100_000)
        let store = try fixture.open()
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        func use(_ service: String = "gpt-4o", credits: Credits? = nil, key: String? = nil) throws -> UsageResult {
            var request = UsageRequest(eventID: UUID().uuidString, service: service, credits: credits)
            request.apiKey = key
            request.callID = key.map { _ in UUID().uuidString }
            return try Usage(store).consume(actor: bob, request: request)
        }
        for _ in 0..<2 { _ = try use() }

        try TeamSettings(other).setWhitelist(actor: ada, models: ["claude-sonnet-4"])
        #expect(throws: CofferError("This model is not on your team's whitelist")) { try use() }
        _ = try use("claude-sonnet-4")
        try TeamSettings(other).setWhitelist(actor: ada, models: [])
        _ = try use()

        try Members(other).setLimit(actor: ada, email: "bob@acme.test", limit: Credits(millicredits: 100))
        #expect(throws: CofferError.self) { try use(credits: .whole(1)) }
        try Members(other).setLimit(actor: ada, email: "bob@acme.test", limit: nil)
        _ = try use(credits: .whole(1))

        #expect(throws: CofferError("No API key named late: create it with coffer keys create")) { try use("mcp-http-call", key: "late") }
        _ = try APIKeys(other).create(actor: ada, name: "late")
        _ = try use("mcp-http-call", key: "late")

        let pool = try ConsumptionTests.pool(store, ada)
        try Members(other).setAccess(actor: ada, email: "bob@acme.test", access: .personal)
        #expect(throws: CofferError.self) { try use() }
        #expect(try ConsumptionTests.pool(store, ada) == pool, "a member on Personal drew from the team pool")

        let carol = try ConsumptionTests.actor(store, "carol@acme.test")
        for _ in 0..<2 { _ = try ConsumptionTests.use(store, carol, "gpt-4o") }
        _ = try Subscriptions(other).pause(actor: ada)
        #expect(throws: CofferError("Your team's subscription is Paused: team credits cannot be spent")) {
            try ConsumptionTests.use(store, carol, "gpt-4o")
        }
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("R38: a key's holder, kept while the facts counter stands still, is refused at once after another store revokes the key")
    func keptHolderRevokedElsewhere() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 100_000)
        let secret = try APIKeys(store).create(actor: ada, name: "backend")
        #expect(try APIKeys(store).holder(ofSecret: secret)?.keyName == "backend")
        let version = try store.snapshot { try FactCache.version($0) }
        #expect(store.backend.factsVersion() == version, "both stores read the counter on its own, outside any transaction")
        #expect(try APIKeys(store).holder(ofSecret: secret)?.keyName == "backend", "kept")
        try APIKeys(fixture.open()).revoke(actor: ada, name: "backend")
        #expect(try APIKeys(store).holder(ofSecret: secret) == nil)
        #expect(store.backend.factsVersion() == (try store.snapshot { try FactCache.version($0) }))
    }

    @Test("A whitelist written by another process (python's sqlite3, or psql on PostgreSQL) is seen by the next debit")
    func anotherProcess() throws {
        let (fixture, store, _) = try ConsumptionTests.team(pool: 100_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        for _ in 0..<2 { _ = try ConsumptionTests.use(store, bob, "gpt-4o") }
        let insert = "INSERT INTO whitelist(workspace_id, service) SELECT id, 'claude-sonnet-4' FROM workspaces"
        if let socket = StoreUnderTest.postgresSocket {
            try StoreUnderTest.psql(socket: socket, database: try #require(StoreUnderTest.databaseName(fixture.path)), insert)
        } else {
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = ["python3", "-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                db.execute("\(insert)")
                db.commit()
                """, fixture.path]
            try python.run()
            python.waitUntilExit()
            try #require(python.terminationStatus == 0)
        }
        #expect(throws: CofferError("This model is not on your team's whitelist")) { try ConsumptionTests.use(store, bob, "gpt-4o") }
    }

    @Test("Facts read in a transaction that rolled back are not kept, even when the version comes round again")
    func rolledBackFactsAreDropped() throws {
        let (_, store, ada) = try ConsumptionTests.team(pool: 100_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        for _ in 0..<2 { _ = try ConsumptionTests.use(store, bob, "gpt-4o") }
        struct Abandon: Error {}
        // Inside one transaction: whitelist only Claude (the version moves by one), debit Claude (the
        // engine reads that whitelist), then give up: the database is back where it was.
        #expect(throws: Abandon.self) {
            try store.write { tx in
                try tx.sql.run("INSERT INTO whitelist(workspace_id, service) VALUES (?, 'claude-sonnet-4')", .int(ada.workspaceID))
                _ = try ConsumptionEngine(tx: tx).recordInBatch(actor: bob, checked: UsageRequest(eventID: "gone", service: "claude-sonnet-4").checked(),
                                                                at: tx.now)
                throw Abandon()
            }
        }
        // An unrelated change moves the version by one again, to the number the abandoned transaction had.
        try TeamSettings(store).setAlert(actor: ada, threshold: .whole(5))
        _ = try ConsumptionTests.use(store, bob, "gpt-4o")
        #expect(try TeamSettings(store).whitelist(actor: ada).isEmpty)
    }

    @Test("Facts read inside an event's savepoint that rolled back are dropped with it (an account created, then undone)")
    func rolledBackSavepointFacts() throws {
        let (_, store, ada) = try ConsumptionTests.team(pool: 100_000) // no debit yet: the usage sink's account does not exist
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        try TeamSettings(store).setAlert(actor: ada, threshold: Credits(millicredits: 99_999)) // any debit crosses it
        let outcomes = try store.write { tx -> [String] in
            // The first event creates the sink's account, then the database refuses its alert: its savepoint undoes both.
            try tx.sql.refuseInserts("refuse_event", into: "alerts", message: "refused here", temporary: true)
            let engine = ConsumptionEngine(tx: tx)
            var outcomes: [String] = []
            for id in ["first", "second"] {
                do {
                    _ = try engine.recordInBatch(actor: bob, checked: UsageRequest(eventID: id, service: "gpt-4o").checked(), at: tx.now)
                    outcomes.append("recorded")
                } catch let error as CofferError {
                    outcomes.append(error.message)
                }
                try tx.sql.stopRefusing("refuse_event", on: "alerts", temporary: true)
            }
            return outcomes
        }
        #expect(outcomes == ["Refused by the database: refused here", "recorded"])
        _ = try ConsumptionTests.use(store, bob, "gpt-4o")
        #expect(try LedgerCheck(store).run().isSound)
    }

    @Test("Schema v9: every table a fact comes from moves facts_version; a debit, and its balance updates, do not")
    func triggers() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 100_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        func version() throws -> Int64 { try store.snapshot { try FactCache.version($0) } }
        _ = try ConsumptionTests.use(store, bob, "gpt-4o") // the first debit creates the usage sink's account
        let before = try version()
        _ = try ConsumptionTests.use(store, bob, "gpt-4o")
        #expect(try version() == before, "a debit moved the facts version")
        if StoreUnderTest.isSQLite {
            let triggers = try fixture.rawWrite { sql in
                try sql.all("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%moves_facts'") {
                    (table: $0.text(0), sql: $0.text(1))
                }
            }
            for (table, _) in Schema.factTables {
                let on = triggers.filter { $0.table == table }.map(\.sql)
                #expect(on.count == 3 && ["INSERT", "UPDATE", "DELETE"].allSatisfy { event in on.contains { $0.contains("AFTER \(event)") } },
                        "\(table): \(on)")
            }
        } else {
            // PostgreSQL's statement triggers (one may name several events; TRUNCATE is not listed here).
            let triggers = try fixture.rawWrite { sql in
                try sql.all("""
                    SELECT event_object_table, event_manipulation, action_timing FROM information_schema.triggers
                    WHERE trigger_name LIKE '%moves_facts'
                    """) { (table: $0.text(0), event: $0.text(1), timing: $0.text(2)) }
            }
            for (table, _) in Schema.factTables {
                let on = triggers.filter { $0.table == table }
                #expect(Set(on.map(\.event)) == ["INSERT", "UPDATE", "DELETE"] && on.allSatisfy { $0.timing == "AFTER" }, "\(table): \(on)")
            }
        }
        for (sql, moves) in [("INSERT INTO whitelist(workspace_id, service) VALUES (\(ada.workspaceID), 'claude-sonnet-4')", true),
                             ("DELETE FROM whitelist", true), ("UPDATE members SET role = role", true), ("UPDATE seats SET multiplier = multiplier", true),
                             ("UPDATE subscriptions SET seats = seats", true), ("UPDATE accounts SET balance = balance", false),
                             ("UPDATE accounts SET name = name", true)] {
            let moved = try version()
            try fixture.rawWrite { try $0.run(sql) }
            #expect((try version() > moved) == moves, "\(sql)")
        }
    }
}
