import CofferCore

/// A subscription as `coffer subscription show` and the Billing tab present it (R11, R14).
public struct SubscriptionView: Sendable, Equatable {
    public let tier: String
    public let name: String
    public let description: String
    public let features: [String]
    /// nil on the Free plan (no paid subscription).
    public let status: SubscriptionStatus?
    public let interval: BillingInterval?
    public let seats: Int64
    public let strategy: String
    public let pricePerSeatCents: Int64
    public let periodPriceCents: Int64
    /// When the current billing period (or the trial) ends.
    public let periodEnd: Timestamp?
    /// When recurring credits next refresh (R14).
    public let nextRefresh: Timestamp?
    public let cancelAtPeriodEnd: Bool
    /// A downgrade waiting for the period end (R15).
    public let scheduledPlan: String?
    public let trialEnd: Timestamp?
    /// The team pool's (or personal wallet's) credits.
    public let remainingCredits: Credits
    public let cardLast4: String?
    public let assigned: Bool
    /// True when this subscription has ended and the workspace is back on the Free plan.
    public let ended: Bool
    /// What falls due next, soonest first (SPEC §9): refresh, charges with their amounts, trial end,
    /// scheduled change, end. Empty when nothing will.
    public var upcoming: [UpcomingEvent] = []
}

/// Checkout as the Billing tab offers it (R10): **Start trial** or **Proceed to payment**, enabled or not.
public struct CheckoutOffer: Sendable, Equatable {
    /// True when the workspace has no billing history, so checkout starts a trial.
    public let trial: Bool
    /// Why the viewer cannot check out; nil when they can.
    public let refusal: String?

    /// The button's label.
    public var label: String { trial ? "Start trial" : "Proceed to payment" }
}

/// What `subscription change` did (R15).
public enum PlanChange: Sendable, Equatable {
    /// An upgrade, now: the prorated charge and the compensation granted.
    case upgraded(chargedCents: Int64, compensation: Credits)
    /// A downgrade (or a move to Free), at the end of the current period (nil: when a paused
    /// subscription resumes).
    case scheduled(at: Timestamp?)
}

/// Checkout and the subscription lifecycle (R10–R15), for a workspace or a person.
public struct Subscriptions: Sendable {
    let store: CofferStore

