import CofferCore

/// One wallet's balance in one asset, as shown by `coffer balance`.
public struct WalletBalance: Sendable, Equatable {
    public let kind: WalletKind
    /// Who holds it: the workspace name for the team pool, an email for seat and personal wallets.
    public let holder: String
    public let asset: Asset
    /// Thousandths of a credit or of a unit.
    public let balance: Int64
    public let unlimited: Bool
}

/// What `coffer balance` reports for the acting user.
public struct BalanceReport: Sendable, Equatable {
    public let workspace: String
    public let wallets: [WalletBalance]
    /// When recurring credits next refresh (none on the Free plan).
    public let nextRefresh: Timestamp?
    /// Auto-recharge settings (the team's, or each seat's) and this period's spend.
    public let recharge: [RechargeState]
    /// Recent auto-recharge outcomes, newest first: `recharged`, `refused` or `declined` with a message.
    public let rechargeLog: [(outcome: String, message: String, time: Timestamp)]
    /// The low-balance alert amount, if set.
    public let alertThreshold: Credits?
    /// Recent alerts from the outbox, newest first.
    public let alerts: [(kind: String, message: String, time: Timestamp)]
    /// When the team pool runs out at the last 30 days' rate of spending (SPEC §9).
    public let runway: Runway
    /// Team pool credits that expire within the next 7 days, and the earliest such expiry.
    public let expiringSoon: (credits: Credits, first: Timestamp?)
    /// The wallet whose credits pay for the viewer's usage first (R29): the team pool, their seat
    /// (PER_SEAT, Seat access; the pool after it) or their personal wallet (Personal access).
    public var payer: WalletKind = .teamPool

    public static func == (a: BalanceReport, b: BalanceReport) -> Bool {
        a.workspace == b.workspace && a.wallets == b.wallets && a.nextRefresh == b.nextRefresh && a.recharge == b.recharge
            && a.alertThreshold == b.alertThreshold && a.alerts.map(\.message) == b.alerts.map(\.message)
            && a.rechargeLog.map(\.message) == b.rechargeLog.map(\.message)
            && a.runway == b.runway && a.expiringSoon.credits == b.expiringSoon.credits && a.expiringSoon.first == b.expiringSoon.first
            && a.payer == b.payer
    }
}

extension BalanceReport {
    /// The team pool's credits.
    public var poolCredits: Credits { Self.poolCredits(in: wallets) }

    /// The credits of the wallet that pays for the viewer (``payer``): what they have left to spend.
    public var payerCredits: Credits {
        Credits(millicredits: wallets.first { $0.kind == payer && $0.asset == .credits && !$0.unlimited
            && ($0.kind == .teamPool || $0.holder == viewerEmail) }?.balance ?? 0)
    }

    /// The viewer's email: the holder of the personal wallet every report lists.
    var viewerEmail: String? { wallets.first { $0.kind == .personal }?.holder }

    /// The team pool's credits among `wallets` (zero when there is none).
    static func poolCredits(in wallets: [WalletBalance]) -> Credits {
        Credits(millicredits: wallets.first { $0.kind == .teamPool && $0.asset == .credits }?.balance ?? 0)
    }
}

/// How long the team pool lasts at the last 30 days' rate of spending (SPEC §9 "runway").
public struct Runway: Sendable, Equatable {
    /// Credits the workspace's usage records charged over the last 30 days (``days(endingAt:)``).
    public let spentLast30Days: Credits
    /// When the pool's credits run out at that rate; nil when nothing was spent (or nothing is left).
    public let runsOutAt: Timestamp?

    /// The runway of `balance` at `spent` per 30 days, from `now`.
    public init(balance: Credits, spentLast30Days spent: Credits, now: Timestamp) {
        spentLast30Days = spent
        guard spent.millicredits > 0, balance.millicredits > 0 else { runsOutAt = balance.millicredits <= 0 && spent.millicredits > 0 ? now : nil; return }
        let (product, overflow) = balance.millicredits.multipliedReportingOverflow(by: 30 * UTC.day)
        let seconds = overflow ? Int64.max / 2 : product / spent.millicredits
        runsOutAt = now.addingReportingOverflow(seconds).overflow ? nil : now + seconds
    }

