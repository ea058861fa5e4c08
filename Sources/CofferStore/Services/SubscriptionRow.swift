import CofferCore
import Foundation
import GRDB

/// The terms a subscription was bought under (R9: kept until it changes plan).
struct PlanTerms: Codable, Equatable {
    struct Item: Codable, Equatable {
        let service: String
        /// Thousandths of a unit per period; nil = unlimited.
        let amount: Int64?
        let team: Bool
    }
    let tier: String
    let name: String
    let monthlyCents: Int64
    let yearlyCents: Int64
    let creditsPerSeat: Int64
    let rolloverCapPercent: Int64
    let trialDays: Int64
    let selfServeSeats: Bool
    let allowances: [Item]

    init(_ plan: Plan) {
        tier = plan.tier; name = plan.name
        monthlyCents = plan.pricePerSeatMonthCents; yearlyCents = plan.pricePerSeatYearCents
        creditsPerSeat = plan.monthlyCreditsPerSeat.millicredits; rolloverCapPercent = plan.rolloverCapPercent
        trialDays = plan.trialDays; selfServeSeats = plan.selfServeSeats
        allowances = plan.allowances.map { Item(service: $0.service, amount: $0.amount?.milliunits, team: $0.isTeamAllowed) }
    }

    /// The price per seat for one billing period of `interval`, in cents.
    func seatPrice(_ interval: BillingInterval) -> Int64 { interval == .yearly ? yearlyCents : monthlyCents }

    var json: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }

    /// Decodes stored terms; the few distinct texts a database holds are decoded once per process.
    static func decode(_ text: String) throws -> PlanTerms {
        if let cached = cache.lookup(text) { return cached }
        let terms = try JSONDecoder().decode(PlanTerms.self, from: Data(text.utf8))
        cache.store(text, terms)
        return terms
    }

    private static let cache = TermsCache()

    /// A small, locked memo of decoded terms (a hot path reads them for every debit).
    private final class TermsCache: @unchecked Sendable {
        private let lock = NSLock()
        private var decoded: [String: PlanTerms] = [:]
        func lookup(_ text: String) -> PlanTerms? { lock.withLock { decoded[text] } }
        func store(_ text: String, _ terms: PlanTerms) { lock.withLock { if decoded.count < 1_000 { decoded[text] = terms } } }
    }
}

/// One row of `subscriptions`, with the calendar it implies (R4a, R14).
struct SubscriptionRow {
    let id: Int64
    let workspace: Int64?
    let user: Int64?
    var plan: String
    var interval: BillingInterval
    var seats: Int64
    var strategy: String
    var status: SubscriptionStatus
    var terms: PlanTerms
    var creditAnchor: Timestamp
    var creditIndex: Int64
    var billingAnchor: Timestamp
    var billingIndex: Int64
    var trialEnd: Timestamp?
    var cancelAtPeriodEnd: Bool
    var scheduledPlan: String?
    var scheduledInterval: BillingInterval?
    var incompleteSince: Timestamp?
    var failedAt: Timestamp?
    var retries: Int64
    var grantWithheld: Bool
    var assigned: Bool
    var endedAt: Timestamp?
    /// Seats an operator set, effective from the next credit period (R9).
    var scheduledSeats: Int64?
    /// When the subscription was paused, and the status it was paused from (R12a).
    var pausedAt: Timestamp?
    var pausedFrom: SubscriptionStatus?

    init(_ row: Row) throws {
        id = row["id"]; workspace = row["workspace_id"]; user = row["user_id"]
        let id = self.id
        /// A stored value this build does not know is an error naming the row, never a guess.
        func known<T>(_ value: T?, _ column: String, _ raw: String?) throws -> T {
            guard let value else {
                throw CofferError("Subscription \(id) has an unknown \(column) \(CofferError.quote(raw ?? "NULL")): run coffer check, or upgrade Coffer")
            }
            return value
        }
        plan = row["plan"]
        interval = try known((row["interval"] as String?).flatMap(BillingInterval.init(rawValue:)), "interval", row["interval"])
        seats = row["seats"]; strategy = row["strategy"]
        status = try known((row["status"] as String?).flatMap(SubscriptionStatus.init(rawValue:)), "status", row["status"])
        let rawPausedFrom: String? = row["paused_from"]
        pausedFrom = try rawPausedFrom.map { try known(SubscriptionStatus(rawValue: $0), "paused_from", $0) }
        pausedAt = row["paused_at"]
        terms = try PlanTerms.decode(row["terms"])
        creditAnchor = row["credit_anchor"]; creditIndex = row["credit_index"]
        billingAnchor = row["billing_anchor"]; billingIndex = row["billing_index"]
        trialEnd = row["trial_end"]; cancelAtPeriodEnd = row["cancel_at_period_end"]
        scheduledPlan = row["scheduled_plan"]
        let rawScheduled: String? = row["scheduled_interval"]
        scheduledInterval = try rawScheduled.map { try known(BillingInterval(rawValue: $0), "scheduled_interval", $0) }
        incompleteSince = row["incomplete_since"]; failedAt = row["failed_at"]; retries = row["retries"]
        grantWithheld = row["grant_withheld"]; assigned = row["assigned"]; endedAt = row["ended_at"]
        scheduledSeats = row["scheduled_seats"]
    }

