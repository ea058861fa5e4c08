import CofferCore
import Testing

/// R29 (who pays), R35–R36 (the recharge decision) and R24 (crossings) as pure functions.
@Suite("Consumption rules (R24, R29, R35–R36)")
struct ConsumptionRulesTests {
    @Test("R29: every row of the who-pays table", arguments: [
        (AccessType.personal, false, false, false, true, [PayingWallet.personal]),
        (.personal, true, true, true, true, [.personal]),
        (.seat, false, false, false, true, [.teamPool]),
        (.credits, false, false, false, true, [.teamPool]),
        (.seat, true, false, false, true, [.seat, .teamPool]),
        (.credits, true, false, false, true, [.teamPool]),
        (.seat, false, true, true, true, [.ownerAllowance, .teamPool]),
        (.seat, true, true, true, true, [.ownerAllowance, .seat, .teamPool]),
        (.seat, false, false, true, true, [.teamPool]), // an owner-only item is the primary owner's alone
        (.seat, false, false, false, false, [.personal]), // a service the plan does not allow the team
        (.credits, true, true, false, false, [.personal]),
    ] as [(AccessType, Bool, Bool, Bool, Bool, [PayingWallet])])
    func whoPays(access: AccessType, perSeat: Bool, primary: Bool, ownerItem: Bool, teamMayUse: Bool, expected: [PayingWallet]) {
        #expect(WhoPays.route(access: access, perSeat: perSeat, isPrimaryOwner: primary, ownerOnlyItem: ownerItem,
                              teamMayUse: teamMayUse) == expected)
    }

    @Test("R28–R29: consumables need a team allowance item; models, calls and imports do not")
    func teamMayUse() {
        let hour = Service(slug: "mentorship-hour", name: "Hour", kind: .consumable, unit: "hour", unitPrice: .whole(40))
        let model = Service(slug: "m", name: "M", kind: .conversationMessage, unit: "message", unitPrice: Credits(millicredits: 20))
        #expect(!WhoPays.teamMayUse(hour, teamItems: []))
        #expect(WhoPays.teamMayUse(hour, teamItems: [AllowanceItem(service: "mentorship-hour", amount: nil, isTeamAllowed: true)]))
        #expect(WhoPays.teamMayUse(model, teamItems: []))
    }

    static let r37 = RechargeSettings(enabled: true, threshold: .whole(10), amount: .whole(20), maxPeriodSpend: .whole(100))

    @Test("R37: $50, threshold $10, amount $20, cap $100: use $42 → recharge; use $15 from $28 → none")
    func workedExample() {
        #expect(RechargeDecision.decide(Self.r37, value: .whole(50), needed: .whole(42), spentThisPeriod: .zero)
                == .recharge(units: 20_000, cost: .whole(20)))
        #expect(RechargeDecision.decide(Self.r37, value: .whole(28), needed: .whole(15), spentThisPeriod: .whole(20)) == .none)
    }

    @Test("R35–R36: cap edge cases — exact fit allowed, at the cap, over the cap, cap 0, no cap, disabled")
    func caps() {
        var settings = Self.r37
        #expect(RechargeDecision.decide(settings, value: .whole(5), needed: .whole(1), spentThisPeriod: .whole(80))
                == .recharge(units: 20_000, cost: .whole(20)), "80 + 20 fits exactly under 100")
        #expect(RechargeDecision.decide(settings, value: .whole(5), needed: .whole(1), spentThisPeriod: .whole(100))
                == .refused("Billing period limit reached"))
        #expect(RechargeDecision.decide(settings, value: .whole(5), needed: .whole(1), spentThisPeriod: .whole(81))
                == .refused("No budget available for recharge"))
        settings.maxPeriodSpend = .zero
        #expect(RechargeDecision.decide(settings, value: .whole(5), needed: .whole(1), spentThisPeriod: .zero)
                == .refused("Billing period limit reached"), "cap 0: no recharges")
        settings.maxPeriodSpend = nil
        #expect(RechargeDecision.decide(settings, value: .whole(5), needed: .whole(1), spentThisPeriod: .whole(1_000_000))
                == .recharge(units: 20_000, cost: .whole(20)), "no cap")
        settings.enabled = false
        #expect(RechargeDecision.decide(settings, value: .zero, needed: .whole(1), spentThisPeriod: .zero) == .none)
        #expect(RechargeDecision.decide(nil, value: .zero, needed: .whole(1), spentThisPeriod: .zero) == .none)
        #expect(RechargeDecision.decide(Self.r37, value: .whole(52), needed: .whole(42), spentThisPeriod: .zero) == .none,
                "exactly at the threshold after the debit: no recharge")
    }

    @Test("R35: an allowance recharges whole units: floor(amount ÷ unit price), charged units × price")
    func allowanceUnits() {
        let settings = RechargeSettings(enabled: true, threshold: .whole(1_500), amount: .whole(2_030), maxPeriodSpend: nil)
        #expect(RechargeDecision.decide(settings, value: .whole(2_800), needed: .whole(1_600), spentThisPeriod: .zero,
                                        unitPrice: .whole(40)) == .recharge(units: 50_000, cost: .whole(2_000)))
    }

    @Test("R24: one alert per crossing, not per debit")
    func crossings() {
        let t = Credits.whole(10)
        #expect(LowBalanceAlert.crossed(before: .whole(12), after: .whole(9), threshold: t))
        #expect(!LowBalanceAlert.crossed(before: .whole(9), after: .whole(8), threshold: t))
        #expect(LowBalanceAlert.crossed(before: .whole(10), after: Credits(millicredits: 9_999), threshold: t))
        #expect(!LowBalanceAlert.crossed(before: .whole(12), after: .whole(10), threshold: t))
        #expect(!LowBalanceAlert.crossed(before: .whole(12), after: .whole(1), threshold: nil))
    }
}
