import CofferCore
import Testing

/// A quantity written as in R3 (`1.5`).
private func units(_ text: String) -> Quantity { try! Quantity.parse(text) }
/// An amount written as in R3 (`12.480`).
private func credits(_ text: String) -> Credits { try! Credits.parse(text) }

/// R29 (the draw plan), R30 (the limit and the refusal), R33 (unlimited allowances) and R4
/// (units at the unit price) as pure functions.
@Suite("Draw plan (R4, R29, R30, R33)")
struct DrawPlanTests {
    typealias Wallet = DrawPlan.Wallet
    typealias Draw = DrawPlan.Draw

    static let hour = Credits.whole(40) // mentorship-hour
    static let ticket = Credits.whole(15) // event-ticket
    static let message = Credits(millicredits: 20) // claude-sonnet-4


    /// One row: what is asked, the route with its balances, the unit price, the draws expected.
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let amount: DebitAmount
        let route: [Wallet]
        let price: Credits
        let draws: [Draw]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "R29 Personal: the personal wallet's credits", amount: .units(units("3")),
            route: [Wallet(.personal, credits: credits("10"))], price: message,
            draws: [Draw(.personal, .credits(credits("0.060")))]),
        Row(name: "R29 Personal: a personal plan's allowance before its credits", amount: .units(units("2")),
            route: [Wallet(.personal, allowance: units("1"), credits: credits("20"))], price: ticket,
            draws: [Draw(.personal, .allowance(units("1"))), Draw(.personal, .credits(credits("15")))]),
        Row(name: "R29 team pool: the allowance is used before credits", amount: .units(units("2")),
            route: [Wallet(.teamPool, allowance: units("100"), credits: credits("50"))], price: hour,
            draws: [Draw(.teamPool, .allowance(units("2")))]),
        Row(name: "R29 + R4: beyond the allowance, credits at the unit price", amount: .units(units("2")),
            route: [Wallet(.teamPool, allowance: units("1.5"), credits: credits("100"))], price: hour,
            draws: [Draw(.teamPool, .allowance(units("1.5"))), Draw(.teamPool, .credits(credits("20")))]),
        Row(name: "R29 + R9a: the primary owner's allowance first; its credits never pay for the team",
            amount: .units(units("3")),
            route: [Wallet(.ownerAllowance, allowance: units("1"), credits: credits("500")),
                    Wallet(.teamPool, credits: credits("100"))], price: hour,
            draws: [Draw(.ownerAllowance, .allowance(units("1"))), Draw(.teamPool, .credits(credits("80")))]),
        Row(name: "R29 + R9a: owner allowance, then the team's allowance", amount: .units(units("5")),
            route: [Wallet(.ownerAllowance, allowance: units("2")), Wallet(.teamPool, allowance: units("10"), credits: .zero)],
            price: hour, draws: [Draw(.ownerAllowance, .allowance(units("2"))), Draw(.teamPool, .allowance(units("3")))]),
        Row(name: "R29 PER_SEAT: seat allowance, seat credits, then the team pool", amount: .units(units("2")),
            route: [Wallet(.seat, allowance: units("1"), credits: credits("10")), Wallet(.teamPool, credits: credits("100"))],
            price: hour, draws: [Draw(.seat, .allowance(units("1"))), Draw(.seat, .credits(credits("10"))),
                                 Draw(.teamPool, .credits(credits("30")))]),
        Row(name: "R29 PER_SEAT in credits: the seat first, the pool for the rest", amount: .credits(credits("12")),
            route: [Wallet(.seat, credits: credits("5")), Wallet(.teamPool, credits: credits("10"))], price: message,
            draws: [Draw(.seat, .credits(credits("5"))), Draw(.teamPool, .credits(credits("7")))]),
        Row(name: "R29: an event metered in credits never draws the owner's allowance", amount: .credits(credits("12")),
            route: [Wallet(.ownerAllowance, allowance: units("10"), credits: credits("1000")),
                    Wallet(.teamPool, credits: credits("50"))], price: hour,
            draws: [Draw(.teamPool, .credits(credits("12")))]),
        Row(name: "R30: an exact fit empties the wallet", amount: .credits(credits("12")),
            route: [Wallet(.teamPool, credits: credits("12"))], price: message,
            draws: [Draw(.teamPool, .credits(credits("12")))]),
        Row(name: "R29: an empty allowance account is passed over", amount: .units(units("1")),
            route: [Wallet(.teamPool, allowance: .zero, credits: credits("40"))], price: hour,
            draws: [Draw(.teamPool, .credits(credits("40")))]),
        Row(name: "R4: the units left over are priced half-up (0.5 × $0.001 → $0.001)", amount: .units(units("1.5")),
            route: [Wallet(.teamPool, allowance: units("1"), credits: credits("1"))], price: credits("0.001"),
            draws: [Draw(.teamPool, .allowance(units("1"))), Draw(.teamPool, .credits(credits("0.001")))]),
    ]

    @Test("R29: draws, wallet by wallet, allowance before credits", arguments: rows)
    func plans(row: Row) throws {
        let plan = try DrawPlan.plan(for: row.amount, along: row.route, unitPrice: row.price)
        #expect(plan.draws == row.draws)
        // What is drawn is worth exactly what the event needs, up to R4's rounding of each part.
        let value = try plan.draws.reduce(Credits.zero) { try $0.adding($1.value(at: row.price)) }
        #expect(value >= (try row.amount.value(at: row.price)))
    }

    @Test("R30: the refusal names the balance the route offered and what was needed", arguments: [
        ("the worked example of R30", DebitAmount.credits(credits("12")), [Wallet(.teamPool, credits: credits("8"))], hour,
         "Insufficient credits: balance $8.000, needed $12.000"),
        ("allowance value counts in the balance", .units(units("5")),
         [Wallet(.teamPool, allowance: units("2"), credits: credits("50"))], hour,
         "Insufficient credits: balance $130.000, needed $200.000"),
        ("the owner's allowance counts, the owner's credits do not", .units(units("2")),
         [Wallet(.ownerAllowance, allowance: units("1"), credits: credits("500")), Wallet(.teamPool, credits: credits("10"))], hour,
         "Insufficient credits: balance $50.000, needed $80.000"),
        ("no accounts at all", .credits(credits("1")), [Wallet(.teamPool)], hour,
         "Insufficient credits: balance $0.000, needed $1.000"),
        ("one millicredit short", .credits(credits("12")), [Wallet(.seat, credits: credits("5")), Wallet(.teamPool, credits: credits("6.999"))],
         hour, "Insufficient credits: balance $11.999, needed $12.000"),
        ("an allowance not looked at is not counted", .credits(credits("3")), [Wallet(.teamPool, allowance: units("9"), credits: credits("2"))],
         hour, "Insufficient credits: balance $2.000, needed $3.000"),
    ] as [(String, DebitAmount, [Wallet], Credits, String)])
    func refusals(name: String, amount: DebitAmount, route: [Wallet], price: Credits, message: String) {
        #expect(throws: CofferError(message), "\(name)") { try DrawPlan.plan(for: amount, along: route, unitPrice: price) }
    }

    @Test("R30: what the plan adds to the member's use is its team value, per draw: credits and allowance units at the price")
    func teamValue() throws {
        let perSeat = try DrawPlan.plan(for: .units(units("2")), along: [
            Wallet(.seat, allowance: units("1"), credits: credits("10")), Wallet(.teamPool, credits: credits("100")),
        ], unitPrice: Self.hour)
        #expect(try perSeat.teamValue(unitPrice: Self.hour) == credits("80"))
        #expect(try perSeat.creditsDrawn() == credits("40"))
        #expect(try perSeat.unitsDrawn() == units("1"))
        #expect(perSeat.payingWallets == [.seat, .teamPool])
        let owner = try DrawPlan.plan(for: .units(units("3")), along: [
            Wallet(.ownerAllowance, allowance: units("1")), Wallet(.teamPool, allowance: units("1"), credits: credits("100")),
        ], unitPrice: Self.hour)
        #expect(try owner.teamValue(unitPrice: Self.hour) == credits("80"), "the owner's own allowance is not team value")
        #expect(owner.payingWallets == [.ownerAllowance, .teamPool])
        let personal = try DrawPlan.plan(for: .credits(credits("3")), along: [Wallet(.personal, credits: credits("3"))],
                                         unitPrice: Self.hour)
        #expect(try personal.teamValue(unitPrice: Self.hour) == .zero)
        #expect(try DrawPlan(draws: []).teamValue(unitPrice: Self.hour) == .zero)
    }

    @Test("R30: the limit counts the event's value less what the owner's own allowance covers")
    func valueCountedBeforeDraw() throws {
        let route = [Wallet(.ownerAllowance, allowance: units("1")), Wallet(.teamPool, credits: credits("500"))]
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .units(units("3")), along: route, unitPrice: Self.hour) == credits("80"))
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .units(units("0.5")), along: route, unitPrice: Self.hour) == .zero)
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .credits(credits("7")), along: route, unitPrice: Self.hour) == credits("7"),
                "an event metered in credits is all team value")
        let team = [Wallet(.teamPool, allowance: units("10"), credits: credits("500"))]
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .units(units("3")), along: team, unitPrice: Self.hour) == credits("120"),
                "the team's own allowance counts towards the limit")
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .units(units("3")), along: [Wallet(.ownerAllowance), Wallet(.teamPool)],
                                                       unitPrice: Self.hour) == credits("120"), "no owner allowance account")
    }

    @Test("R4 + R30: before the draw the limit counts needed − owner cover, each rounded once; after it, each draw is rounded")
    func limitRoundingMatchesTheStore() throws {
        // 1 unit at $0.001 with 0.5 unit of the owner's allowance: needed $0.001, the owner's half
        // rounds up to $0.001, so the check counts $0.000; the team's half also rounds up to $0.001.
        let price = credits("0.001")
        let route = [Wallet(.ownerAllowance, allowance: units("0.5")), Wallet(.teamPool, credits: credits("1"))]
        #expect(try CreditLimit.valueCountedBeforeDraw(of: .units(units("1")), along: route, unitPrice: price) == .zero)
        let plan = try DrawPlan.plan(for: .units(units("1")), along: route, unitPrice: price)
        #expect(try plan.teamValue(unitPrice: price) == credits("0.001"))
    }

    @Test("R30: the limit, with its exact message", arguments: [
        ("the spec's example", [PayingWallet.teamPool], "50", "45", "6", "Credit limit reached: you have used $45.000 of your $50.000 limit this period"),
        ("an exact fit is allowed", [.teamPool], "50", "45", "5", nil),
        ("one millicredit over", [.seat, .teamPool], "50", "45", "5.001", "Credit limit reached: you have used $45.000 of your $50.000 limit this period"),
        ("a limit below what was used refuses any more", [.teamPool], "40", "45", "0.001", "Credit limit reached: you have used $45.000 of your $40.000 limit this period"),
        ("a limit below what was used refuses even no team value", [.ownerAllowance, .teamPool], "40", "45", "0", "Credit limit reached: you have used $45.000 of your $40.000 limit this period"),
        ("no limit", [.teamPool], nil, "1000000", "1", nil),
        ("a personal route is never limited", [.personal], "1", "45", "6", nil),
        ("a zero limit refuses team spending", [.teamPool], "0", "0", "0.001", "Credit limit reached: you have used $0.000 of your $0.000 limit this period"),
    ] as [(String, [PayingWallet], String?, String, String, String?)])
    func limit(name: String, route: [PayingWallet], limit: String?, used: String, adding: String, refusal: String?) throws {
        let check = { try CreditLimit.check(route: route, limit: limit.map(credits), used: credits(used), adding: credits(adding)) }
        if let refusal {
            #expect(throws: CofferError(refusal), "\(name)") { try check() }
        } else {
            #expect(throws: Never.self, "\(name)") { try check() }
        }
    }

    @Test("R30: team wallets are the team pool and a seat wallet")
    func drawsOnTeam() {
        #expect(CreditLimit.drawsOnTeam([.teamPool]))
        #expect(CreditLimit.drawsOnTeam([.ownerAllowance, .seat, .teamPool]))
        #expect(!CreditLimit.drawsOnTeam([.personal]))
        #expect(!CreditLimit.drawsOnTeam([]))
    }

    @Test("R33: the first wallet on the route with an item for the service decides whether it is unlimited")
    func unlimited() {
        let scale = [AllowanceItem(service: "event-ticket", amount: nil, isTeamAllowed: true),
                     AllowanceItem(service: "mentorship-hour", amount: .whole(300), isTeamAllowed: true),
                     AllowanceItem(service: "mentorship-hour", amount: .whole(20), isTeamAllowed: false)]
        let enterprise = [AllowanceItem(service: "mentorship-hour", amount: nil, isTeamAllowed: false),
                          AllowanceItem(service: "mentorship-hour", amount: .whole(5), isTeamAllowed: true)]
        #expect(DrawPlan.isUnlimited(service: "event-ticket", route: [.teamPool], planItems: scale, personalItems: []))
        #expect(DrawPlan.isUnlimited(service: "event-ticket", route: [.seat, .teamPool], planItems: scale, personalItems: []))
        #expect(!DrawPlan.isUnlimited(service: "mentorship-hour", route: [.ownerAllowance, .teamPool], planItems: scale, personalItems: []))
        #expect(DrawPlan.isUnlimited(service: "mentorship-hour", route: [.ownerAllowance, .teamPool], planItems: enterprise, personalItems: []),
                "the owner's unlimited item comes first")
        #expect(!DrawPlan.isUnlimited(service: "mentorship-hour", route: [.teamPool], planItems: enterprise, personalItems: []),
                "the owner-only item is not the team's")
        #expect(!DrawPlan.isUnlimited(service: "event-ticket", route: [.personal], planItems: scale, personalItems: []),
                "the team's plan does not cover a personal wallet")
        #expect(DrawPlan.isUnlimited(service: "event-ticket", route: [.personal], planItems: [], personalItems: scale))
        #expect(!DrawPlan.isUnlimited(service: "claude-sonnet-4", route: [.teamPool], planItems: scale, personalItems: scale))
    }

    @Test("R1: overflow is an error, never a wrong amount")
    func overflow() {
        let huge = Credits(millicredits: .max)
        #expect(throws: CofferError.self) {
            try DrawPlan.plan(for: .credits(huge), along: [Wallet(.seat, credits: huge), Wallet(.teamPool, credits: huge)], unitPrice: Self.hour)
        }
        #expect(throws: CofferError.self) {
            try DrawPlan.plan(for: .units(Quantity(milliunits: .max)), along: [Wallet(.teamPool, credits: huge)], unitPrice: Self.hour)
        }
        #expect(throws: CofferError.self) { try CreditLimit.check(route: [.teamPool], limit: huge, used: huge, adding: huge) }
    }
}
