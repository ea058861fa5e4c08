import CofferCore
import Foundation

/// Records one usage event inside a write transaction: exactly once (R33), paid by the right
/// wallets (R29), after every check of R30, with auto-recharge before the debit (R35–R36) and
/// low-balance alerts after it (R24). There is no overdraft and no partial debit.
struct ConsumptionEngine {
    let tx: WriteContext
    /// What this engine remembers between the events it records.
    let cache = Cache()
    /// How many events the transaction is to record (ids for them are reserved at once on PostgreSQL).
    let expectedEvents: Int

    /// An engine for the events of one transaction: `expecting` of them, when the caller knows.
    init(tx: WriteContext, expecting expectedEvents: Int = 1) {
        self.tx = tx
        self.expectedEvents = max(1, expectedEvents)
        tx.pendingUsage.reserve(self.expectedEvents)
    }

    /// Everything the checks and the draws need, read once.
    struct Context {
        let actor: Actor
        let request: UsageRequest
        let service: Service
        let member: MemberRow
        /// The running subscription (nil on the Free plan or when the latest one is over).
        let subscription: SubscriptionRow?
        let standing: TeamStanding
        var policy: CreditPolicy { standing.policy }
        let items: [PlanTerms.Item]
        let route: [PayingWallet]
        let period: (start: Timestamp, end: Timestamp)
        /// The quantity in quantity mode (nil when metered in credits).
        let quantity: Quantity?
        let needed: Credits
        /// What the event asks for: units metered by quantity, or an amount of credits.
        var amount: DebitAmount { quantity.map { .units($0) } ?? .credits(needed) }
        var usesTeam: Bool { route.contains(.teamPool) || route.contains(.seat) }
    }

    /// The debit failed after auto-recharge acted: what it did must be committed on its own (R36).
    struct FailedAfterRecharge: Error {
        let error: CofferError
    }

    /// Records the event, or returns the first result for a duplicate id (R33).
    func record(actor: Actor, checked: CheckedUsage) throws -> UsageResult {
        let request = checked.request
        let hash = checked.payloadHash
        if let first = try firstRecording(actor: actor, request: request, hash: hash) { return first }
        let context = try prepare(actor: actor, request: request)
        if try unlimited(context) { return try finish(context, plan: .nothing, recharge: nil, unlimited: true, hash: hash) }
        // R30 before any money moves, on what the event needs less the owner's own allowance (R9a).
        if context.member.creditLimit != nil {
            try checkLimit(context, adding: CreditLimit.valueCountedBeforeDraw(of: context.amount, along: wallets(context),
                                                                                unitPrice: context.service.unitPrice))
        }
        let recharge = try rechargeStep(context)
        let plan: AccountedPlan
        do {
            plan = try drawPlan(context)
            // R30 again on what the draws really take, valued draw by draw as the member's use records them.
            try checkLimit(context, adding: plan.decided.teamValue(unitPrice: context.service.unitPrice))
        } catch let error as CofferError where recharge != nil {
            throw FailedAfterRecharge(error: error)
        }
        return try finish(context, plan: plan, recharge: recharge, unlimited: false, hash: hash)
    }

    /// Records one event of a batch in its own savepoint (R33, R40), as its own batch of entries:
    /// a refusal rolls back that event alone, whatever it had written. When the debit fails after
    /// auto-recharge acted, what the recharge did is applied again on its own (R36), as `consume` does.
    func recordInBatch(actor: Actor, checked: CheckedUsage, at time: Timestamp) throws -> UsageResult {
        tx.setTime(time)
        do {
            return try inSavepoint { try record(actor: actor, checked: checked) }
        } catch let failure as FailedAfterRecharge {
            try inSavepoint { try rechargeOnly(actor: actor, request: checked.request) }
            throw failure
        }
    }

