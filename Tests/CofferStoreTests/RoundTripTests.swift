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
}
