import CofferCore

/// Settles time-based work (R15a): trial ends, renewals, retries, Incomplete → Incomplete
/// expired, scheduled changes, credit refreshes with rollover and expiry (R21). Each event is
/// stamped with its due time, in due-time order, so settling once after a year equals settling
/// every day.
struct Settlement {
    let tx: WriteContext

    init(_ tx: WriteContext) { self.tx = tx }

    /// What one settlement did.
    enum Outcome: Equatable {
        case settled(events: Int)
        /// The clock is behind the last settled time: nothing was settled.
        case clockBehind(settledUntil: Timestamp)
    }

    /// Settles everything due up to the transaction's time.
    func settleDue() throws -> Outcome {
        let now = tx.now
        let settledUntil = try tx.sql.metaInt("settled_until")
        if let settledUntil, now < settledUntil { return .clockBehind(settledUntil: settledUntil) }
        var events = 0
        while true {
            let due = try tx.sql.one("""
                SELECT id, next_due_at FROM subscriptions WHERE next_due_at IS NOT NULL AND next_due_at <= ?
                ORDER BY next_due_at, id LIMIT 1
                """, .int(now)) { (id: $0.int(0), time: $0.int(1)) }
            let expiring = try tx.sql.int("""
                SELECT min(expires_at) FROM grants WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?
                """, .int(now))
            if let due, expiring == nil || due.time <= expiring! {
                let time = due.time
                tx.setTime(time)
                let subscription = try SubscriptionRow.load(tx.sql, id: due.id)
                let advanced = try advance(subscription, at: time)
                guard advanced.endedAt != nil || (advanced.nextDue ?? .max) > time else {
                    throw CofferError("Settlement could not advance subscription \(advanced.id) past \(UTC.iso(time))")
                }
            } else if let expiring {
                tx.setTime(expiring)
                try expireGrants(dueBy: expiring, reason: "Expired")
            } else {
                break
            }
            events += 1
        }
        tx.setTime(now)
        try tx.sql.setMeta("settled_until", String(now))
        return .settled(events: events)
    }

    /// Takes one subscription through everything due at `time`, in R12's order as CofferCore's
    /// `SettlementPass` decides it; this does each item's side effects: charges, grants, rollover.
    private func advance(_ original: SubscriptionRow, at time: Timestamp) throws -> SubscriptionRow {
        var s = original
        var pass = SettlementPass(s.schedule, at: time)
        while let work = pass.next() {
            var paid = true
            switch work {
            case .switchToScheduledPlan(let tier, _):
                // The terms a subscription keeps until it changes plan (R9) are the new plan's from now.
                if let plan = tx.catalog.plan(tier) { s.terms = PlanTerms(plan) }
            case .chargeFirstPeriodAfterTrial:
                paid = try charge(s, cents: s.periodPrice, what: "\(s.label): first period after the trial", key: "trial-end")
            case .chargeRenewal:
                paid = try charge(s, cents: s.periodPrice, what: "\(s.label): renewal", key: "renewal:\(s.billingAnchor):\(s.billingIndex)")
            case .retry(let attempt):
                paid = try charge(s, cents: s.periodPrice, what: "\(s.label): retry \(attempt)",
                                  key: "retry:\(s.failedAt ?? time):\(s.retries)")
            case .deliverWithheldGrant, .grantPeriod:
                try grantPeriod(s)
            case .refreshCredits:
                try closeCreditPeriod(s, at: time)
            case .applySeatsAtRefresh(let seats, let chargedFirst) where chargedFirst:
                let cents = try s.schedule.operatorSeatsCharge(seatsTo: seats, seatPriceCents: s.terms.seatPrice(s.interval), at: time)
                paid = try charge(s, cents: cents, what: "\(seats - s.seats) more seat\(seats - s.seats == 1 ? "" : "s") set by your account manager (prorated)",
                                  key: "operator-seats:\(time):\(s.seats)+\(seats - s.seats)")
            default:
                break
            }
            try pass.complete(work, paid: paid)
            s.schedule = pass.schedule
        }
        try s.save(tx.sql)
        return s
    }

