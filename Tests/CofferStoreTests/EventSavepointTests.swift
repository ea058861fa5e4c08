@testable import CofferStore
import CofferCore
import Foundation
import StoreUnderTest
import Testing

/// An event's savepoint opens at its first write, and its usage row is written with the
/// transaction's others at commit (R33, R40): what a group writes, and when.
@Suite("Event savepoints and usage rows written at commit (R33, R40)")
struct EventSavepointTests {
    @Test("A plain SELECT is a read; anything else opens the event's savepoint", arguments: [
        ("SELECT 1", true), ("SELECT\n  id FROM accounts", true), ("SELECT id FROM usage_events WHERE event_key = ?", true),
        ("INSERT INTO alerts(kind) VALUES (?)", false), ("UPDATE grants SET remaining = 0", false),
        ("INSERT INTO accounts(kind) VALUES (?) RETURNING id", false), ("WITH t AS (SELECT 1) DELETE FROM x", false),
        ("SELECTED", false), ("select 1", false), ("SELECT", false), ("", false), (" SELECT 1", false),
    ])
    func readsAreSelects(sql: String, reads: Bool) {
        #expect(LazySavepoint.reads(sql) == reads)
    }

    @Test("R40: a debit that only reads opens no savepoint; one that writes an alert opens one, before that write")
    func savepointAtFirstWrite() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 100_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        _ = try ConsumptionTests.use(store, bob, "gpt-4o", quantity: 1) // creates the usage sink's account
        let log = FactCacheTests.StatementLog()
        let traced = try CofferStore(path: fixture.path, catalog: StoreFixture.catalog, trace: { log.add($0) }, clock: { fixture.now })
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        let quiet = log.take()
        #expect(!quiet.contains { $0.contains("SAVEPOINT") }, "\(quiet)")
        #expect(quiet.filter { $0.hasPrefix("INSERT INTO usage_events") }.count == 1)

        let pool = try Balances(store).teamPoolCredits(workspace: ada.workspaceID)
        try TeamSettings(store).setAlert(actor: ada, threshold: Credits(millicredits: pool.millicredits - 1))
        _ = try ConsumptionTests.use(traced, bob, "gpt-4o", quantity: 1)
        let alerted = log.take()
        let opened = try #require(alerted.firstIndex { $0.contains("SAVEPOINT coffer_event") && !$0.hasPrefix("RELEASE SAVEPOINT coffer_event") })
        let alert = try #require(alerted.firstIndex { $0.hasPrefix("INSERT INTO alerts") })
        #expect(opened == alert - 1, "\(alerted)")
        #expect(try store.snapshot { try $0.int("SELECT count(*) FROM alerts") } == 1)
    }

    @Test("R33: a group of 75 events writes its rows 32 to a statement; an id repeated in the group is its first result")
    func rowsAtCommit() throws {
        let (_, store, ada) = try ConsumptionTests.team(pool: 10_000_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        var requests = (0..<75).map { UsageRequest(eventID: "g-\($0)", service: "gpt-4o", credits: Credits(millicredits: 1_000 + Int64($0))) }
        requests.insert(requests[70], at: 74) // the same id and payload, before its first is written
        var conflicting = requests[3]
        conflicting.credits = Credits(millicredits: 1)
        requests.append(conflicting)
        let before = try Balances(store).teamPoolCredits(workspace: ada.workspaceID)
        let results = try store.write(scope: .workspaces([ada.workspaceID])) { tx in
            let engine = ConsumptionEngine(tx: tx, expecting: requests.count)
            return try requests.map { request -> Result<UsageResult, CofferError> in
                do { return .success(try engine.recordInBatch(actor: bob, checked: request.checked(), at: tx.now)) }
                catch let error as CofferError { return .failure(error) }
            }
        }
        let first = try results[70].get()
        let again = try results[74].get()
        #expect(again.duplicate && !first.duplicate)
        #expect(again.credits == first.credits)
        #expect(again.draws == first.draws, "\(first.draws) \(again.draws)")
        #expect(again.balance == first.balance)
        #expect(throws: CofferError("Usage event g-3 was already recorded with a different payload")) { try results.last!.get() }
        let stored = try store.snapshot { sql in
            try sql.all("SELECT event_key, credits FROM usage_events WHERE event_key LIKE 'g-%' ORDER BY id") { ($0.text(0), $0.int(1)) }
        }
        #expect(stored.map(\.0) == (0..<75).map { "g-\($0)" })
        #expect(stored.map(\.1) == (0..<75).map { 1_000 + Int64($0) })
        let spent = (0..<75).reduce(Int64(0)) { $0 + 1_000 + Int64($1) }
        #expect(try Balances(store).teamPoolCredits(workspace: ada.workspaceID).millicredits == before.millicredits - spent)
        #expect(try LedgerCheck(store).run().violations.isEmpty)
    }

    @Test("R33: ids that differ only in how \"é\" is spelled (composed, decomposed) are two ids, in one group and across groups")
    func idsAreBytes() throws {
        let (_, store, _) = try ConsumptionTests.team(pool: 10_000_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed) // Swift's String equality; the database compares bytes
        func group(_ ids: [String]) throws -> [Bool] {
            try store.write(scope: .workspaces([bob.workspaceID])) { tx in
                let engine = ConsumptionEngine(tx: tx, expecting: ids.count)
                try engine.lookUpKeys(ids.map { EventIDKey(workspace: bob.workspaceID, id: $0) })
                return try ids.map {
                    try engine.recordInBatch(actor: bob, checked: UsageRequest(eventID: $0, service: "gpt-4o", credits: .whole(1)).checked(),
                                             at: tx.now).duplicate
                }
            }
        }
        #expect(try group([composed, decomposed, composed]) == [false, false, true])
        #expect(try group([decomposed, "x-\(composed)", composed]) == [true, false, true])
        let stored = try store.snapshot { try $0.int("SELECT count(*) FROM usage_events", []) }
        #expect(stored == 3)
    }
}

