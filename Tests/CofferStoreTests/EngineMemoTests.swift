@testable import CofferStore
import CofferCore
import Testing

/// R4a, R30: the engine keeps the last credit period it worked out; every answer is the period
/// CofferCore works out, across period ends, month ends and a change of anchor.
@Suite("The engine's last credit period (R4a, R30)")
struct CreditPeriodMemoTests {
    @Test("Times in order, back and forth across period ends, under two anchors, give CofferCore's periods")
    func sameAsCore() {
        let cache = ConsumptionEngine.Cache()
        let jan31 = UTC.timestamp(UTC.DateTime(year: 2026, month: 1, day: 31, hour: 9, minute: 5, second: 0))
        let mar15 = UTC.timestamp(UTC.DateTime(year: 2026, month: 3, day: 15, hour: 0, minute: 0, second: 0))
        let times = [0, 1, UTC.day, 27 * UTC.day, 28 * UTC.day, 28 * UTC.day - 1, 29 * UTC.day, 59 * UTC.day, 1, 400 * UTC.day]
        for anchor in [jan31, mar15, jan31] {
            for offset in times {
                let now = jan31 + offset
                let expected = UTC.monthlyPeriod(anchor: anchor, containing: now)
                let got = cache.creditPeriod(anchor: anchor, containing: now)
                #expect(got.start == expected.start && got.end == expected.end, "anchor \(anchor), now \(now)")
            }
        }
    }
}

/// R29, R30: the engine keeps the last plan items it turned into CofferCore's allowance items;
/// every answer is what the items themselves give, whichever items came before.
@Suite("The engine's last allowance items (R29, R30)")
struct AllowanceMemoTests {
    @Test("Plans in turn, equal but separate arrays, and an empty plan give their own allowance items")
    func sameAsItems() {
        let cache = ConsumptionEngine.Cache()
        let pro: [PlanTerms.Item] = [.init(service: "gpt-4o", amount: nil, team: true), .init(service: "mentorship-hour", amount: 2_000, team: false)]
        let free: [PlanTerms.Item] = [.init(service: "gpt-4o", amount: 50_000, team: false)]
        for items in [pro, free, pro, pro.map { $0 }, [], free] {
            let got = cache.allowances(items)
            let all = items.map { AllowanceItem(service: $0.service, amount: $0.amount.map(Quantity.init), isTeamAllowed: $0.team) }
            #expect(got.all == all)
            #expect(got.team == all.filter(\.isTeamAllowed))
        }
    }
}