    /// Resumes a paused subscription (R12a): a trial goes on with the days it had left; a paid
    /// period still running goes on; otherwise the period is charged at once (success → Active,
    /// failure → Past due), or the subscription ends if it was set to end with its period.
    func resume(_ s: inout SubscriptionRow) throws {
        let now = tx.now
        let decision = ResumeDecision.decide(pausedFrom: s.pausedFrom ?? .active, pausedAt: s.pausedAt ?? now,
                                             trialEnd: s.trialEnd, paidUntil: s.billingEnd, now: now)
        s.creditIndex = UTC.monthlyPeriod(anchor: s.creditAnchor, containing: now).index
        switch decision {
        case .continueTrial(let trialEnd):
            s.status = try Lifecycle.next(s.status, on: .resumeTrial)
            s.trialEnd = trialEnd
        case .continuePaidPeriod:
            s.status = try Lifecycle.next(s.status, on: .resume)
        case .chargeNow:
            if s.cancelAtPeriodEnd || s.scheduledPlan == "free" {
                _ = try end(&s, on: .periodEndedCanceled, at: now)
                return
            }
            try switchToScheduledPlan(&s, at: now)
            s.billingAnchor = now
            s.billingIndex = 0
            let paid = try charge(s, cents: s.periodPrice, what: "\(s.label): resumed", key: "resume:\(s.pausedAt ?? now):\(now)")
            s.status = try Lifecycle.next(s.status, on: paid ? .resumeCharged : .resumeChargeFailed)
            s.failedAt = paid ? nil : now
            s.retries = 0
        }
        s.pausedAt = nil
        s.pausedFrom = nil
        try grantWithheldPeriod(&s)
    }

    /// A user-initiated retry of the open payment (`subscription retry`, or a new card) (R12).
    /// The attempt is recorded either way; true when it paid and the subscription is Active.
    func retryNow(_ original: SubscriptionRow) throws -> Bool {
        var s = original
        guard s.status.awaitsPayment else {
            _ = try Lifecycle.next(s.status, on: .retryPaid)
            return false
        }
        let attempt = try tx.sql.int("SELECT count(*) FROM invoices WHERE subscription_id = ?", .int(s.id)) ?? 0
        let what = s.status == .incomplete ? "\(s.label): first period" : "\(s.label): payment retry"
        guard try charge(s, cents: s.periodPrice, what: what, key: "manual-retry:\(attempt)") else {
            if s.status == .incomplete { _ = try Lifecycle.next(s.status, on: .retryFailed) }
            return false
        }
        if s.status == .unpaid || s.status == .incomplete {
            s.billingAnchor = tx.now
            s.billingIndex = 0
        }
        s.status = try Lifecycle.next(s.status, on: .retryPaid)
        s.incompleteSince = nil
        s.failedAt = nil
        s.retries = 0
        s.creditIndex = UTC.monthlyPeriod(anchor: s.creditAnchor, containing: tx.now).index
        try grantWithheldPeriod(&s)
        try s.save(tx.sql)
        return true
    }

    /// Grants a credit period withheld while the subscription could not receive grants (R13),
    /// for what is left of the current credit period.
    func grantWithheldPeriod(_ s: inout SubscriptionRow) throws {
        guard s.grantWithheld, CreditPolicy.of(s.status).periodGrants, s.assigned else { return }
        try grantPeriod(s)
        s.grantWithheld = false
    }

    /// The period grant (R20: credits per seat × paid seats) and the allowance items (R9a),
    /// expiring when the current credit period ends.
    func grantPeriod(_ s: SubscriptionRow) throws {
        if s.strategy == "per_seat", let workspace = s.workspace {
            let seats = try tx.sql.all("SELECT id, multiplier FROM seats WHERE workspace_id = ? AND removed_at IS NULL ORDER BY id",
                                       .int(workspace)) { (id: $0.int(0), multiplier: $0.int(1)) }
            for seat in seats { try grantSeat(s, seat: seat.id, multiplier: seat.multiplier) }
            try grantOwnerItems(s)
            return
        }
        let ledger = try tx.ledger()
        let expires = s.creditEnd
        let credits = s.terms.creditsPerSeat * s.seats
        let payer = try s.payer(tx.sql)
        let creditWallet = if let workspace = s.workspace {
            try ledger.account(.teamPool, workspace: workspace, asset: .credits)
        } else {
            try ledger.account(.personal, user: payer, asset: .credits)
        }
        if credits > 0 {
            try ledger.grant(to: creditWallet, asset: .credits, amount: credits, from: .grants, type: .subscriptionRenewal,
                             detail: s.label, expiresAt: expires, workspace: s.workspace)
        }
        for item in s.terms.allowances {
            guard let amount = item.amount else { continue } // unlimited: no balance to keep (R33)
            let asset = Asset.service(item.service)
            let wallet = if let workspace = s.workspace, item.team {
                try ledger.account(.teamPool, workspace: workspace, asset: asset)
            } else {
                try ledger.account(.personal, user: payer, asset: asset)
            }
            try ledger.grant(to: wallet, asset: asset, amount: amount, from: .grants, type: .subscriptionRenewal,
                             detail: s.label, expiresAt: expires, workspace: s.workspace)
        }
    }

