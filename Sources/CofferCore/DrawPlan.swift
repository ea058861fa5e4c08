/// How much a usage event asks for: a quantity of the service's units, priced at its unit
/// price (R4), or an amount of credits (an event metered in credits).
public enum DebitAmount: Equatable, Sendable {
    /// A quantity of the service's units.
    case units(Quantity)
    /// An amount of credits.
    case credits(Credits)

    /// The event's value in credits: the amount itself, or the quantity at `unitPrice`
    /// rounded half-up to the millicredit (R4). This is the "needed" of R30's refusal.
    public func value(at unitPrice: Credits) throws -> Credits {
        switch self {
        case .units(let quantity): try Credits.cost(of: quantity, at: unitPrice)
        case .credits(let credits): credits
        }
    }
}

/// The draws that pay for one usage event, planned before anything moves (R29, R30): wallet by
/// wallet along the route, a wallet's allowance units for the service first, then its credits;
/// units beyond the allowances are converted to credits at the unit price (R4). The primary
/// owner's allowance wallet gives only its allowance units: its credits never pay for the team.
/// Refused unless everything needed can be drawn (no overdraft, no partial debit).
public struct DrawPlan: Equatable, Sendable {
    /// What one wallet on the route holds for this event, as read before the debit.
    public struct Wallet: Equatable, Sendable {
        /// Which wallet of the route (R29).
        public let wallet: PayingWallet
        /// The wallet's units of the service's allowance; nil when it has no allowance account
        /// for the service (which plans the same as an empty one).
        public let allowance: Quantity?
        /// The wallet's credits; nil when it has no credits account.
        public let credits: Credits?

        /// A wallet's balances; leave out what it has no account for.
        public init(_ wallet: PayingWallet, allowance: Quantity? = nil, credits: Credits? = nil) {
            (self.wallet, self.allowance, self.credits) = (wallet, allowance, credits)
        }
    }

    /// One planned draw: allowance units or credits taken from one wallet.
    public struct Draw: Equatable, Sendable {
        /// What is drawn: units of the service's allowance, or credits.
        public enum Amount: Equatable, Sendable {
            case allowance(Quantity)
            case credits(Credits)
        }

        /// The wallet drawn from.
        public let wallet: PayingWallet
        /// What is drawn from it.
        public let amount: Amount

        /// A draw of `amount` from `wallet`.
        public init(_ wallet: PayingWallet, _ amount: Amount) { (self.wallet, self.amount) = (wallet, amount) }

        /// The draw's value in credits: credits as they are, allowance units at `unitPrice` (R4).
        public func value(at unitPrice: Credits) throws -> Credits {
            switch amount {
            case .credits(let credits): credits
            case .allowance(let units): try Credits.cost(of: units, at: unitPrice)
            }
        }
    }

    /// The draws, in the order they are made.
    public let draws: [Draw]

    /// A plan of these draws.
    public init(draws: [Draw]) { self.draws = draws }

    /// Plans the draws for `amount` along `route` (R29), or refuses with R30's
    /// `Insufficient credits: balance $X, needed $Y`. The balance named is what the route
    /// offered: every credits balance of a wallet that may pay in credits, and the value at
    /// `unitPrice` of each allowance balance the plan looked at.
    public static func plan(for amount: DebitAmount, along route: [Wallet], unitPrice: Credits) throws -> DrawPlan {
        let needed = try amount.value(at: unitPrice)
        var unitsLeft: Int64 = if case .units(let quantity) = amount { quantity.milliunits } else { 0 }
        var creditsLeft: Int64 = if case .credits(let credits) = amount { credits.millicredits } else { 0 }
        var available = Credits.zero
        var draws: [Draw] = []
        func unitsInCredits(_ milliunits: Int64) throws -> Int64 {
            try Credits.cost(of: Quantity(milliunits: milliunits), at: unitPrice).millicredits
        }
        for source in route {
            if unitsLeft > 0, let allowance = source.allowance {
                let units = min(unitsLeft, allowance.milliunits)
                available = try available.adding(Credits.cost(of: allowance, at: unitPrice))
                if units > 0 { draws.append(Draw(source.wallet, .allowance(Quantity(milliunits: units)))) }
                unitsLeft = try checked(unitsLeft, minus: units)
            }
            guard source.wallet != .ownerAllowance else { continue } // the owner's credits never pay for the team
            if unitsLeft > 0 {
                creditsLeft = try checked(creditsLeft, plus: unitsInCredits(unitsLeft))
                unitsLeft = 0
            }
            guard let balance = source.credits else { continue }
            available = try available.adding(balance)
            let take = min(creditsLeft, balance.millicredits)
            if take > 0 { draws.append(Draw(source.wallet, .credits(Credits(millicredits: take)))) }
            creditsLeft = try checked(creditsLeft, minus: take)
        }
        if unitsLeft > 0 { creditsLeft = try checked(creditsLeft, plus: unitsInCredits(unitsLeft)) }
        guard creditsLeft == 0 else {
            throw CofferError("Insufficient credits: balance \(available), needed \(needed)")
        }
        return DrawPlan(draws: draws)
    }

