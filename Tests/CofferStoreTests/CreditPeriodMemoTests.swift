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
