@testable import CofferStore
import CofferCore
import Testing

/// R33, R40: an event refused in its savepoint leaves the ledger writer's memory where it was —
/// balances, grants left, pending deltas — so the events after it are charged as if it never ran.
@Suite("Undoing an event's changes in memory (R33, R40)")
struct LedgerUndoTests {
    @Test("Each change since beginUndo is taken back, latest first; changes before it stay", arguments: [
        // (changes before beginUndo, changes after) as (key, value or nil to remove)
        ([(1, 10)], [(1, 11), (1, 12), (2, 20)]),
        ([(1, 10), (2, 20)], [(2, nil), (3, 30), (1, nil)]),
        ([], [(5, 50), (5, nil), (5, 51)]),
        ([(7, 70)], []),
    ] as [([(Int, Int?)], [(Int, Int?)])])
    func dictionaryUndo(before: [(Int, Int?)], after: [(Int, Int?)]) {
        var dictionary = UndoableDictionary<Int, Int>()
        for (key, value) in before { dictionary.set(key, value) }
        let kept = dictionary.entries
        dictionary.beginUndo()
        for (key, value) in after { dictionary.set(key, value) }
        dictionary.update(9, default: 0) { $0 += 1 }
        dictionary.undo()
        #expect(dictionary.entries == kept)
        // A second undo has nothing left to take back; a new beginUndo forgets the old changes.
        dictionary.undo()
        #expect(dictionary.entries == kept)
        dictionary.set(1, 99)
        dictionary.beginUndo()
        dictionary.undo()
        #expect(dictionary[1] == 99)
    }

    @Test("A set keeps its members through undo")
    func setUndo() {
        var set = UndoableDictionary<String, Void>()
        set.insert("a")
        set.beginUndo()
        set.insert("b"); set.remove("a"); set.insert("a"); set.remove("a")
        set.undo()
        #expect(set.contains("a") && !set.contains("b"))
    }

    private struct Refused: Error {}

    /// Draws 4,000 from a fresh workspace's pool after two grants, with `before` run first in the
    /// same transaction; returns the draws, the pool's balance as stored, and `coffer check`'s report.
    private static func drawAfter(_ before: (LedgerWriter, WriteContext, Int64) throws -> Void) throws
        -> (draws: [LedgerWriter.Draw], balance: Int64?, report: CheckReport) {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Undo", owner: "owner@undo.test")
        let draws = try store.write { tx in
            let ledger = try tx.ledger()
            let pool = try ledger.account(.teamPool, workspace: workspace.id, asset: .credits)
            try ledger.grant(to: pool, asset: .credits, amount: 5_000, from: .grants, type: .adminAdjustment,
                             detail: "first", expiresAt: fixture.now + UTC.day, workspace: workspace.id)
            try ledger.grant(to: pool, asset: .credits, amount: 7_000, from: .grants, type: .adminAdjustment,
                             detail: "second", expiresAt: nil, workspace: workspace.id)
            try before(ledger, tx, pool)
            return try ledger.draw(from: pool, asset: .credits, amount: 4_000, to: .usage, kind: "spend")
        }
        let balance = try store.snapshot { sql in
            try sql.int("SELECT balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ? AND asset = 'credits'", .int(workspace.id))
        }
        return (draws, balance, try LedgerCheck(store).run())
    }

    @Test("R18, R33: after an event rolled back in its savepoint, the next draw, the balance and the ledger are as if it never ran",
          arguments: [true, false])
    func writerRestore(deferred: Bool) throws {
        let plain = try Self.drawAfter { _, _, _ in }
        let undone = try Self.drawAfter { ledger, tx, pool in
            ledger.defersGrantUpdates = deferred
            let start = try ledger.balance(of: pool)
            let state = ledger.snapshot()
            #expect(throws: Refused.self) {
                try tx.sql.inSavepoint {
                    // Empties the soonest-expiring grants and takes from the next, then is refused.
                    _ = try ledger.draw(from: pool, asset: .credits, amount: 9_000, to: .usage, kind: "spend")
                    #expect(try ledger.balance(of: pool) == start - 9_000)
                    throw Refused()
                }
            }
            ledger.restore(state)
            #expect(try ledger.balance(of: pool) == start)
            _ = ledger.snapshot() // the next event's
        }
        #expect(undone.draws == plain.draws, "the same grants, in burn order (R18)")
        #expect(undone.balance == plain.balance)
        #expect(undone.report.isSound, "\(undone.report.violations)")
        #expect(plain.report.isSound, "\(plain.report.violations)")
    }
}
