import CofferCore
import Testing

/// R21's split of a grant at a credit refresh, the one rule Settlement and the "expiring" figure share.
@Suite("Rollover at a refresh (R21)")
struct RolloverTests {
    static let renewal = AdjustmentType.subscriptionRenewal.rawValue

    @Test("R21: renewal credits roll over up to the cap (a share of the grant's amount, half-up); the rest is Credit expiration")
    func capped() throws {
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 200_000, remaining: 180_000, capPercent: 50)
                == RefreshSplit(rollsOver: 100_000, expires: 80_000, expiryType: .creditExpiration))
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 200_000, remaining: 60_000, capPercent: 50)
                == RefreshSplit(rollsOver: 60_000, expires: 0, expiryType: .creditExpiration), "under the cap: all of it rolls")
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 250_000, remaining: 250_000, capPercent: 100)
                == RefreshSplit(rollsOver: 250_000, expires: 0, expiryType: .creditExpiration))
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 1, remaining: 1, capPercent: 50).rollsOver == 1,
                "0.5 millicredit rounds half-up")
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 3, remaining: 3, capPercent: 33).rollsOver == 1)
    }

    @Test("R21: a plan without rollover resets (Package reset); rolled-over, compensation and allowance grants expire whole")
    func whole() throws {
        #expect(try Rollover.atRefresh(asset: .credits, source: Self.renewal, amount: 20_000, remaining: 14_000, capPercent: 0)
                == RefreshSplit(rollsOver: 0, expires: 14_000, expiryType: .packageReset))
        #expect(try Rollover.atRefresh(asset: .credits, source: "rollover", amount: 100_000, remaining: 70_000, capPercent: 50)
                == RefreshSplit(rollsOver: 0, expires: 70_000, expiryType: .creditExpiration), "rolled-over credits roll once")
        #expect(try Rollover.atRefresh(asset: .credits, source: AdjustmentType.subscriptionSwitchCompensation.rawValue,
                                       amount: 70_968, remaining: 50_000, capPercent: 100).expires == 50_000)
        #expect(try Rollover.atRefresh(asset: .service("event-ticket"), source: Self.renewal, amount: 20_000, remaining: 5_000,
                                       capPercent: 50).expires == 5_000, "allowances do not roll over")
    }
}