    /// The UTC days (day numbers since the epoch) the rate of spending is measured over: the day of
    /// `now` and the 29 before it — the Billing tab's 30-day sparkline shows the same days.
    public static func days(endingAt now: Timestamp) -> ClosedRange<Int64> {
        let today = UsageFilter.dayStart(now) / UTC.day
        return today - 29...today
    }

    /// The runway as a phrase: a date, `now`, or why there is none.
    public var phrase: String {
        guard let runsOutAt else { return "no spending in the last 30 days" }
        return "\(UTC.dateString(runsOutAt)) at \(spentLast30Days) per 30 days"
    }
}

/// The balances a user may see (R7: everyone sees the team pool; each user their own wallets).
public struct Balances: Sendable {
    let store: CofferStore

    /// The balances use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// The wallets visible to `actor`: the team pool (every asset) and the actor's personal credits.
    /// The report's reads are independent of one another but for the auto-recharge spend (which
    /// needs the credit period): they are declared ahead, so PostgreSQL answers them in one round trip.
    public func report(for actor: Actor) throws -> BalanceReport {
        let workspace = actor.workspaceID
        let reads = BalanceReads(actor: actor, now: store.now)
        return try store.snapshot { sql in
            try sql.readAhead(reads.all + [SubscriptionRow.liveQuery(workspace: workspace), TeamRules.createdQuery(workspace: workspace),
                                           MemberRow.findQuery(workspace: workspace, email: actor.email),
                                           UsageDaily.creditsQuery(workspace: workspace, days: Runway.days(endingAt: store.now))])
            var wallets = try sql.all(reads.pool) { row in
                WalletBalance(kind: .teamPool, holder: actor.workspaceName, asset: Asset(code: row.text(0)),
                              balance: row.int(1), unlimited: false)
            }
            // Seat wallets (PER_SEAT, R27): one's own; owners see every seat's.
            wallets += try sql.all(reads.seats) { row in
                WalletBalance(kind: .seat, holder: row.text(2), asset: Asset(code: row.text(0)), balance: row.int(1), unlimited: false)
            }
            let personal = try sql.all(reads.personal) { row in
                WalletBalance(kind: .personal, holder: actor.email, asset: Asset(code: row.text(0)), balance: row.int(1), unlimited: false)
            }
            if personal.isEmpty {
                wallets.append(WalletBalance(kind: .personal, holder: actor.email, asset: .credits, balance: 0, unlimited: false))
            }
            wallets += personal
            let live = try SubscriptionRow.live(sql, workspace: actor.workspaceID)
            // Unlimited allowances have no balance to keep (R33); they are listed as unlimited, once:
            // an empty wallet of the same kind and service left by an earlier plan gives way to that row
            // (a leftover that still holds units stays listed until it is used or expires).
            if let live, !live.status.isFinal, live.assigned {
                for item in live.terms.allowances where item.amount == nil && (item.team || actor.role == .primaryOwner) {
                    let unlimited = WalletBalance(kind: item.team ? (live.strategy == "per_seat" ? .seat : .teamPool) : .personal,
                                                  holder: item.team ? (live.strategy == "per_seat" ? "every seat" : actor.workspaceName) : actor.email,
                                                  asset: .service(item.service), balance: 0, unlimited: true)
                    guard !wallets.contains(where: { $0.unlimited && $0.kind == unlimited.kind && $0.asset == unlimited.asset }) else { continue }
                    let empty = { (w: WalletBalance) in w.kind == unlimited.kind && w.asset == unlimited.asset && !w.unlimited && w.balance == 0 }
                    if let index = wallets.firstIndex(where: empty) {
                        wallets[index] = unlimited
                        wallets.removeAll { empty($0) }
                    } else {
                        wallets.append(unlimited)
                    }
                }
            }
            let refresh = live.flatMap { $0.status.isFinal || $0.status == .incomplete ? nil : $0.creditEnd }
            let period = try TeamRules.creditPeriod(sql, workspace: workspace, now: store.now, live: live)
            let recharge = try Self.rechargeStates(sql, workspace: workspace, periodStart: period.start)
            let log = try sql.all(reads.rechargeLog) { (outcome: $0.text(0), message: $0.text(1), time: $0.int(2)) }
            let alerts = try sql.all(reads.alerts) { (kind: $0.text(0), message: $0.text(1), time: $0.int(2)) }
            let threshold = try sql.first(reads.threshold) { $0.optionalInt(0) } ?? nil
            let pool = BalanceReport.poolCredits(in: wallets)
            var report = BalanceReport(workspace: actor.workspaceSlug, wallets: wallets, nextRefresh: refresh, recharge: recharge,
                                       rechargeLog: log, alertThreshold: threshold.map(Credits.init), alerts: alerts,
                                       runway: Runway(balance: pool, spentLast30Days: try spentLast30Days(sql, workspace: workspace), now: store.now),
                                       expiringSoon: try expiringSoon(sql, reads.expiring, live: live))
            report.payer = try payer(sql, actor: actor, live: live)
            return report
        }
    }

