/// What a change of plan or interval does (R15), decided before anything is written: an
/// upgrade takes effect now with a prorated charge; a downgrade (to Free too) waits for the end
/// of the current period. Every change between paid plans asks for confirmation first.
public struct PlanChangeQuote: Equatable, Sendable {
    /// The terms the subscription was bought under (R9), as the change prices them.
    public struct CurrentTerms: Equatable, Sendable {
        /// The plan's name (`Pro`).
        public let name: String
        /// The price of one seat for one period of the current interval, in cents.
        public let seatPriceCents: Int64
        /// The credits granted per paid seat each credit period.
        public let creditsPerSeat: Credits

        /// Terms with each value spelled out.
        public init(name: String, seatPriceCents: Int64, creditsPerSeat: Credits) {
            (self.name, self.seatPriceCents, self.creditsPerSeat) = (name, seatPriceCents, creditsPerSeat)
        }
    }

    /// When the change takes effect.
    public enum Effect: Equatable, Sendable {
        /// An upgrade, now, charging this many cents (prorated; nothing during a trial).
        case now(chargeCents: Int64)
        /// A downgrade, at the end of the current period (the trial's end during a trial).
        case atPeriodEnd(Timestamp)
        /// A downgrade of a paused subscription whose billing stands still: when it resumes (R12a).
        case atResume
    }

    /// `Pro, monthly`: the plan changed from.
    public let fromLabel: String
    /// The target plan's tier and name.
    public let tier: String
    public let name: String
    /// The interval after the change.
    public let interval: BillingInterval
    /// Whether the target is the Free plan (a move to Free is a cancellation at period end).
    public let toFree: Bool
    public let effect: Effect

    /// Whether the change takes effect now.
    public var isUpgrade: Bool { if case .now = effect { true } else { false } }

    /// The interval to store with a scheduled downgrade (none for a move to Free).
    public var scheduledInterval: BillingInterval? { toFree ? nil : interval }

    /// When a downgrade takes effect; nil for an upgrade or at resume.
    public var takesEffectAt: Timestamp? { if case .atPeriodEnd(let time) = effect { time } else { nil } }

    /// Every change between paid plans, up or down, needs confirmation (`--yes`, R15); a move to
    /// Free does not.
    public var needsConfirmation: Bool { !toFree }

    /// What an unconfirmed change says it would do and when (R15).
    public var confirmationRequest: String {
        let change = "Changing from \(fromLabel) to \(name), \(interval.rawValue) takes effect"
        switch effect {
        case .now(let cents):
            return "\(change) now and charges \(Money.cents(cents)) (prorated): run again with --yes to confirm"
        case .atPeriodEnd(let time):
            return "\(change) at the end of the current period, on \(UTC.dateString(time)); nothing is charged now: run again with --yes to confirm"
        case .atResume:
            return "\(change) when the subscription is resumed; nothing is charged now: run again with --yes to confirm"
        }
    }

    /// Quotes the change of `schedule` (bought under `terms`) to plan `tier` and `interval` (nil:
    /// the current interval if the target sells it, else the target's first) at `now` (R15).
    ///
    /// An upgrade is a tier later in the catalog, or monthly (or one-time) → yearly on the same
    /// tier; everything else, and any move to Free, is a downgrade. Refused: an unknown plan; an
    /// interval the target is not sold in; more seats than it allows; the plan and interval the
    /// subscription already has; an upgrade while not Active or Trialing.
    public static func quote(from schedule: SubscriptionSchedule, terms: CurrentTerms, to tier: String,
                             interval: BillingInterval?, in catalog: Catalog, at now: Timestamp) throws -> PlanChangeQuote {
        guard let target = catalog.plan(tier) else { throw CofferError("No plan \(CofferError.quote(tier)) (see coffer plans)") }
        let chosen = interval ?? (target.intervals.contains(schedule.interval) ? schedule.interval : target.intervals[0])
        guard target.isFree || target.intervals.contains(chosen) else {
            throw CofferError("The \(target.name) plan is sold \(target.intervals.map(\.rawValue).joined(separator: " or "))")
        }
        guard target.isFree || schedule.seats <= target.maxSeats else {
            throw CofferError("The \(target.name) plan has at most \(target.maxSeats) seat\(target.maxSeats == 1 ? "" : "s")")
        }
        guard target.tier != schedule.plan || chosen != schedule.interval else {
            throw CofferError("The subscription is already on \(target.name), \(chosen.rawValue)")
        }
        let rank = { (tier: String) in catalog.plans.firstIndex { $0.tier == tier } ?? 0 }
        let upgrade = rank(target.tier) > rank(schedule.plan)
            || (target.tier == schedule.plan && chosen == .yearly && schedule.interval != .yearly)
        let label = "\(terms.name), \(schedule.interval.rawValue)"
        func quote(_ effect: Effect) -> PlanChangeQuote {
            PlanChangeQuote(fromLabel: label, tier: target.tier, name: target.name, interval: chosen, toFree: target.isFree, effect: effect)
        }
        guard upgrade, !target.isFree else { return quote(downgradeEffect(of: schedule, toFree: target.isFree, at: now)) }
        guard schedule.status.isActive else {
            throw CofferError("Your subscription is \(schedule.status.title): pay the open invoice first (coffer subscription retry)")
        }
        return quote(.now(chargeCents: try upgradeCharge(of: schedule, terms: terms,
                                                         newSeatPriceCents: target.seatPriceCents(chosen), at: now)))
    }

    /// When a downgrade of `schedule` takes effect (R15, R12a): at the trial's end during a trial,
    /// at the billing period's end otherwise, and at the resume for a paused subscription.
    /// A paused subscription's billing stands still: a downgrade waits for the resume, while a move
    /// to Free ends it with its paid period if one is still running.
    public static func downgradeEffect(of schedule: SubscriptionSchedule, toFree: Bool = false, at now: Timestamp) -> Effect {
        if schedule.pausedWithNothingPaid(at: now) || (schedule.status == .paused && !toFree) { return .atResume }
        return .atPeriodEnd(schedule.status == .trialing ? (schedule.trialEnd ?? schedule.billingEnd) : schedule.billingEnd)
    }

    /// The prorated charge of an upgrade (R15, R4): the new seat price × seats, less the unused
    /// part of the current billing period's price (by the second, half-up to the cent), never
    /// below zero; nothing during a trial.
    public static func upgradeCharge(of schedule: SubscriptionSchedule, terms: CurrentTerms, newSeatPriceCents: Int64,
                                     at now: Timestamp) throws -> Int64 {
        guard schedule.status != .trialing else { return 0 }
        let periodPrice = try checked(terms.seatPriceCents, times: schedule.seats)
        let unused = try Proration.cents(periodPrice, remaining: schedule.billingEnd - now,
                                         of: schedule.billingEnd - schedule.billingStart)
        return max(0, try checked(checked(newSeatPriceCents, times: schedule.seats), minus: unused))
    }

    /// The `Subscription switch compensation` of an upgrade (R15, R4): the unused part of the old
    /// plan's period credits (credits per seat × seats) for what is left of the credit period, by
    /// the second, half-up to the millicredit — never more than `remaining`, what is left of those
    /// credits now.
    public static func compensation(of schedule: SubscriptionSchedule, creditsPerSeat: Credits, remaining: Credits,
                                    at now: Timestamp) throws -> Credits {
        let prorated = try Proration.credits(creditsPerSeat.multiplied(by: schedule.seats),
                                             remaining: schedule.creditEnd - now, of: schedule.creditEnd - schedule.creditStart)
        return min(remaining, prorated)
    }
}