    /// The workspace's subscription that has not ended, if any.
    static func live(_ db: Database, workspace: Int64) throws -> SubscriptionRow? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM subscriptions WHERE workspace_id = ? AND ended_at IS NULL"),
                         arguments: [workspace]).map(SubscriptionRow.init)
    }

    /// The workspace's standing under the credit policy (R13) and its subscription that has not
    /// ended, if any: the latest subscription decides, ended or not, unless it ended by a move to Free.
    static func standing(_ db: Database, workspace: Int64) throws -> (standing: TeamStanding, live: SubscriptionRow?) {
        guard let latest = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM subscriptions WHERE workspace_id = ? ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1
            """), arguments: [workspace]).map(SubscriptionRow.init) else { return (.freePlan, nil) }
        if latest.endedAt != nil {
            return (latest.endedOnFree ? .freePlan : .subscription(latest.status), nil)
        }
        return (.subscription(latest.status), latest)
    }

    /// True for a subscription that ended because it was moved to the Free plan (R15).
    var endedOnFree: Bool { endedAt != nil && scheduledPlan == "free" }

    /// The workspace's subscription that is still running (not ended, not in a final status), or
    /// the error `missing`.
    static func running(_ db: Database, workspace: Int64, or missing: @autoclosure () -> String) throws -> SubscriptionRow {
        guard let live = try live(db, workspace: workspace), !live.status.isFinal else { throw CofferError(missing()) }
        return live
    }

    /// The user's personal subscription that has not ended, if any.
    static func live(_ db: Database, user: Int64) throws -> SubscriptionRow? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM subscriptions WHERE user_id = ? AND ended_at IS NULL"),
                         arguments: [user]).map(SubscriptionRow.init)
    }

    static func load(_ db: Database, id: Int64) throws -> SubscriptionRow {
        try SubscriptionRow(try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE id = ?", arguments: [id])!)
    }

    /// Months in one billing period.
    var billingMonths: Int64 { interval == .yearly ? 12 : 1 }
    var billingStart: Timestamp { UTC.addingMonths(billingIndex * billingMonths, to: billingAnchor) }
    var billingEnd: Timestamp { UTC.addingMonths((billingIndex + 1) * billingMonths, to: billingAnchor) }
    var creditStart: Timestamp { UTC.addingMonths(creditIndex, to: creditAnchor) }
    var creditEnd: Timestamp { UTC.addingMonths(creditIndex + 1, to: creditAnchor) }
    /// What one billing period costs, in cents (R20: per paid seat).
    var periodPrice: Int64 { terms.seatPrice(interval) * seats }
    /// A short `Pro, monthly` for invoices and adjustment details (R22).
    var label: String { "\(terms.name), \(interval.rawValue)" }

    /// The next moment something falls due for this subscription (R15a), if any.
    var nextDue: Timestamp? {
        switch status {
        case .incomplete: return incompleteSince.map { $0 + Lifecycle.incompleteWindow }
        case .trialing: return [trialEnd ?? creditEnd, creditEnd].min()
        case .active: return min(billingEnd, creditEnd)
        case .paused:
            // A paused subscription's billing stands still (R12a); only an end it was set for falls due.
            let ends = cancelAtPeriodEnd || scheduledPlan == "free" || interval == .oneTime
            return ends && pausedFrom != .trialing ? min(billingEnd, creditEnd) : creditEnd
        case .pastDue:
            let retry = retries < Lifecycle.retryDays.count ? failedAt.map { $0 + Lifecycle.retryDays[Int(retries)] * UTC.day } : nil
            return [billingEnd, creditEnd, retry].compactMap { $0 }.min()
        case .unpaid, .canceled, .incompleteExpired: return nil
        }
    }

    /// Writes the mutable fields back, with the recomputed due time.
    func save(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE subscriptions SET plan = ?, interval = ?, seats = ?, strategy = ?, status = ?, terms = ?,
              credit_anchor = ?, credit_index = ?, billing_anchor = ?, billing_index = ?, trial_end = ?,
              cancel_at_period_end = ?, scheduled_plan = ?, scheduled_interval = ?, incomplete_since = ?,
              failed_at = ?, retries = ?, grant_withheld = ?, assigned = ?, ended_at = ?, next_due_at = ?, scheduled_seats = ?,
              paused_at = ?, paused_from = ?
            WHERE id = ?
            """, arguments: [plan, interval.rawValue, seats, strategy, status.rawValue, terms.json,
                             creditAnchor, creditIndex, billingAnchor, billingIndex, trialEnd,
                             cancelAtPeriodEnd, scheduledPlan, scheduledInterval?.rawValue, incompleteSince,
                             failedAt, retries, grantWithheld, assigned, endedAt, endedAt == nil ? nextDue : nil, scheduledSeats,
                             pausedAt, pausedFrom?.rawValue, id])
    }

    /// Who pays: the workspace's primary owner, or the personal subscriber.
    func payer(_ db: Database) throws -> Int64 {
        if let user { return user }
        return try Int64.fetchOne(db, sql: "SELECT user_id FROM members WHERE workspace_id = ? AND role = 'primary_owner'",
                                  arguments: [workspace])!
    }
}