    /// The credits drawn, over every wallet.
    public func creditsDrawn() throws -> Credits {
        try draws.reduce(Credits.zero) { sum, draw in
            guard case .credits(let credits) = draw.amount else { return sum }
            return try sum.adding(credits)
        }
    }

    /// The allowance units drawn, over every wallet.
    public func unitsDrawn() throws -> Quantity {
        Quantity(milliunits: try draws.reduce(Int64(0)) { sum, draw in
            guard case .allowance(let units) = draw.amount else { return sum }
            return try checked(sum, plus: units.milliunits)
        })
    }

    /// The wallets that pay, each once, in the order they first pay.
    public var payingWallets: [PayingWallet] {
        draws.map(\.wallet).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// What the plan takes from team wallets (team pool and seat wallet), valued per draw:
    /// credits, plus allowance units at `unitPrice` (R4). This is what is added to the member's
    /// use this credit period (R30).
    public func teamValue(unitPrice: Credits) throws -> Credits {
        try draws.reduce(Credits.zero) { sum, draw in
            guard draw.wallet == .teamPool || draw.wallet == .seat else { return sum }
            return try sum.adding(draw.value(at: unitPrice))
        }
    }

    /// Whether an unlimited allowance covers the event (R33: recorded at no charge): decided by
    /// the first wallet on the route that has an allowance item for `service` — the owner-only
    /// item for the owner's allowance, the team item for the team pool and a seat wallet, and
    /// any item of the member's own Active or Trialing personal plan for the personal wallet
    /// (`personalItems`, empty without one).
    public static func isUnlimited(service: String, route: [PayingWallet], planItems: [AllowanceItem],
                                   personalItems: [AllowanceItem]) -> Bool {
        for wallet in route {
            let item: AllowanceItem? = switch wallet {
            case .ownerAllowance: planItems.first { !$0.isTeamAllowed && $0.service == service }
            case .teamPool, .seat: planItems.first { $0.isTeamAllowed && $0.service == service }
            case .personal: personalItems.first { $0.service == service }
            }
            if let item { return item.isUnlimited }
        }
        return false
    }
}

/// R30's credit limit: what a member draws from team wallets in a credit period, counting credits
/// and allowance value, may not go past their limit.
public enum CreditLimit {
    /// Whether a route draws on team wallets at all (the team pool or a seat wallet), so that
    /// team spending (R13), the whitelist and the limit are checked.
    public static func drawsOnTeam(_ route: [PayingWallet]) -> Bool {
        route.contains(.teamPool) || route.contains(.seat)
    }

    /// The value the limit check counts before the draw: the event's value less what the
    /// primary owner's own allowance covers when the route starts there (R9a) — the smaller of
    /// the quantity and that allowance, at `unitPrice`.
    public static func valueCountedBeforeDraw(of amount: DebitAmount, along route: [DrawPlan.Wallet],
                                              unitPrice: Credits) throws -> Credits {
        let needed = try amount.value(at: unitPrice)
        guard let first = route.first, first.wallet == .ownerAllowance, case .units(let quantity) = amount else { return needed }
        let covered = Quantity(milliunits: min(first.allowance?.milliunits ?? 0, quantity.milliunits))
        return try needed.subtracting(Credits.cost(of: covered, at: unitPrice))
    }

    /// Refuses an event that would take the member past `limit` this period:
    /// `Credit limit reached: you have used $U of your $L limit this period`. No limit, or a
    /// route that does not draw on team wallets, is never refused; a limit set below what was
    /// already used refuses any further team value (R30).
    public static func check(route: [PayingWallet], limit: Credits?, used: Credits, adding value: Credits) throws {
        guard drawsOnTeam(route), let limit else { return }
        guard try used.adding(value) <= limit else {
            throw CofferError("Credit limit reached: you have used \(used) of your \(limit) limit this period")
        }
    }
}
