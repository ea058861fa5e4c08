import CofferCore
import Foundation
import Synchronization

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
        if let cached = cache.withLock({ $0[text] }) { return cached }
        let terms = try JSONDecoder().decode(PlanTerms.self, from: Data(text.utf8))
        cache.withLock { if $0.count < 1_000 { $0[text] = terms } }
        return terms
    }

    /// A small memo of decoded terms (a hot path reads them for every debit).
    private static let cache = Mutex<[String: PlanTerms]>([:])
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

    /// The columns `init(_:)` reads, in order.
    static let columns = """
        id, workspace_id, user_id, plan, interval, seats, strategy, status, terms, credit_anchor, credit_index,
        billing_anchor, billing_index, trial_end, cancel_at_period_end, scheduled_plan, scheduled_interval,
        incomplete_since, failed_at, retries, grant_withheld, assigned, ended_at, scheduled_seats, paused_at, paused_from
        """

    /// A row of `columns`, decoded by index (a hot path reads it for every debit).
    init(_ row: any StorageRow) throws {
        id = row.int(0); workspace = row.optionalInt(1); user = row.optionalInt(2)
        let id = self.id
        /// A stored value this build does not know is an error naming the row, never a guess.
        func known<T>(_ raw: String?, _ column: String, _ parse: (String) -> T?) throws -> T? {
            guard let raw else { return nil }
            guard let value = parse(raw) else {
                throw CofferError("Subscription \(id) has an unknown \(column) \(CofferError.quote(raw)): run coffer check, or upgrade Coffer")
            }
            return value
        }
        plan = row.text(3)
        interval = try known(row.text(4), "interval", BillingInterval.init(rawValue:))!
        seats = row.int(5); strategy = row.text(6)
        status = try known(row.text(7), "status", SubscriptionStatus.init(rawValue:))!
        terms = try PlanTerms.decode(row.text(8))
        creditAnchor = row.int(9); creditIndex = row.int(10)
        billingAnchor = row.int(11); billingIndex = row.int(12)
        trialEnd = row.optionalInt(13); cancelAtPeriodEnd = row.bool(14)
        scheduledPlan = row.optionalText(15)
        scheduledInterval = try known(row.optionalText(16), "scheduled_interval", BillingInterval.init(rawValue:))
        incompleteSince = row.optionalInt(17); failedAt = row.optionalInt(18); retries = row.int(19)
        grantWithheld = row.bool(20); assigned = row.bool(21); endedAt = row.optionalInt(22)
        scheduledSeats = row.optionalInt(23); pausedAt = row.optionalInt(24)
        pausedFrom = try known(row.optionalText(25), "paused_from", SubscriptionStatus.init(rawValue:))
    }

    /// The first subscription `condition` selects (a fixed SQL condition with `?` bindings).
    private static func first(_ sql: any StorageConnection, where condition: String, _ values: [Bind]) throws -> SubscriptionRow? {
        try first(sql, Query("SELECT \(columns) FROM subscriptions WHERE \(condition)", values))
    }

    private static func first(_ sql: any StorageConnection, _ query: Query) throws -> SubscriptionRow? {
        try sql.first(query) { try SubscriptionRow($0) }
    }

    /// The workspace's subscription that has not ended, if any.
    static func live(_ sql: any StorageConnection, workspace: Int64) throws -> SubscriptionRow? {
        try first(sql, liveQuery(workspace: workspace))
    }

    /// The statement `live` runs (for `readAhead`).
    static func liveQuery(workspace: Int64) -> Query {
        Query("SELECT \(columns) FROM subscriptions WHERE workspace_id = ? AND ended_at IS NULL", .int(workspace))
    }

    /// The workspace's latest subscription, running or ended.
    static func latest(_ sql: any StorageConnection, workspace: Int64) throws -> SubscriptionRow? {
        try first(sql, where: "workspace_id = ? ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1", [.int(workspace)])
    }

    /// The workspace's standing under the credit policy (R13) and its subscription that has not
    /// ended, if any: the latest subscription decides, ended or not, unless it ended by a move to Free.
    static func standing(_ sql: any StorageConnection, workspace: Int64) throws -> (standing: TeamStanding, live: SubscriptionRow?) {
        guard let latest = try latest(sql, workspace: workspace) else { return (.freePlan, nil) }
        if latest.endedAt != nil {
            return (latest.endedOnFree ? .freePlan : .subscription(latest.status), nil)
        }
        return (.subscription(latest.status), latest)
    }

    /// True for a subscription that ended because it was moved to the Free plan (R15).
    var endedOnFree: Bool { endedAt != nil && scheduledPlan == "free" }

    /// The workspace's subscription that is still running (not ended, not in a final status), or
    /// the error `missing`.
    static func running(_ sql: any StorageConnection, workspace: Int64, or missing: @autoclosure () -> String) throws -> SubscriptionRow {
        guard let live = try live(sql, workspace: workspace), !live.status.isFinal else { throw CofferError(missing()) }
        return live
    }

    /// The user's personal subscription that has not ended, if any.
    static func live(_ sql: any StorageConnection, user: Int64) throws -> SubscriptionRow? {
        try first(sql, where: "user_id = ? AND ended_at IS NULL", [.int(user)])
    }

    /// The subscription with this id.
    static func load(_ sql: any StorageConnection, id: Int64) throws -> SubscriptionRow {
        guard let row = try first(sql, where: "id = ?", [.int(id)]) else { throw CofferError("No subscription \(id)") }
        return row
    }

    /// The fields that decide what falls due and when (R12, R12a, R15a), as CofferCore's pure value.
    var schedule: SubscriptionSchedule {
        get {
            SubscriptionSchedule(status: status, plan: plan, interval: interval, seats: seats, creditAnchor: creditAnchor,
                                 creditIndex: creditIndex, billingAnchor: billingAnchor, billingIndex: billingIndex, trialEnd: trialEnd,
                                 cancelAtPeriodEnd: cancelAtPeriodEnd, scheduledPlan: scheduledPlan, scheduledInterval: scheduledInterval,
                                 scheduledSeats: scheduledSeats, incompleteSince: incompleteSince, failedAt: failedAt, retries: retries,
                                 pausedAt: pausedAt, pausedFrom: pausedFrom, grantWithheld: grantWithheld, assigned: assigned,
                                 endedAt: endedAt)
        }
        set {
            (status, plan, interval, seats) = (newValue.status, newValue.plan, newValue.interval, newValue.seats)
            (creditAnchor, creditIndex, billingAnchor, billingIndex) = (newValue.creditAnchor, newValue.creditIndex,
                                                                        newValue.billingAnchor, newValue.billingIndex)
            (trialEnd, cancelAtPeriodEnd) = (newValue.trialEnd, newValue.cancelAtPeriodEnd)
            (scheduledPlan, scheduledInterval, scheduledSeats) = (newValue.scheduledPlan, newValue.scheduledInterval, newValue.scheduledSeats)
            (incompleteSince, failedAt, retries) = (newValue.incompleteSince, newValue.failedAt, newValue.retries)
            (pausedAt, pausedFrom) = (newValue.pausedAt, newValue.pausedFrom)
            (grantWithheld, assigned, endedAt) = (newValue.grantWithheld, newValue.assigned, newValue.endedAt)
        }
    }

    /// Months in one billing period.
    var billingMonths: Int64 { schedule.billingMonths }
    var billingStart: Timestamp { schedule.billingStart }
    var billingEnd: Timestamp { schedule.billingEnd }
    var creditStart: Timestamp { schedule.creditStart }
    var creditEnd: Timestamp { schedule.creditEnd }
    /// What one billing period costs, in cents (R20: per paid seat).
    var periodPrice: Int64 { terms.seatPrice(interval) * seats }
    /// A short `Pro, monthly` for invoices and adjustment details (R22).
    var label: String { "\(terms.name), \(interval.rawValue)" }

    /// The next moment something falls due for this subscription (R15a), if any.
    var nextDue: Timestamp? { schedule.nextDue }

    /// Writes the mutable fields back, with the recomputed due time.
    func save(_ sql: any StorageConnection) throws {
        try sql.run("""
            UPDATE subscriptions SET plan = ?, interval = ?, seats = ?, strategy = ?, status = ?, terms = ?,
              credit_anchor = ?, credit_index = ?, billing_anchor = ?, billing_index = ?, trial_end = ?,
              cancel_at_period_end = ?, scheduled_plan = ?, scheduled_interval = ?, incomplete_since = ?,
              failed_at = ?, retries = ?, grant_withheld = ?, assigned = ?, ended_at = ?, next_due_at = ?, scheduled_seats = ?,
              paused_at = ?, paused_from = ?
            WHERE id = ?
            """, .text(plan), .text(interval.rawValue), .int(seats), .text(strategy), .text(status.rawValue), .text(terms.json),
                 .int(creditAnchor), .int(creditIndex), .int(billingAnchor), .int(billingIndex), .int(trialEnd),
                 .bool(cancelAtPeriodEnd), .text(scheduledPlan), .text(scheduledInterval?.rawValue), .int(incompleteSince),
                 .int(failedAt), .int(retries), .bool(grantWithheld), .bool(assigned), .int(endedAt), .int(endedAt == nil ? nextDue : nil),
                 .int(scheduledSeats), .int(pausedAt), .text(pausedFrom?.rawValue), .int(id))
    }

    /// Who pays: the workspace's primary owner, or the personal subscriber.
    func payer(_ sql: any StorageConnection) throws -> Int64 {
        if let user { return user }
        guard let owner = try sql.int("SELECT user_id FROM members WHERE workspace_id = ? AND role = 'primary_owner'", .int(workspace)) else {
            throw CofferError("Workspace \(workspace ?? 0) has no primary owner")
        }
        return owner
    }
}
