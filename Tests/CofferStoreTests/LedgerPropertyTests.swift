@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// R16–R19 as properties: thousands of random grants, debits, expirations and adjustments,
/// with every invariant of `coffer check` verified after each step, and burn order (R18) and
/// balances checked against a simple model.
@Suite("Ledger properties (R16–R19)")
struct LedgerPropertyTests {
    struct ModelGrant { let id: Int64; var remaining: Int64; let expiresAt: Timestamp? }

    @Test("R16–R19: random operations keep every invariant (seeded, replayable)", arguments: [1, 2, 3] as [UInt64])
    func randomOperations(seed: UInt64) throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Prop \(seed)", owner: "owner@prop.test")
        var rng = SeededRandom(seed: seed)
        var model: [ModelGrant] = try store.snapshot { sql in
            try sql.all("SELECT id, remaining, expires_at FROM grants") {
                ModelGrant(id: $0.int(0), remaining: $0.int(1), expiresAt: $0.optionalInt(2))
            }
        }
        let assets: [Asset] = [.credits, .service("mentorship-hour")]
        let pools = try store.write { tx in
            try assets.map { try tx.ledger().account(.teamPool, workspace: workspace.id, asset: $0) }
        }
        var models: [Int64: [ModelGrant]] = [pools[0]: model, pools[1]: []]
        model = []
        for step in 0..<700 {
            let which = Int(rng.next() % 2)
            let asset = assets[which], pool = pools[which]
            let held = models[pool]!.reduce(0) { $0 + $1.remaining }
            switch rng.next() % 10 {
            case 0...3: // grant, sometimes expiring
                let amount = Int64(rng.next() % 50_000) + 1
                let expires: Timestamp? = rng.next() % 2 == 0 ? nil : fixture.now + Int64(1 + rng.next() % 40) * UTC.day
                let id = try store.write { tx in
                    try tx.ledger().grant(to: pool, asset: asset, amount: amount, from: .grants, type: .adminAdjustment,
                                          detail: "step \(step)", expiresAt: expires, workspace: workspace.id)
                }
                models[pool]!.append(ModelGrant(id: id, remaining: amount, expiresAt: expires))
            case 4...7: // debit; may be refused, then nothing changes
                let amount = Int64(rng.next() % 60_000) + 1
                do {
                    let draws = try store.write { tx in
                        try tx.ledger().draw(from: pool, asset: asset, amount: amount, to: .usage, kind: "spend")
                    }
                    #expect(amount <= held)
                    #expect(draws == Self.expectedDraws(models[pool]!, amount: amount), "R18 burn order at step \(step)")
                    for draw in draws {
                        let index = models[pool]!.firstIndex { $0.id == draw.grant }!
                        models[pool]![index].remaining -= draw.amount
                    }
                } catch let error as CofferError {
                    #expect(amount > held, "refused although \(held) ≥ \(amount): \(error)")
                }
            case 8: // expire the soonest-expiring grant with something left
                guard let target = models[pool]!.filter({ $0.remaining > 0 && $0.expiresAt != nil })
                    .min(by: { $0.expiresAt! < $1.expiresAt! }) else { continue }
                try store.write { tx in
                    try tx.ledger().expire(grant: target.id, account: pool, asset: asset, amount: target.remaining)
                }
                let index = models[pool]!.firstIndex { $0.id == target.id }!
                models[pool]![index].remaining = 0
            default: // operator adjustment, positive or negative
                let amount = Credits(millicredits: Int64(rng.next() % 20_000) - 8_000)
                guard amount != .zero else { continue }
                let before = try Balances(store).teamPoolCredits(workspace: workspace.id)
                do {
                    try OperatorActions(store).adjust(workspace: workspace.ref, amount: amount, reason: "step \(step)")
                    #expect(before.millicredits + amount.millicredits >= 0)
                } catch {
                    #expect(before.millicredits + amount.millicredits < 0)
                }
                models[pools[0]] = try Self.reload(store, account: pools[0])
            }
            for (account, grants) in models {
                let balance = try store.snapshot { sql in
                    try sql.int("SELECT balance FROM accounts WHERE id = ?", .int(account)) ?? 0
                }
                #expect(balance == grants.reduce(0) { $0 + $1.remaining }, "R19 balance at step \(step)")
            }
            let report = try LedgerCheck(store).run(chain: step % 100 == 99)
            #expect(report.isSound, "step \(step): \(report.violations)")
            if !report.isSound { return }
        }
        let final = try LedgerCheck(store).run()
        #expect(final.isSound, "\(final.violations)")
        #expect(final.entries > 500)
    }

    /// A step inside a transaction that is rolled back to its savepoint.
    struct RolledBack: Error {}

    @Test("R18–R19 within one transaction: grants drawn, added, expired and rolled back to savepoints, written at once or at commit",
          arguments: [(11, false), (12, true), (13, true)] as [(UInt64, Bool)])
    func manyOperationsPerTransaction(seed: UInt64, deferred: Bool) throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Tx \(seed)", owner: "owner@prop.test")
        let pool = try store.write { tx in try tx.ledger().account(.teamPool, workspace: workspace.id, asset: .credits) }
        var model = try Self.reload(store, account: pool)
        var rng = SeededRandom(seed: seed)
        for round in 0..<120 {
            var working = model
            try store.write { tx in
                let ledger = try tx.ledger()
                ledger.defersGrantUpdates = deferred
                for step in 0..<(1 + Int(rng.next() % 8)) {
                    let rollBack = rng.next() % 4 == 0
                    var attempt = working
                    let state = ledger.snapshot()
                    do {
                        try tx.sql.inSavepoint {
                            try Self.randomStep(&rng, ledger: ledger, pool: pool, workspace: workspace.id, now: fixture.now,
                                                model: &attempt, label: "round \(round) step \(step)")
                            if rollBack { throw RolledBack() }
                        }
                        working = attempt
                    } catch is RolledBack {
                        ledger.restore(state)
                    } catch let error as CofferError {
                        ledger.restore(state) // a refused debit: nothing of it stays
                        #expect(error.message.hasPrefix("Insufficient credits"), "\(error)")
                    }
                }
            }
            model = working
            let stored = try Self.reload(store, account: pool)
            #expect(stored.map(\.remaining) == model.map(\.remaining), "R19 grants after round \(round)")
            let report = try LedgerCheck(store).run(chain: round % 40 == 39)
            #expect(report.isSound, "round \(round): \(report.violations)")
            if !report.isSound { return }
        }
    }

    /// One random grant, debit or expiry on `pool`, checked against `model` (R18 burn order, R19).
    static func randomStep(_ rng: inout SeededRandom, ledger: LedgerWriter, pool: Int64, workspace: Int64, now: Timestamp,
                           model: inout [ModelGrant], label: String) throws {
        switch rng.next() % 8 {
        case 0...2:
            let amount = Int64(rng.next() % 30_000) + 1
            let expires: Timestamp? = rng.next() % 2 == 0 ? nil : now + Int64(1 + rng.next() % 40) * UTC.day
            let id = try ledger.grant(to: pool, asset: .credits, amount: amount, from: .grants, type: .adminAdjustment,
                                      detail: label, expiresAt: expires, workspace: workspace)
            model.append(ModelGrant(id: id, remaining: amount, expiresAt: expires))
        case 3...6:
            let amount = Int64(rng.next() % 40_000) + 1
            let draws = try ledger.draw(from: pool, asset: .credits, amount: amount, to: .usage, kind: "spend")
            #expect(draws == expectedDraws(model, amount: amount), "R18 burn order at \(label)")
            for draw in draws { model[model.firstIndex { $0.id == draw.grant }!].remaining -= draw.amount }
        default:
            guard let target = model.filter({ $0.remaining > 0 && $0.expiresAt != nil })
                .min(by: { ($0.expiresAt!, $0.id) < ($1.expiresAt!, $1.id) }) else { return }
            try ledger.expire(grant: target.id, account: pool, asset: .credits, amount: target.remaining)
            model[model.firstIndex { $0.id == target.id }!].remaining = 0
        }
        #expect(try ledger.balance(of: pool) == model.reduce(0) { $0 + $1.remaining }, "R19 balance at \(label)")
    }

    /// R18: soonest expiry first, never-expiring last, oldest first among equals.
    static func expectedDraws(_ grants: [ModelGrant], amount: Int64) -> [LedgerWriter.Draw] {
        var left = amount
        var draws: [LedgerWriter.Draw] = []
        let ordered = grants.filter { $0.remaining > 0 }.sorted {
            ($0.expiresAt ?? .max, $0.id) < ($1.expiresAt ?? .max, $1.id)
        }
        for grant in ordered where left > 0 {
            let take = min(left, grant.remaining)
            draws.append(.init(grant: grant.id, amount: take))
            left -= take
        }
        return draws
    }

    static func reload(_ store: CofferStore, account: Int64) throws -> [ModelGrant] {
        try store.snapshot { sql in
            try sql.all("SELECT id, remaining, expires_at FROM grants WHERE account_id = ? ORDER BY id", .int(account)) {
                ModelGrant(id: $0.int(0), remaining: $0.int(1), expiresAt: $0.optionalInt(2))
            }
        }
    }
}
