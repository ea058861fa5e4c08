@testable import CofferStore
import CofferCore
import Foundation
import StoreUnderTest
import Testing

/// What a read or a write costs in round trips to PostgreSQL (SPEC §11, §13): statements that need
/// no answer wait for one that does, and a report's independent reads go together. Counts, not
/// times: a bound broken here is a statement sent alone that need not be.
@Suite("Round trips to PostgreSQL (SPEC §11, §13)", .enabled(if: StoreUnderTest.isPostgres, "SQLite answers in-process"))
struct RoundTripTests {
    /// The round trips `body` makes on `store`.
    static func roundTrips(_ store: CofferStore, _ body: () throws -> Void) rethrows -> Int {
        let before = store.roundTrips
        try body()
        return store.roundTrips - before
    }

    @Test("SPEC §11: a balance report is one round trip for its independent reads, one for the recharge spend, one to end")
    func balance() throws {
        let (_, store, ada) = try ConsumptionTests.team(pool: 100_000)
        try TeamSettings(store).setAlert(actor: ada, threshold: .whole(10))
        let first = try Balances(store).report(for: ada)
        var again: BalanceReport?
        let trips = try Self.roundTrips(store) { again = try Balances(store).report(for: ada) }
        #expect(again == first)
        #expect(trips <= 3)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        #expect(try Self.roundTrips(store) { _ = try Balances(store).report(for: bob) } <= 3)
    }

    @Test("R40: a lone event through a group (as coffer serve records it) and a group of 100 cost a bounded number of round trips")
    func groups() throws {
        let (_, store, _) = try ConsumptionTests.team(pool: 100_000_000)
        let bob = try ConsumptionTests.actor(store, "bob@acme.test")
        func group(_ ids: Range<Int>) -> [GroupedEvent] {
            ids.map {
                var request = UsageRequest(eventID: "rt-\($0)", service: "gpt-4o", quantity: .whole(1))
                request.conversationID = "rt-c\($0 / 8)"
                return GroupedEvent(actor: bob, request: request)
            }
        }
        _ = try Usage(store).recordGroup(group(0..<2)) // statements prepared, accounts made
        _ = try Usage(store).recordGroup(group(2..<3)) // facts cached
        var outcomes: [EventOutcome] = []
        let lone = try Self.roundTrips(store) { outcomes += try Usage(store).recordGroup(group(3..<4)) }
        let hundred = try Self.roundTrips(store) { outcomes += try Usage(store).recordGroup(group(100..<200)) }
        #expect(outcomes.count == 101 && outcomes.allSatisfy { if case .recorded = $0 { true } else { false } })
        // Measured: 9 and 8 (28 and 71 statements). A lone event: BEGIN with its locks and the
        // settlement check; the duplicate lookup with the usage ids and the facts counter; recharge
        // spend; balance; grants; the chain's head; the rows and rollups; the conversations' upserts;
        // their days with COMMIT.
        #expect(lone <= 10, "a lone event took \(lone) round trips")
        #expect(hundred <= 10, "a group of 100 took \(hundred) round trips")
        #expect(try LedgerCheck(store).run().isSound)
    }

    /// The SQLSTATE `body` fails with (nil when it does not fail with PostgreSQL's error).
    static func failure(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as PostgresError { return error.state } catch {}
        return nil
    }

    @Test("R42: a queued statement's failure surfaces at the next answer, as itself; the connection and its prepared statements stay usable")
    func queuedFailure() throws {
        let (fixture, _, _) = try ConsumptionTests.team(pool: 1_000)
        let connection = try PostgresConnection(url: fixture.path, shownAs: fixture.path)
        for _ in 0..<2 { // the second time, the failed statement must be prepared again, not taken as known
            try connection.execute("BEGIN")
            try connection.run("UPDATE accounts SET balance = balance + ? WHERE no_such_column = ?", [.int(1), .int(1)])
            #expect(Self.failure { _ = try connection.int("SELECT 1") } == "42703", "the UPDATE's own error (undefined column)")
            #expect(Self.failure { _ = try connection.int("SELECT 1") } == "25P02", "the transaction is unusable until it ends")
            try connection.execute("ROLLBACK")
            #expect(connection.isHealthy)
            #expect(try connection.int("SELECT 2") == 2)
        }
        try connection.execute("BEGIN")
        try connection.run("UPDATE accounts SET balance = balance + ? WHERE no_such_column = ?", [.int(1), .int(1)])
        #expect(Self.failure { try connection.flush() } == "42703")
        // A failure swallowed inside the transaction: COMMIT answers ROLLBACK, which is an error.
        #expect(throws: PostgresError.self) { try connection.execute("COMMIT") }
        #expect(connection.isHealthy)
    }
}