    /// Runs `body` in a savepoint; when it throws, the database, the ledger writer and this
    /// engine's memo return to where they were.
    private func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        let ledger = try tx.ledger()
        let state = ledger.snapshot()
        let mark = cache.mark()
        let rows = tx.pendingUsage.count
        let facts = tx.facts.snapshot()
        var result: T?
        do {
            try tx.sql.inSavepoint { result = try body() }
        } catch {
            ledger.restore(state)
            cache.rewind(to: mark)
            tx.pendingUsage.rewind(to: rows)
            // What was read inside the savepoint may come from rows it wrote (a recharge's settings).
            tx.facts.restore(facts)
            // A constraint the database enforces refuses this event alone, like any other refusal.
            if let refused = error as? StorageRefusal { throw CofferError("Refused by the database: \(refused.message)") }
            throw error
        }
        return result!
    }

    /// Re-runs only the auto-recharge step (in a fresh transaction, after a failed debit, R36).
    func rechargeOnly(actor: Actor, request: UsageRequest) throws {
        _ = try rechargeStep(prepare(actor: actor, request: request))
    }

    /// Resolves the member, service, subscription and route, and runs the checks that come
    /// before any money moves: permission, API key, status (R13), whitelist.
    func prepare(actor: Actor, request: UsageRequest) throws -> Context {
        let sql = tx.sql
        let facts = tx.facts
        if !cache.factsRefreshed || facts.current == nil {
            // One read of facts_version: the facts of the store's earlier transactions hold if it has not moved.
            try facts.refresh(sql)
            cache.factsRefreshed = true
        }
        guard let service = tx.catalog.service(request.service) else {
            throw CofferError("Unknown service \(CofferError.quote(request.service)) (see coffer plans)")
        }
        var email = actor.email
        if let other = request.forEmail, try Email.normalize(other) != actor.email {
            try Permissions.require(actor.role, .recordUsageForOthers)
            email = try Email.normalize(other)
        }
        let member = try facts.memo(\.members, .init(workspace: actor.workspaceID, email: email)) {
            try MemberRow.require(sql, workspace: actor.workspaceID, email: email, normalized: true)
        }
        if service.kind == .mcpHTTPCall || request.apiKey != nil {
            guard let key = request.apiKey else { throw CofferError("MCP-HTTP calls name their API key (--api-key NAME)") }
            let keys = try facts.memo(\.keys, actor.workspaceID) {
                Set(try sql.all("SELECT name FROM api_keys WHERE workspace_id = ?", .int(actor.workspaceID)) { $0.text(0) })
            }
            guard keys.contains(key) else {
                throw CofferError("No API key named \(CofferError.quote(key)): create it with coffer keys create")
            }
        }
        let (standing, current) = try facts.memo(\.standings, actor.workspaceID) {
            try SubscriptionRow.standing(sql, workspace: actor.workspaceID)
        }
        let live = current.flatMap { $0.status.isFinal ? nil : $0 }
        let items = live?.terms.allowances ?? PlanTerms(tx.catalog.freePlan).allowances
        let teamItems = cache.allowances(items).team
        let route = WhoPays.route(access: member.access, perSeat: live?.strategy == "per_seat",
                                  isPrimaryOwner: member.role == .primaryOwner,
                                  ownerOnlyItem: items.contains { !$0.team && $0.service == service.slug },
                                  teamMayUse: WhoPays.teamMayUse(service, teamItems: teamItems))
        // A personal wallet is shared by every workspace its holder is in: not for a workspace-scoped write (R42).
        if tx.scope != .ledger, route.contains(.personal) || route.contains(.ownerAllowance) { throw NeedsLedgerWideWrite() }
        let quantity = request.credits == nil ? (request.quantity ?? .whole(1)) : nil
        let needed = try request.credits ?? Credits.cost(of: quantity!, at: service.unitPrice)
        let context = Context(actor: actor, request: request, service: service, member: member, subscription: live,
                              standing: standing, items: items, route: route,
                              period: cache.creditPeriod(anchor: try TeamRules.creditAnchor(sql, workspace: actor.workspaceID, now: tx.now,
                                                                                          live: current), containing: tx.now),
                              quantity: quantity, needed: needed)
        if context.usesTeam {
            guard standing.policy.teamSpending else { throw CofferError(standing.teamSpendingRefusal) }
            let model = [ServiceKind.conversationMessage, .imageGeneration, .videoGeneration].contains(service.kind)
            if member.access == .seat, model {
                let whitelist = try facts.memo(\.whitelists, actor.workspaceID) {
                    Set(try sql.all("SELECT service FROM whitelist WHERE workspace_id = ?", .int(actor.workspaceID)) { $0.text(0) })
                }
                if !whitelist.isEmpty, !whitelist.contains(service.slug) { throw CofferError("This model is not on your team's whitelist") }
            }
        }
        return context
    }

    /// Whether an unlimited allowance covers the event (R33), as CofferCore decides it.
    private func unlimited(_ c: Context) throws -> Bool {
        let items = cache.allowances(c.items).all
        var personal: [AllowanceItem] = []
        if c.route.contains(.personal),
           let own = try tx.facts.memo(\.personal, c.member.userID, load: { try SubscriptionRow.live(tx.sql, user: c.member.userID) }),
           own.status.isActive {
            personal = own.terms.allowances.map { AllowanceItem(service: $0.service, amount: $0.amount.map(Quantity.init), isTeamAllowed: $0.team) }
        }
        return DrawPlan.isUnlimited(service: c.service.slug, route: c.route, planItems: items, personalItems: personal)
    }

    /// R30: refuses an event that would take the member past their limit this period, counting
    /// what this transaction has already added (CofferCore's `CreditLimit`).
    private func checkLimit(_ c: Context, adding value: Credits) throws {
        guard CreditLimit.drawsOnTeam(c.route), let limit = c.member.creditLimit else { return }
        let key = PendingRollups.SpendKey(workspace: c.actor.workspaceID, user: c.member.userID, period: c.period.start)
        let stored = try tx.sql.int("SELECT used FROM member_spend WHERE workspace_id = ? AND user_id = ? AND period_start = ?",
                                    .int(c.actor.workspaceID), .int(c.member.userID), .int(c.period.start)) ?? 0
        try CreditLimit.check(route: c.route, limit: Credits(millicredits: limit),
                              used: Credits(millicredits: tx.rollups.pendingSpend(key) + stored), adding: value)
    }

    /// Each wallet on the route with its balances: allowance units of the service (metered by
    /// quantity only) and credits (never the owner allowance's), nil where there is no account.
    private func wallets(_ c: Context) throws -> [DrawPlan.Wallet] {
        let ledger = try tx.ledger()
        return try c.route.map { wallet in
            let units = c.quantity == nil ? nil : try account(wallet, asset: .service(c.service.slug), c, create: false)
            let credits = wallet == .ownerAllowance ? nil : try account(wallet, asset: .credits, c, create: false)
            return DrawPlan.Wallet(wallet, allowance: try units.map { Quantity(milliunits: try ledger.balance(of: $0)) },
                                   credits: try credits.map { Credits(millicredits: try ledger.balance(of: $0)) })
        }
    }

    /// One planned draw: an amount of an asset from an account.
    struct PlannedDraw {
        let wallet: PayingWallet
        let account: Int64
        let asset: Asset
        let amount: Int64
    }

    /// Allowance units first, then credits at the unit price, wallet by wallet (R29), as CofferCore's
    /// `DrawPlan` decides; refuses unless everything needed can be drawn (R30: no overdraft, no
    /// partial debit). Each draw is then tied to its wallet's account.
    private func drawPlan(_ c: Context) throws -> AccountedPlan {
        let plan = try DrawPlan.plan(for: c.amount, along: wallets(c), unitPrice: c.service.unitPrice)
        return AccountedPlan(decided: plan, draws: try plan.draws.map { draw in
            let (asset, amount): (Asset, Int64) = switch draw.amount {
            case .allowance(let units): (.service(c.service.slug), units.milliunits)
            case .credits(let credits): (.credits, credits.millicredits)
            }
            guard let account = try account(draw.wallet, asset: asset, c, create: false) else { throw LedgerInconsistency(account: 0) }
            return PlannedDraw(wallet: draw.wallet, account: account, asset: asset, amount: amount)
        })
    }

    /// CofferCore's plan, and each of its draws tied to the account it draws from.
    struct AccountedPlan {
        let decided: DrawPlan
        let draws: [PlannedDraw]
        /// Nothing to draw (an unlimited allowance, R33).
        static let nothing = AccountedPlan(decided: DrawPlan(draws: []), draws: [])
    }

    /// The id the next usage event gets (its entries name it before it is stored). On PostgreSQL,
    /// where writers of different workspaces run at once (R42), from the table's own sequence —
    /// for every event the transaction expects in one round trip (what a refused or duplicate
    /// event leaves unused is a gap); on SQLite, one writer at a time, the next after the highest.
    private func nextUsageID() throws -> Int64 {
        // (`usageIDQuery` may have been read ahead with the group's duplicate lookups.)
        if tx.sql.dialect == .postgres {
            if cache.givenUsageIDs == cache.reservedUsageIDs.count {
                let count = cache.reservedUsageIDs.isEmpty ? expectedEvents : 1
                cache.reservedUsageIDs += try tx.sql.all(Self.usageIDQuery(count: count)) { $0.int(0) }.sorted()
            }
            guard cache.givenUsageIDs < cache.reservedUsageIDs.count else { throw CofferError("The usage id sequence gave no value") }
            cache.givenUsageIDs += 1
            return cache.reservedUsageIDs[cache.givenUsageIDs - 1]
        }
        return try cache.nextUsageID ?? ((tx.sql.int("SELECT max(id) FROM usage_events") ?? 0) + 1)
    }

    /// `count` new usage ids from PostgreSQL's sequence (the identity column's, named as PostgreSQL
    /// names it: `pg_get_serial_sequence`, evaluated for every row, made a 64-id call 3× slower).
    static func usageIDQuery(count: Int) -> Query {
        Query("SELECT nextval('usage_events_id_seq') FROM generate_series(1, ?)", .int(Int64(count)))
    }

    /// Draws the plan, books the member's spending, raises alerts and stores the event.
    private func finish(_ c: Context, plan: AccountedPlan, recharge: String?, unlimited: Bool, hash: String) throws -> UsageResult {
        let ledger = try tx.ledger()
        ledger.defersGrantUpdates = true // grants are read here only through the writer
        let sql = tx.sql
        let usageID = try nextUsageID()
        var draws: [UsageResult.Draw] = []
        var before: [Int64: Int64] = [:]
        for planned in plan.draws {
            if planned.asset == .credits, before[planned.account] == nil { before[planned.account] = try ledger.balance(of: planned.account) }
            for draw in try ledger.draw(from: planned.account, asset: planned.asset, amount: planned.amount, to: .usage, kind: "spend", usage: usageID) {
                draws.append(.init(wallet: Self.name(planned.wallet), asset: planned.asset.code, grant: draw.grant, amount: draw.amount))
            }
        }
        let credits = try plan.decided.creditsDrawn().millicredits
        let units = try plan.decided.unitsDrawn().milliunits
        let value = unlimited ? 0 : c.needed.millicredits
        let teamSpend = try plan.decided.teamValue(unitPrice: c.service.unitPrice).millicredits
        let threshold = try tx.facts.memo(\.thresholds, c.actor.workspaceID) {
            try sql.int("SELECT alert_threshold FROM workspaces WHERE id = ?", .int(c.actor.workspaceID)).map(Credits.init)
        }
        for (account, old) in before.sorted(by: { $0.key < $1.key }) {
            let planned = plan.draws.first { $0.account == account }!
            guard planned.wallet == .teamPool || planned.wallet == .seat else { continue }
            let now = try ledger.balance(of: account)
            if LowBalanceAlert.crossed(before: Credits(millicredits: old), after: Credits(millicredits: now), threshold: threshold) {
                try Alerts.raise(tx, workspace: c.actor.workspaceID, kind: "low_balance",
                                 message: "Low balance: the \(planned.wallet == .seat ? "seat wallet of \(c.member.email)" : "team pool") is at \(Credits(millicredits: now)), below your \(threshold!) alert")
            }
        }
        let first = c.route.first { $0 != .ownerAllowance } ?? c.route[0]
        let balanceAccount = try account(first, asset: .credits, c, create: false)
        let result = UsageResult(
            eventID: c.request.eventID, service: c.service.slug, member: c.member.email, credits: credits, units: units,
            value: value, wallets: plan.decided.payingWallets.map(Self.name),
            draws: draws, balance: try balanceAccount.map { try ledger.balance(of: $0) } ?? 0, unlimited: unlimited,
            recharge: recharge, duplicate: false)
        let r = c.request
        let shape = UsageRecordShape(r, service: c.service, quantity: c.quantity)
        // The row is written with the transaction's others before commit (`PendingUsageRows`).
        tx.pendingUsage.add(EventIDKey(workspace: c.actor.workspaceID, id: r.eventID), values: [
            .int(usageID), .int(c.actor.workspaceID), .text(r.eventID), .text(hash), .int(c.member.userID), .int(c.actor.userID),
            .text(c.service.slug), .text(c.service.kind.rawValue), .int(c.quantity?.milliunits), .int(credits), .int(units),
            .int(value), .text(shape.conversationID), .text(r.title), .text(shape.billingType), .text(r.apiKey), .text(shape.callID),
            .text(shape.taskID), .text(shape.importType), .text(r.url), .text(result.wallets.joined(separator: ",")),
            .int(result.balance), .int(unlimited ? 1 : 0), .text(recharge), .int(tx.now), .int(shape.tab), .int(shape.messages),
            .int(c.period.start),
        ], recorded: .init(payloadHash: hash, result: result.storedForDuplicates, usageID: usageID))
        cache.nextUsageID = usageID + 1
        tx.recordedUsage = true
        // In-memory rollups come last, after every statement that could fail has run (a savepoint
        // rollback cannot take them back).
        try tx.sql.flush()
        if teamSpend > 0 {
            tx.rollups.addSpend(.init(workspace: c.actor.workspaceID, user: c.member.userID, period: c.period.start), teamSpend)
        }
        shape.record(into: tx.rollups, workspace: c.actor.workspaceID, user: c.member.userID, creator: c.member.email,
                     service: c.service.slug, title: r.title,
                     credits: credits, at: tx.now)
        return result
    }

    /// The account of a paying wallet for an asset (nil when it does not exist yet).
    func account(_ wallet: PayingWallet, asset: Asset, _ c: Context, create: Bool) throws -> Int64? {
        let workspace = c.actor.workspaceID
        let (kind, user, seat): (WalletKind, Int64?, Int64?) = switch wallet {
        case .teamPool: (.teamPool, nil, nil)
        case .seat: (.seat, nil, c.member.seatID)
        case .personal: (.personal, c.member.userID, nil)
        case .ownerAllowance: (.personal, c.member.userID, nil)
        }
        let ledger = try tx.ledger()
        if create { return try ledger.account(kind, workspace: kind == .personal ? nil : workspace, user: user, seat: seat, asset: asset) }
        return try ledger.existingAccount(kind, workspace: kind == .personal ? nil : workspace, user: user, seat: seat, asset: asset)
    }

    func balance(wallet: PayingWallet, asset: Asset, _ c: Context) throws -> Int64 {
        try account(wallet, asset: asset, c, create: false).map { try tx.ledger().balance(of: $0) } ?? 0
    }

    static func name(_ wallet: PayingWallet) -> String {
        switch wallet {
        case .teamPool: "team_pool"
        case .seat: "seat"
        case .personal: "personal"
        case .ownerAllowance: "owner_allowance"
        }
    }
}

extension ConsumptionEngine {
    /// A wallet's auto-recharge settings (R34), kept with the facts across transactions.
    func rechargeSettings(workspace: Int64, seat: Int64) throws -> RechargeSettings? {
        try tx.facts.memo(\.recharge, .init(workspace: workspace, seat: seat)) {
            try tx.sql.one("""
                SELECT enabled, threshold, amount, max_period_spend FROM recharge_settings WHERE workspace_id = ? AND seat_id = ?
                """, .int(workspace), .int(seat)) {
                RechargeSettings(enabled: $0.bool(0), threshold: Credits(millicredits: $0.int(1)), amount: Credits(millicredits: $0.int(2)),
                                 maxPeriodSpend: $0.optionalInt(3).map(Credits.init))
            }
        }
    }

    /// Drops the memo after the settings changed (a declined card switches recharge off).
    func forgetRechargeSettings(workspace: Int64, seat: Int64) {
        tx.facts.update { $0.recharge[.init(workspace: workspace, seat: seat)] = nil }
    }
}