/// The buffer of usage rows alone: what rewinding to a mark keeps, across statements' chunks.
@Suite("Usage rows pending until commit (PendingUsageRows)")
struct PendingUsageRowsTests {
    /// A row of `usage_events` for the fixture's workspace 1 and user 1 (no entries: only the rows are looked at).
    static func row(_ n: Int) -> [Bind] {
        [.int(Int64(10_000 + n)), .int(1), .text("r-\(n)"), .text("hash"), .int(1), .int(1), .text("gpt-4o"), .text("conversation_message"),
         .null(.int), .int(Int64(n)), .int(0), .int(Int64(n)), .null(.text), .null(.text), .null(.text), .null(.text), .null(.text),
         .null(.text), .null(.text), .null(.text), .text("team_pool"), .int(0), .int(0), .null(.text), .int(1), .int(0), .int(0), .null(.int)]
    }

    static func recorded(_ n: Int) -> PendingUsageRows.Recorded {
        .init(payloadHash: "hash-\(n)", result: UsageResult(eventID: "r-\(n)", service: "gpt-4o", member: "ada@acme.test", credits: Int64(n), units: 0,
                                                            value: Int64(n), wallets: [], draws: [], balance: 0, unlimited: false,
                                                            recharge: nil, duplicate: true), usageID: Int64(10_000 + n))
    }

    @Test("Rewinding keeps the rows before the mark, whole chunks and part of one; ids added again are found again")
    func rewind() throws {
        let (_, store, _) = try ConsumptionTests.team()
        let stored = try store.write { tx -> [String] in
            let rows = PendingUsageRows()
            for n in 0..<70 { rows.add(EventIDKey(workspace: 1, id: "r-\(n)"), values: Self.row(n), recorded: Self.recorded(n)) }
            rows.rewind(to: 40)
            #expect(rows.count == 40)
            #expect(rows.recorded(EventIDKey(workspace: 1, id: "r-39"))?.usageID == 10_039)
            #expect(rows.recorded(EventIDKey(workspace: 1, id: "r-40")) == nil)
            #expect(rows.recorded(EventIDKey(workspace: 2, id: "r-39")) == nil)
            rows.rewind(to: 32)
            rows.rewind(to: 32)
            #expect(rows.count == 32 && rows.recorded(EventIDKey(workspace: 1, id: "r-32")) == nil)
            for n in 32..<35 { rows.add(EventIDKey(workspace: 1, id: "r-\(n)"), values: Self.row(n), recorded: Self.recorded(n)) }
            #expect(rows.recorded(EventIDKey(workspace: 1, id: "r-34"))?.payloadHash == "hash-34")
            try rows.flush(tx.sql)
            #expect(rows.count == 0 && rows.recorded(EventIDKey(workspace: 1, id: "r-0")) == nil)
            return try tx.sql.all("SELECT event_key FROM usage_events WHERE id >= 10000 ORDER BY id", []) { $0.text(0) }
        }
        #expect(stored == (0..<35).map { "r-\($0)" })
    }
}