    /// A seat's allotment under PER_SEAT (R27): credits and team allowance items × multiplier
    /// (unlimited stays unlimited), expiring when the credit period ends.
    func grantSeat(_ s: SubscriptionRow, seat: Int64, multiplier: Int64) throws {
        guard let workspace = s.workspace else { return }
        let ledger = try tx.ledger()
        let credits = s.terms.creditsPerSeat * multiplier
        if credits > 0 {
            try ledger.grant(to: ledger.account(.seat, workspace: workspace, seat: seat, asset: .credits), asset: .credits,
                             amount: credits, from: .grants, type: .subscriptionRenewal, detail: "\(s.label), seat allotment",
                             expiresAt: s.creditEnd, workspace: workspace)
        }
        for item in s.terms.allowances where item.team {
            guard let amount = item.amount else { continue }
            let asset = Asset.service(item.service)
            try ledger.grant(to: ledger.account(.seat, workspace: workspace, seat: seat, asset: asset), asset: asset,
                             amount: amount * multiplier, from: .grants, type: .subscriptionRenewal, detail: s.label,
                             expiresAt: s.creditEnd, workspace: workspace)
        }
    }

    /// The primary owner's personal allowance items (R9a).
    private func grantOwnerItems(_ s: SubscriptionRow) throws {
        let ledger = try tx.ledger()
        let payer = try s.payer(tx.sql)
        for item in s.terms.allowances where !item.team {
            guard let amount = item.amount else { continue }
            let asset = Asset.service(item.service)
            try ledger.grant(to: ledger.account(.personal, user: payer, asset: asset), asset: asset, amount: amount,
                             from: .grants, type: .subscriptionRenewal, detail: s.label, expiresAt: s.creditEnd,
                             workspace: s.workspace)
        }
    }

    /// Ends a credit period (R21): period credits roll over up to the plan's cap and the rest
    /// expire (`Credit expiration`), or everything resets (`Package reset`) on plans without
    /// rollover; rolled-over credits and allowances simply expire.
    func closeCreditPeriod(_ s: SubscriptionRow, at time: Timestamp) throws {
        let ledger = try tx.ledger()
        let cap = s.terms.rolloverCapPercent
        let nextEnd = UTC.addingMonths(s.creditIndex + 2, to: s.creditAnchor)
        for grant in try dueGrants(in: walletAccounts(s), by: time) {
            let split = try Rollover.atRefresh(asset: grant.asset, source: grant.source, amount: grant.amount,
                                               remaining: grant.remaining, capPercent: cap)
            if split.expires > 0 {
                let reason = split.expiryType == .packageReset ? "\(s.terms.name) has no rollover: period credits reset"
                    : split.rollsOver > 0 || (grant.source == AdjustmentType.subscriptionRenewal.rawValue && grant.asset == .credits)
                    ? "Beyond the \(cap)% rollover cap of \(s.terms.name)"
                    : grant.source == "rollover" ? "Rolled-over credits expire after one period" : "Period ended"
                try expire(grant, amount: split.expires, type: split.expiryType, reason: reason)
            }
            if split.rollsOver > 0 {
                // Under PER_SEAT a seat's unused credits roll over into the team pool (R27).
                let target = grant.kind == .seat && s.workspace != nil
                    ? try ledger.account(.teamPool, workspace: s.workspace!, asset: .credits) : grant.account
                try ledger.move(grant: grant.id, from: grant.account, to: target, asset: .credits, amount: split.rollsOver,
                                expiresAt: nextEnd, detail: "Rolled over from \(UTC.dateString(s.creditStart))")
            }
        }
    }

