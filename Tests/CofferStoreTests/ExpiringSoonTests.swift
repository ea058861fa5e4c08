@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// "Expiring in 7 days" (SPEC §9, issue #14 point 6): `coffer balance`, its JSON and the Billing tab show
/// what the next credit refresh will really expire under R21 — rolled-over credits, and what exceeds the
/// plan's rollover cap — not the whole grant that falls due.
@Suite("Credits expiring in 7 days (R21, SPEC §9)")
struct ExpiringSoonTests {
    /// A plan, and what happens to the subscription before the refreshes are watched.
    struct Case: CustomTestStringConvertible, Sendable {
        let tier: String
        let change: Change
        /// How many refreshes the subscription lives through (a canceled one ends at its first).
        let refreshes: Int
        enum Change: Sendable, Equatable { case none, cancelAtPeriodEnd, downgrade(String), upgrade(String), pause }
        var testDescription: String { "\(tier) \(change)" }
    }

    static let cases: [Case] = [
        Case(tier: "starter", change: .none, refreshes: 3),                 // 0% cap: Package reset
        Case(tier: "pro", change: .none, refreshes: 3),                     // 50% cap
        Case(tier: "scale", change: .none, refreshes: 3),                   // 100% cap
        Case(tier: "pro", change: .cancelAtPeriodEnd, refreshes: 1),        // ends at the refresh: all of it expires
        Case(tier: "scale", change: .downgrade("pro"), refreshes: 2),       // the scheduled plan's 50% cap applies
        Case(tier: "pro", change: .upgrade("scale"), refreshes: 2),         // compensation expires whole
        Case(tier: "pro", change: .pause, refreshes: 2),                    // Paused still refreshes (no new grant, R13)
    ]

    @Test("R21, SPEC §9: the figure shown 4 days before each refresh equals the Credit expiration / Package reset recorded at it (0%, 50%, 100% caps)",
          arguments: cases)
    func figureEqualsWhatTheRefreshExpires(_ c: Case) throws {
        let fixture = try StoreFixture(now: "2026-01-10T10:00:00Z")
        let store = try fixture.open()
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        // Past the trial, so the billing period ends with the credit period (a cancellation then ends at the refresh).
        try Subscriptions(store).subscribe(actor: ada, plan: c.tier, interval: .monthly, seats: 1)
        _ = try Subscriptions(store).cancel(actor: ada, now: true)
        try Subscriptions(store).subscribe(actor: ada, plan: c.tier, interval: .monthly, seats: 1)
        switch c.change {
        case .none: break
        case .cancelAtPeriodEnd: _ = try Subscriptions(store).cancel(actor: ada, now: false)
        case .downgrade(let tier):
            _ = try Subscriptions(store).change(actor: ada, plan: tier, interval: nil, confirmed: true)
        case .upgrade(let tier):
            fixture.now += 9 * UTC.day
            try store.settle()
            _ = try Subscriptions(store).change(actor: ada, plan: tier, interval: nil, confirmed: true)
        case .pause:
            fixture.now += 20 * UTC.day
            try store.settle()
            _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: .whole(10))
            _ = try Subscriptions(store).pause(actor: ada)
        }
        var watched = 0
        var wholeGrantsDiffered = false
        var recordedAt: [Int64] = []
        let spendShare = [5, 90, 5] // percent of the pool's expiring credits used in the last days of each period
        while watched < c.refreshes, let refresh = try Balances(store).report(for: ada).nextRefresh {
            fixture.now = refresh - 4 * UTC.day
            try store.settle()
            let dueWhole = try Self.wholeGrantsDue(store, workspace: workspace.id, now: fixture.now)
            let spend = dueWhole * Int64(spendShare[watched % spendShare.count]) / 100
            if spend > 0, c.change != .pause { _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: Credits(millicredits: spend)) }
            let shown = try Balances(store).report(for: ada).expiringSoon
            let whole = try Self.wholeGrantsDue(store, workspace: workspace.id, now: fixture.now)

            fixture.now = refresh + 3_600
            try store.settle()
            let recorded = try store.snapshot { sql in
                try sql.int("""
                    SELECT ifnull(-sum(amount), 0) FROM adjustments
                    WHERE workspace_id = ? AND type IN ('credit_expiration', 'package_reset') AND created_at = ?
                    """, .int(workspace.id), .int(refresh)) ?? 0
            }
            #expect(shown.credits.millicredits == recorded, "\(c.testDescription), refresh \(watched + 1) at \(UTC.iso(refresh))")
            #expect(shown.first == (recorded > 0 ? refresh : nil), "the first expiry is the refresh")
            if whole != recorded { wholeGrantsDiffered = true }
            recordedAt.append(recorded)
            watched += 1
            #expect(try LedgerCheck(store).run().isSound)
        }
        #expect(watched == c.refreshes, "refreshes the subscription lived through")
        #expect(recordedAt.contains { $0 > 0 }, "something expired at some refresh: \(recordedAt)")
        if case .upgrade = c.change { #expect(recordedAt.first ?? 0 > 0, "the unused compensation expires whole at the first refresh") }
        if case .cancelAtPeriodEnd = c.change {
            #expect(try Balances(store).report(for: ada).nextRefresh == nil, "the canceled subscription ended at its refresh")
            #expect(!wholeGrantsDiffered, "a subscription that ends at the refresh expires every grant whole")
        } else if c.tier != "starter" {
            #expect(wholeGrantsDiffered, "with rollover, the whole grant is not what expires")
        }
    }

    @Test("R21: rolled-over credits and the part beyond the cap, to the millicredit (Pro, 50%)")
    func proWorkedFigure() throws {
        let fixture = try StoreFixture(now: "2026-01-10T10:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 2) // trial; $200 granted
        try fixture.at("2026-02-06T10:00:00Z")
        try store.settle()
        _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: .whole(20))
        // $180 left of the $200 grant: $100 (50%) rolls over, $80 expires on 2026-02-10.
        let first = try Balances(store).report(for: ada).expiringSoon
        #expect(first.credits == .whole(80))
        #expect(first.first == (try UTC.parse("2026-02-10T10:00:00Z")))
        try fixture.at("2026-03-06T10:00:00Z")
        try store.settle()
        _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: Credits(millicredits: 30_500))
        // The $100 rollover is burnt first (it expires soonest): $69.500 of it expires whole at the refresh,
        // and the $200 grant is untouched, so $100 of it rolls and $100 expires.
        #expect(try Balances(store).report(for: ada).expiringSoon.credits == Credits(millicredits: 169_500))
    }

    /// The old figure: every team pool credit grant due within 7 days of `now`, whole.
    static func wholeGrantsDue(_ store: CofferStore, workspace: Int64, now: Timestamp) throws -> Int64 {
        try store.snapshot { sql in
            try sql.int("""
                SELECT ifnull(sum(g.remaining), 0) FROM grants g JOIN accounts a ON a.id = g.account_id
                WHERE a.kind = 'team_pool' AND a.workspace_id = ? AND a.asset = 'credits'
                  AND g.remaining > 0 AND g.expires_at > ? AND g.expires_at <= ?
                """, .int(workspace), .int(now), .int(now + 7 * UTC.day)) ?? 0
        }
    }
}