    /// The wallet that pays for `actor`'s usage of a model first (R29, WhoPays): Personal access, or
    /// no assigned team plan, pays from the personal wallet (R32).
    private func payer(_ sql: any StorageConnection, actor: Actor, live: SubscriptionRow?) throws -> WalletKind {
        guard let member = try MemberRow.find(sql, workspace: actor.workspaceID, email: actor.email) else { return .personal }
        guard live.map({ $0.assigned && !$0.status.isFinal }) ?? true else { return .personal }
        let route = WhoPays.route(access: member.access, perSeat: live?.strategy == "per_seat", isPrimaryOwner: false,
                                  ownerOnlyItem: false, teamMayUse: true)
        switch route.first {
        case .personal?: return .personal
        case .seat?: return .seat
        default: return .teamPool
        }
    }

    /// Credits charged by the workspace's usage records over the runway's 30 days (the daily rollup).
    private func spentLast30Days(_ sql: any StorageConnection, workspace: Int64) throws -> Credits {
        try Credits.sum(UsageDaily.credits(sql, workspace: workspace, days: Runway.days(endingAt: store.now)))
    }

    /// Team pool credits that will expire within 7 days of now, and the first such expiry (R21, SPEC §9).
    ///
    /// A grant the subscription's next credit refresh closes loses only what that refresh expires
    /// (`Rollover.atRefresh`: what exceeds the plan's rollover cap, or everything on a plan without
    /// rollover; rolled-over credits whole). Any other grant that falls due in the window — one
    /// expiring before the refresh, or after the subscription ends — expires whole.
    private func expiringSoon(_ sql: any StorageConnection, _ grantsDue: Query, live: SubscriptionRow?) throws -> (credits: Credits, first: Timestamp?) {
        let refresh = try refreshClosing(live)
        var total: Int64 = 0
        var first: Timestamp?
        let grants = try sql.all(grantsDue) {
            (source: $0.text(0), amount: $0.int(1), remaining: $0.int(2), expiresAt: $0.int(3))
        }
        for grant in grants {
            // Settlement takes a subscription's refresh before grants due at the same moment, and a
            // grant due earlier expires on its own, whole.
            let expires = if let refresh, grant.expiresAt == refresh.at {
                try Rollover.atRefresh(asset: .credits, source: grant.source, amount: grant.amount, remaining: grant.remaining,
                                       capPercent: refresh.capPercent).expires
            } else {
                grant.remaining
            }
            guard expires > 0 else { continue }
            total += expires
            first = min(first ?? grant.expiresAt, grant.expiresAt)
        }
        return (Credits(millicredits: total), first)
    }

    /// When the live subscription's next credit refresh will close the period (R21), and under
    /// which plan's rollover cap; nil when no refresh will (no subscription, a final or Incomplete
    /// status, or the subscription ends first). What falls due up to the refresh is CofferCore's
    /// `SettlementPass` at the refresh's time, as `Settlement` runs it (every charge taken as
    /// paid): the subscription may end first (a trial or billing period that ends it), or switch
    /// to a scheduled downgrade, whose plan's cap then applies.
    private func refreshClosing(_ live: SubscriptionRow?) throws -> (at: Timestamp, capPercent: Int64)? {
        guard let s = live, s.endedAt == nil, !s.status.isFinal, s.status != .incomplete else { return nil }
        var cap = s.terms.rolloverCapPercent
        var pass = SettlementPass(s.schedule, at: s.creditEnd)
        while let work = pass.next() {
            switch work {
            case .refreshCredits:
                return (s.creditEnd, cap)
            case .switchToScheduledPlan(let tier, _):
                // The terms a subscription keeps (R9) become the new plan's, as `Settlement` switches them.
                cap = store.catalog.plan(tier)?.rolloverCapPercent ?? cap
            default:
                break
            }
            try pass.complete(work)
        }
        return nil
    }