    /// Expires every grant due by `time` (those no live subscription settles itself).
    func expireGrants(dueBy time: Timestamp, reason: String) throws {
        let accounts = try tx.sql.ints("""
            SELECT DISTINCT account_id FROM grants WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY account_id
            """, .int(time))
        for grant in try dueGrants(in: accounts, by: time) {
            try expire(grant, amount: grant.remaining, type: .creditExpiration, reason: reason)
        }
    }

    /// A grant that has fallen due, with its wallet.
    struct DueGrant {
        let id: Int64, account: Int64, kind: WalletKind, workspace: Int64?, asset: Asset, amount: Int64, remaining: Int64, source: String
    }

    private func dueGrants(in accounts: [Int64], by time: Timestamp) throws -> [DueGrant] {
        guard !accounts.isEmpty else { return [] }
        return try tx.sql.all("""
            SELECT g.id, g.account_id, a.kind, a.workspace_id, a.asset, g.amount, g.remaining, g.source FROM grants g
            JOIN accounts a ON a.id = g.account_id
            WHERE g.account_id IN (\(accounts.map(String.init).joined(separator: ",")))
              AND g.remaining > 0 AND g.expires_at IS NOT NULL AND g.expires_at <= ?
            ORDER BY g.expires_at, g.id
            """, .int(time)) {
            DueGrant(id: $0.int(0), account: $0.int(1), kind: WalletKind(rawValue: $0.text(2)) ?? .system, workspace: $0.optionalInt(3),
                     asset: Asset(code: $0.text(4)), amount: $0.int(5), remaining: $0.int(6), source: $0.text(7))
        }
    }

    private func expire(_ grant: DueGrant, amount: Int64, type: AdjustmentType, reason: String) throws {
        let ledger = try tx.ledger()
        try ledger.expire(grant: grant.id, account: grant.account, asset: grant.asset, amount: amount)
        if grant.asset == .credits, let workspace = grant.workspace {
            try ledger.recordAdjustment(workspace: workspace, account: grant.account, type: type, amount: -amount, detail: reason)
        }
    }

    /// The wallets a subscription's grants land in.
    func walletAccounts(_ s: SubscriptionRow) throws -> [Int64] {
        if let workspace = s.workspace {
            let payer = try s.payer(tx.sql)
            let ownerAssets = s.terms.allowances.filter { !$0.team }.map(\.service)
            // Owner-only allowance items land in the payer's personal wallet (R9a); slugs come from the catalog.
            let owned = ownerAssets.isEmpty ? "" : " OR (kind = 'personal' AND user_id = ? AND asset IN (\(ownerAssets.map { "'\($0)'" }.joined(separator: ","))))"
            let sql = "SELECT id FROM accounts WHERE (kind IN ('team_pool', 'seat') AND workspace_id = ?)\(owned) ORDER BY id"
            return try tx.sql.all(sql, ownerAssets.isEmpty ? [.int(workspace)] : [.int(workspace), .int(payer)]) { $0.int(0) }
        }
        return try tx.sql.ints("SELECT id FROM accounts WHERE kind = 'personal' AND user_id = ? ORDER BY id", .int(s.user))
    }

    private func end(_ s: inout SubscriptionRow, on event: LifecycleEvent, at time: Timestamp) throws -> SubscriptionRow {
        s.status = try Lifecycle.next(s.status, on: event)
        s.endedAt = time
        try s.save(tx.sql)
        return s
    }

    /// A scheduled downgrade (R15) takes effect at the period end: new terms, billing restarts.
    private func switchToScheduledPlan(_ s: inout SubscriptionRow, at time: Timestamp) throws {
        guard let tier = s.scheduledPlan, let plan = tx.catalog.plan(tier) else { return }
        s.plan = tier
        s.terms = PlanTerms(plan)
        s.interval = s.scheduledInterval ?? s.interval
        s.scheduledPlan = nil
        s.scheduledInterval = nil
        s.billingAnchor = time
        s.billingIndex = 0
    }

    private func charge(_ s: SubscriptionRow, cents: Int64, what: String, key: String) throws -> Bool {
        try Charges.charge(tx, payer: s.payer(tx.sql), workspace: s.workspace, subscription: s.id, cents: cents,
                           description: what, key: "sub\(s.id):\(key)")
    }
}
