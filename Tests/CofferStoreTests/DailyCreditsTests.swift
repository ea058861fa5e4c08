@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// `UsageQueries.dailyCredits`: what the Billing tab's sparkline (and later the Spending tab) reads
/// from the daily rollup, against the summaries `coffer usage summary` prints (SPEC §7, §9, §11).
@Suite("Daily credits from the rollup (SPEC §9 sparkline)")
struct DailyCreditsTests {
    /// A demo team with a month of usage on every tab, at its end.
    static func demo() throws -> (StoreFixture, CofferStore, Actor) {
        let fixture = try StoreFixture(now: "2026-11-18T15:20:00Z")
        let clock = SimulatedClock(fixture.now)
        let builder = try CofferStore(path: fixture.path, catalog: StoreFixture.catalog, clock: { clock.now })
        try DemoData(store: builder, clock: clock).build(months: 2, records: 900, end: fixture.now)
        try builder.close()
        let store = try fixture.open(create: false)
        return (fixture, store, try Workspaces(store).actor(email: DemoData.members[0], workspace: nil))
    }

    /// Credits of the three charged tabs' summaries from `from` to `to` (whole UTC days, as `--from`/`--to` take them).
    static func summed(_ store: CofferStore, _ actor: Actor, from: Int64, to: Int64) throws -> Credits {
        let (first, last) = (UTC.dateString(from * UTC.day), UTC.dateString(to * UTC.day))
        return try Credits.sum([UsageTab.conversations, .calls, .imports].map { tab in
            try UsageQueries(store).summary(tab, filter: UsageQuery(tab: tab, from: first, to: last).filter(now: store.now), actor: actor).credits
        })
    }

    @Test("The 30 days add up to the conversations, calls and imports summaries of the same UTC days, day by day; the runway uses the same total")
    func equalsTheSummaries() throws {
        let (_, store, ada) = try Self.demo()
        let days = Runway.days(endingAt: store.now)
        #expect(days.count == 30 && days.upperBound == store.now / UTC.day, "today and the 29 days before it")
        let series = try UsageQueries(store).dailyCredits(days: days, actor: ada)
        #expect(series.count == 30)
        #expect(series.filter { $0 > .zero }.count > 20, "the demo spends on most days")
        let total = try Credits.sum(series)
        #expect(total == (try Self.summed(store, ada, from: days.lowerBound, to: days.upperBound)))
        for (offset, day) in days.enumerated() {
            #expect(series[offset] == (try Self.summed(store, ada, from: day, to: day)), "\(UTC.dateString(day * UTC.day))")
        }
        #expect(try Balances(store).report(for: ada).runway.spentLast30Days == total)
    }

    @Test("Oldest first, zero-filled before the first usage and after the last; a range too long is refused")
    func zeroFilled() throws {
        let (fixture, store, ada) = try Self.demo()
        let today = fixture.now / UTC.day
        let early = try UsageQueries(store).dailyCredits(days: today - 400...today - 370, actor: ada)
        #expect(early == Array(repeating: .zero, count: 31), "before the demo's first day")
        let late = try UsageQueries(store).dailyCredits(days: today - 1...today + 2, actor: ada)
        #expect(late.count == 4 && late[2] == .zero && late[3] == .zero, "days to come are zero")
        #expect(late[0] == (try UsageQueries(store).dailyCredits(days: today - 1...today - 1, actor: ada))[0])
        #expect(throws: CofferError.self) { try UsageQueries(store).dailyCredits(days: 0...Int64.max, actor: ada) }
    }

    @Test("R7: another workspace's usage never counts")
    func ownWorkspaceOnly() throws {
        let (fixture, store, _) = try Self.demo()
        _ = try Workspaces(store).create(name: "Other", owner: "zed@other.test")
        let zed = try Workspaces(store).actor(email: "zed@other.test", workspace: nil)
        let series = try UsageQueries(store).dailyCredits(days: Runway.days(endingAt: fixture.now), actor: zed)
        #expect(series == Array(repeating: .zero, count: 30))
    }
}