    /// The subscriptions use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Subscribes the acting primary owner's workspace (R10). With no billing history the
    /// plan starts Trialing; otherwise the first period is charged (failure → Incomplete).
    @discardableResult
    public func subscribe(actor: Actor, plan tier: String, interval: BillingInterval?, seats: Int64 = 1,
                          strategy: String = "per_team", card: String? = nil) throws -> SubscriptionView {
        try Permissions.require(actor.role, .manageSubscription)
        let (plan, chosen) = try validate(tier: tier, interval: interval, seats: seats)
        guard ["per_team", "per_seat"].contains(strategy) else { throw CofferError("Strategies are per-team or per-seat") }
        try store.write { tx in
            if let live = try SubscriptionRow.live(tx.sql, workspace: actor.workspaceID) {
                try endOrRefuse(live, tx)
            }
            if let card { _ = try Charges.saveCard(tx, user: actor.userID, number: card) }
            let history = try Self.hasBillingHistory(tx.sql, workspace: actor.workspaceID)
            try start(tx, workspace: actor.workspaceID, user: nil, payer: actor.userID, plan: plan, interval: chosen,
                      seats: seats, strategy: strategy, trial: !history)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "subscription.subscribe",
                         subject: actor.workspaceSlug, after: "\(plan.tier) \(chosen.rawValue) seats=\(seats) \(strategy)")
        }
        return try show(actor: actor)
    }

    /// What checkout offers `actor`'s workspace now (R10): Start trial with no billing history, else
    /// Proceed to payment; disabled, with the reason, for anyone but the primary owner (R7) or while a plan runs.
    public func checkout(actor: Actor) throws -> CheckoutOffer {
        try store.snapshot { sql in
            let trial = !(try Self.hasBillingHistory(sql, workspace: actor.workspaceID))
            if !Permissions.allows(actor.role, .manageSubscription) {
                return CheckoutOffer(trial: trial, refusal: Permissions.refusal(for: .manageSubscription))
            }
            if let live = try SubscriptionRow.live(sql, workspace: actor.workspaceID), live.status != .unpaid {
                return CheckoutOffer(trial: trial, refusal: "There is already a \(live.terms.name) subscription (\(live.status.title))")
            }
            return CheckoutOffer(trial: trial, refusal: nil)
        }
    }

    /// Whether a workspace ever had a subscription (a trial included) or an invoice (R10).
    static func hasBillingHistory(_ sql: any StorageConnection, workspace: Int64) throws -> Bool {
        try sql.exists("SELECT 1 FROM subscriptions WHERE workspace_id = ?", .int(workspace))
            || sql.exists("SELECT 1 FROM invoices WHERE workspace_id = ?", .int(workspace))
    }

    /// Gives a user a personal plan with monthly personal credits (`subscribe --personal`).
    @discardableResult
    public func subscribePersonal(email rawEmail: String, plan tier: String, interval: BillingInterval?,
                                  card: String? = nil) throws -> SubscriptionView {
        let email = try Email.normalize(rawEmail)
        let (plan, chosen) = try validate(tier: tier, interval: interval, seats: 1)
        let user = try store.write { tx in
            let user = try Users.findOrCreate(email: email, in: tx)
            if let live = try SubscriptionRow.live(tx.sql, user: user) { try endOrRefuse(live, tx) }
            if let card { _ = try Charges.saveCard(tx, user: user, number: card) }
            let history = try tx.sql.exists("SELECT 1 FROM subscriptions WHERE user_id = ?", .int(user))
                || tx.sql.exists("SELECT 1 FROM invoices WHERE user_id = ? AND workspace_id IS NULL", .int(user))
            try start(tx, workspace: nil, user: user, payer: user, plan: plan, interval: chosen, seats: 1,
                      strategy: "per_team", trial: !history)
            return user
        }
        return try store.snapshot { try view($0, live: SubscriptionRow.live($0, user: user), walletUser: user, workspace: nil) }
    }

    /// The workspace's plan and subscription: the live one, else the last one that ended (so
    /// its final status shows), else the Free plan.
    public func show(actor: Actor) throws -> SubscriptionView {
        try store.snapshot { sql in
            try view(sql, live: SubscriptionRow.latest(sql, workspace: actor.workspaceID), walletUser: nil, workspace: actor.workspaceID)
        }
    }

    /// Changes plan or interval (R15): an upgrade now, with a prorated charge and a
    /// `Subscription switch compensation` grant; a downgrade (to Free too) at the period end.
    /// Every change between paid plans, up or down, needs `confirmed` (`--yes`); without it
    /// nothing is written and the error says what the change would do and when.
    public func change(actor: Actor, plan tier: String, interval: BillingInterval?, confirmed: Bool) throws -> PlanChange {
        try Permissions.require(actor.role, .manageSubscription)
        let catalog = store.catalog
        return try store.write { tx in
            var s = try SubscriptionRow.running(tx.sql, workspace: actor.workspaceID, or: "There is no subscription to change: subscribe first")
            let quote = try PlanChangeQuote.quote(
                from: s.schedule, terms: .init(name: s.terms.name, seatPriceCents: s.terms.seatPrice(s.interval),
                                               creditsPerSeat: Credits(millicredits: s.terms.creditsPerSeat)),
                to: tier, interval: interval, in: catalog, at: tx.now)
            guard !quote.needsConfirmation || confirmed else { throw CofferError(quote.confirmationRequest) }
            let target = catalog.plan(quote.tier)!
            let newInterval = quote.interval
            let subject = "\(s.plan) \(s.interval.rawValue) → \(target.tier) \(newInterval.rawValue)"
            guard case .now(let cents) = quote.effect else {
                s.scheduledPlan = target.tier
                s.scheduledInterval = quote.scheduledInterval
                try s.save(tx.sql)
                let at = quote.takesEffectAt
                try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue,
                             action: "subscription.downgrade", subject: subject, after: at.map { "at \(UTC.iso($0))" } ?? "at resume")
                return .scheduled(at: at)
            }
            let newTerms = PlanTerms(target)
            guard try Charges.charge(tx, payer: s.payer(tx.sql), workspace: s.workspace, subscription: s.id, cents: cents,
                                     description: "Upgrade to \(target.name), \(newInterval.rawValue) (prorated)",
                                     key: "sub\(s.id):upgrade:\(tx.now):\(target.tier):\(newInterval.rawValue)") else {
                throw CofferError("Your card was declined: the plan was not changed")
            }
            let compensation = try replacePeriodGrants(s, with: target, tx)
            s.plan = target.tier
            s.terms = newTerms
            s.interval = newInterval
            s.scheduledPlan = nil
            s.scheduledInterval = nil
            s.creditAnchor = tx.now
            s.creditIndex = 0
            if s.status != .trialing { s.billingAnchor = tx.now; s.billingIndex = 0 }
            let settlement = Settlement(tx)
            if s.assigned { try settlement.grantPeriod(s) }
            try s.save(tx.sql)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: "subscription.upgrade",
                         subject: subject, after: "charged \(Money.cents(cents)), compensation \(compensation)")
            return .upgraded(chargedCents: cents, compensation: compensation)
        }
    }

    /// Cancels at the period end, or now (R12). A paused subscription whose paid period is already
    /// over (or a paused trial) has no period left to run, so it ends now.
    public func cancel(actor: Actor, now immediately: Bool) throws -> SubscriptionView {
        try lifecycle(actor: actor, action: immediately ? "subscription.cancel-now" : "subscription.cancel") { s, tx in
            let nothingLeft = s.schedule.pausedWithNothingPaid(at: tx.now)
            if immediately || nothingLeft {
                s.status = try Lifecycle.next(s.status, on: .cancelNow)
                s.endedAt = tx.now
            } else {
                _ = try Lifecycle.next(s.status, on: .periodEndedCanceled)
                s.cancelAtPeriodEnd = true
            }
        }
    }

    /// Pauses the subscription until resumed (R12): no spending, no grants, no charges; what it
    /// was paused from and when are kept for the resume (R12a).
    public func pause(actor: Actor) throws -> SubscriptionView {
        try lifecycle(actor: actor, action: "subscription.pause") { s, tx in
            let from = s.status
            s.status = try Lifecycle.next(s.status, on: .pause)
            s.pausedFrom = from
            s.pausedAt = tx.now
            s.grantWithheld = true
        }
    }

    /// Resumes a paused subscription (R12a): a trial keeps its remaining days; a paid period still
    /// running goes on; otherwise it is charged at once. The current period's credits arrive if
    /// they were withheld and the new status allows them (R13).
    public func resume(actor: Actor) throws -> SubscriptionView {
        try lifecycle(actor: actor, action: "subscription.resume") { s, tx in
            _ = try Lifecycle.next(s.status, on: .resume)
            try Settlement(tx).resume(&s)
        }
    }

    /// Retries the open payment now (R12). The attempt is recorded either way; a failure
    /// throws its reason after the record is committed.
    public func retry(actor: Actor) throws -> SubscriptionView {
        try Permissions.require(actor.role, .manageSubscription)
        let failure = try store.write { tx -> String? in
            guard let s = try SubscriptionRow.live(tx.sql, workspace: actor.workspaceID) else {
                throw CofferError("There is no subscription to retry")
            }
            let paid = try Settlement(tx).retryNow(s)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue,
                         action: "subscription.retry", subject: actor.workspaceSlug, after: paid ? "paid" : "failed")
            return paid ? nil : try Charges.lastFailure(tx, subscription: s.id) ?? "declined"
        }
        if let failure { throw CofferError("The payment failed: \(failure)") }
        return try show(actor: actor)
    }

    private func lifecycle(actor: Actor, action: String, _ change: (inout SubscriptionRow, WriteContext) throws -> Void) throws -> SubscriptionView {
        try Permissions.require(actor.role, .manageSubscription)
        try store.write { tx in
            guard var s = try SubscriptionRow.live(tx.sql, workspace: actor.workspaceID) else {
                throw CofferError("There is no subscription to change: subscribe first")
            }
            let before = s.status
            try change(&s, tx)
            try s.save(tx.sql)
            try tx.audit(workspace: actor.workspaceID, actor: actor.email, role: actor.role.rawValue, action: action,
                         subject: actor.workspaceSlug, before: before.rawValue,
                         after: s.cancelAtPeriodEnd && s.endedAt == nil ? "cancels at \(UTC.iso(s.billingEnd))" : s.status.rawValue)
        }
        return try show(actor: actor)
    }

    private func validate(tier: String, interval: BillingInterval?, seats: Int64) throws -> (Plan, BillingInterval) {
        guard let plan = store.catalog.plan(tier) else { throw CofferError("No plan \(CofferError.quote(tier)) (see coffer plans)") }
        guard !plan.isFree else { throw CofferError("The Free plan needs no subscription: every workspace starts on it") }
        let chosen = interval ?? plan.intervals[0]
        guard plan.intervals.contains(chosen) else {
            throw CofferError("The \(plan.name) plan is sold \(plan.intervals.map(\.rawValue).joined(separator: " or "))")
        }
        guard (1...plan.maxSeats).contains(seats) else {
            throw CofferError("The \(plan.name) plan has 1 to \(plan.maxSeats) seat\(plan.maxSeats == 1 ? "" : "s")")
        }
        return (plan, chosen)
    }

    /// An Unpaid subscription is closed so the workspace can subscribe again (R12); any other
    /// live one refuses a second checkout.
    private func endOrRefuse(_ live: SubscriptionRow, _ tx: WriteContext) throws {
        guard live.status == .unpaid else {
            throw CofferError("There is already a \(live.terms.name) subscription (\(live.status.title)): use coffer subscription change")
        }
        var ended = live
        ended.endedAt = tx.now
        try ended.save(tx.sql)
    }

    /// Creates the subscription row and starts it: a trial, or the first charge (R10, R12).
    private func start(_ tx: WriteContext, workspace: Int64?, user: Int64?, payer: Int64, plan: Plan,
                       interval: BillingInterval, seats: Int64, strategy: String, trial: Bool) throws {
        let trialing = trial && plan.trialDays > 0
        let hasCard = try tx.sql.exists("SELECT 1 FROM cards WHERE user_id = ?", .int(payer))
        guard trialing || hasCard else {
            throw CofferError("Add a card first: --card NUMBER (or coffer billing card NUMBER)")
        }
        let id = try tx.sql.insert("""
            INSERT INTO subscriptions(workspace_id, user_id, plan, interval, seats, strategy, status, terms,
                                      credit_anchor, billing_anchor, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'incomplete', ?, ?, ?, ?)
            """, .int(workspace), .int(user), .text(plan.tier), .text(interval.rawValue), .int(seats), .text(strategy),
                       .text(PlanTerms(plan).json), .int(tx.now), .int(tx.now), .int(tx.now))
        var s = try SubscriptionRow.load(tx.sql, id: id)
        if trialing {
            s.status = try Lifecycle.next(nil, on: .trialStarted)
            s.trialEnd = tx.now + plan.trialDays * UTC.day
        } else {
            let paid = try Charges.charge(tx, payer: payer, workspace: workspace, subscription: s.id, cents: s.periodPrice,
                                          description: "\(s.label): first period", key: "sub\(s.id):first")
            s.status = try Lifecycle.next(nil, on: paid ? .firstPaymentSucceeded : .firstPaymentFailed)
            s.incompleteSince = paid ? nil : tx.now
        }
        if CreditPolicy.of(s.status).periodGrants { try Settlement(tx).grantPeriod(s) } else { s.grantWithheld = true }
        try s.save(tx.sql)
    }

    /// On upgrade, the old plan's period grants end; the unused part of its period credits comes
    /// back as a `Subscription switch compensation` grant (R15), prorated by the second (R4).
    private func replacePeriodGrants(_ s: SubscriptionRow, with target: Plan, _ tx: WriteContext) throws -> Credits {
        let ledger = try tx.ledger()
        let accounts = try Settlement(tx).walletAccounts(s)
        var remainingCredits: Int64 = 0
        var pool: Int64?
        let grants = try tx.sql.all("""
            SELECT g.id, g.account_id, a.asset, g.remaining FROM grants g JOIN accounts a ON a.id = g.account_id
            WHERE g.account_id IN (\(accounts.map(String.init).joined(separator: ",")))
              AND g.remaining > 0 AND g.source = 'subscription_renewal' AND g.expires_at = ?
            """, .int(s.creditEnd)) { (id: $0.int(0), account: $0.int(1), asset: Asset(code: $0.text(2)), remaining: $0.int(3)) }
        for grant in grants {
            try ledger.expire(grant: grant.id, account: grant.account, asset: grant.asset, amount: grant.remaining)
            if grant.asset == .credits {
                remainingCredits += grant.remaining
                pool = grant.account
                if let workspace = s.workspace {
                    try ledger.recordAdjustment(workspace: workspace, account: grant.account, type: .creditExpiration,
                                                amount: -grant.remaining, detail: "Replaced on upgrade to \(target.name)")
                }
            }
        }
        let compensation = try PlanChangeQuote.compensation(of: s.schedule, creditsPerSeat: Credits(millicredits: s.terms.creditsPerSeat),
                                                            remaining: Credits(millicredits: remainingCredits), at: tx.now)
        if compensation.millicredits > 0, let pool {
            let newEnd = UTC.addingMonths(1, to: tx.now)
            // A team's compensation goes to its pool, also under PER_SEAT where the old credits sat in seat wallets.
            let target = try s.workspace.map { try ledger.account(.teamPool, workspace: $0, asset: .credits) } ?? pool
            try ledger.grant(to: target, asset: .credits, amount: compensation.millicredits, from: .grants,
                             type: .subscriptionSwitchCompensation, detail: "Unused \(s.terms.name) credits (prorated)",
                             expiresAt: newEnd, workspace: s.workspace)
        }
        return compensation
    }

    private func view(_ sql: any StorageConnection, live: SubscriptionRow?, walletUser: Int64?, workspace: Int64?) throws -> SubscriptionView {
        let catalog = store.catalog
        let remaining = try sql.int(workspace != nil
            ? "SELECT balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ? AND asset = 'credits'"
            : "SELECT balance FROM accounts WHERE kind = 'personal' AND user_id = ? AND asset = 'credits'",
            .int(workspace ?? walletUser)) ?? 0
        guard let s = live else {
            let free = catalog.freePlan
            return SubscriptionView(tier: free.tier, name: free.name, description: free.description, features: free.features,
                                    status: nil, interval: nil, seats: 1, strategy: "per_team", pricePerSeatCents: 0,
                                    periodPriceCents: 0, periodEnd: nil, nextRefresh: nil, cancelAtPeriodEnd: false,
                                    scheduledPlan: nil, trialEnd: nil, remainingCredits: Credits(millicredits: remaining),
                                    cardLast4: nil, assigned: true, ended: false)
        }
        let plan = catalog.plan(s.plan)
        let payer = try s.payer(sql)
        let live = s.endedAt == nil && !s.status.isFinal
        return SubscriptionView(
            tier: s.plan, name: s.terms.name, description: plan?.description ?? "", features: plan?.features ?? [],
            status: s.status, interval: s.interval, seats: s.seats, strategy: s.strategy,
            pricePerSeatCents: s.terms.seatPrice(s.interval), periodPriceCents: s.periodPrice,
            periodEnd: live ? (s.status == .trialing ? s.trialEnd : s.billingEnd) : nil,
            nextRefresh: live && s.status != .incomplete ? s.creditEnd : nil,
            cancelAtPeriodEnd: s.cancelAtPeriodEnd && live, scheduledPlan: s.scheduledPlan,
            trialEnd: s.status == .trialing ? s.trialEnd : nil, remainingCredits: Credits(millicredits: remaining),
            cardLast4: try sql.text("SELECT last4 FROM cards WHERE user_id = ?", .int(payer)),
            assigned: s.assigned, ended: s.endedAt != nil,
            upcoming: live ? s.schedule.upcomingEvents(after: store.now) { tier, interval, seats in
                // The terms it was bought under until it changes plan (R9); a scheduled plan's from the catalog.
                (tier == s.plan ? s.terms.seatPrice(interval) : catalog.plan(tier)?.seatPriceCents(interval)).flatMap { try? checked($0, times: seats) }
            } : [])
    }
}