    /// Auto-recharge settings (the team's, then each seat's) with what each spent in the credit
    /// period starting at `periodStart` (R34).
    static func rechargeStates(_ sql: any StorageConnection, workspace: Int64, periodStart: Timestamp) throws -> [RechargeState] {
        try sql.all("""
            SELECT r.enabled, r.threshold, r.amount, r.max_period_spend, u.email,
                   (SELECT spent FROM recharge_spend p WHERE p.workspace_id = r.workspace_id AND p.seat_id = r.seat_id AND p.period_start = ?)
            FROM recharge_settings r LEFT JOIN seats s ON s.id = r.seat_id LEFT JOIN users u ON u.id = s.user_id
            WHERE r.workspace_id = ? ORDER BY r.seat_id
            """, .int(periodStart), .int(workspace)) { row in
            RechargeState(seat: row.optionalText(4), settings: RechargeSettings(enabled: row.bool(0), threshold: Credits(millicredits: row.int(1)),
                          amount: Credits(millicredits: row.int(2)), maxPeriodSpend: row.optionalInt(3).map(Credits.init)),
                          spentThisPeriod: Credits(millicredits: row.optionalInt(5) ?? 0))
        }
    }

    /// The team pool's credit balance of a workspace.
    public func teamPoolCredits(workspace: Int64) throws -> Credits {
        try store.snapshot { sql in
            Credits(millicredits: try sql.int("""
                SELECT balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ? AND asset = 'credits'
                """, .int(workspace)) ?? 0)
        }
    }
}

/// The reads of a balance report that depend only on who asks and when (`Balances.report`).
private struct BalanceReads {
    let pool, seats, personal, rechargeLog, alerts, threshold, expiring: Query

    init(actor: Actor, now: Timestamp) {
        let workspace = Bind.int(actor.workspaceID)
        pool = Query("""
            SELECT asset, balance FROM accounts WHERE kind = 'team_pool' AND workspace_id = ?
            ORDER BY asset != 'credits', asset
            """, workspace)
        seats = Query("""
            SELECT a.asset, a.balance, u.email FROM accounts a JOIN seats s ON s.id = a.seat_id JOIN users u ON u.id = s.user_id
            WHERE a.kind = 'seat' AND a.workspace_id = ? AND s.removed_at IS NULL AND (? = 1 OR s.user_id = ?)
            ORDER BY u.email, a.asset != 'credits', a.asset
            """, workspace, .bool(Permissions.allows(actor.role, .manageSeats)), .int(actor.userID))
        personal = Query("""
            SELECT asset, balance FROM accounts WHERE kind = 'personal' AND user_id = ?
            ORDER BY asset != 'credits', asset
            """, .int(actor.userID))
        rechargeLog = Query("SELECT outcome, message, created_at FROM recharge_log WHERE workspace_id = ? ORDER BY id DESC LIMIT 5", workspace)
        alerts = Query("SELECT kind, message, created_at FROM alerts WHERE workspace_id = ? ORDER BY id DESC LIMIT 5", workspace)
        threshold = Query("SELECT alert_threshold FROM workspaces WHERE id = ?", workspace)
        // Team pool grants with credits that expire within 7 days (`expiringSoon`).
        expiring = Query("""
            SELECT g.source, g.amount, g.remaining, g.expires_at FROM grants g JOIN accounts a ON a.id = g.account_id
            WHERE a.kind = 'team_pool' AND a.workspace_id = ? AND a.asset = 'credits'
              AND g.remaining > 0 AND g.expires_at > ? AND g.expires_at <= ?
            """, workspace, .int(now), .int(now + 7 * UTC.day))
    }

    var all: [Query] { [pool, seats, personal, rechargeLog, alerts, threshold, expiring] }
}
