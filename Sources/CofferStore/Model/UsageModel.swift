import CofferCore

/// The filters of a tab (SPEC §7). Dates are `[from, to)`; `--from/--to` days are inclusive.
public struct UsageFilter: Sendable, Equatable {
    public var from: Timestamp?
    public var to: Timestamp?
    /// Conversation ID, title or (owners only) creator.
    public var search: String?
    /// Billing type (message, image, video), import type (brand, product) or adjustment type.
    public var type: String?
    public var apiKey: String?

    /// No filter.
    public init(from: Timestamp? = nil, to: Timestamp? = nil, search: String? = nil, type: String? = nil, apiKey: String? = nil) {
        (self.from, self.to, self.search, self.type, self.apiKey) = (from, to, search, type, apiKey)
    }

    /// Whether any filter is set (the summary bar shows then).
    public var isActive: Bool { from != nil || to != nil || !(search ?? "").isEmpty || type != nil || apiKey != nil }

    /// The 7 × 24 hours (or 30 × 24) before `now` (SPEC §7).
    public static func lastDays(_ days: Int64, now: Timestamp) -> UsageFilter {
        UsageFilter(from: now - days * UTC.day, to: now + 1)
    }

    /// Since the same moment `months` calendar months ago (SPEC §7).
    public static func lastMonths(_ months: Int64, now: Timestamp) -> UsageFilter {
        UsageFilter(from: UTC.addingMonths(-months, to: now), to: now + 1)
    }

    /// Inclusive days, UTC: from the first day's midnight to the end of the last day.
    public static func days(from: Timestamp?, to: Timestamp?) -> UsageFilter {
        UsageFilter(from: from.map(dayStart), to: to.map { dayStart($0) + UTC.day })
    }

    /// A quick pick by name: `7d`, `30d` or `3m`.
    public static func quickPick(_ name: String, now: Timestamp) throws -> UsageFilter {
        switch name {
        case "7d": lastDays(7, now: now)
        case "30d": lastDays(30, now: now)
        case "3m": lastMonths(3, now: now)
        default: throw CofferError("Quick picks are 7d, 30d or 3m (not \(CofferError.quote(name)))")
        }
    }

    /// Midnight UTC of the day `t` falls in.
    public static func dayStart(_ t: Timestamp) -> Timestamp { UTC.dayNumber(t) * UTC.day }
}

/// Where a page ends: the sort value and the row's id (keyset pagination, never OFFSET).
public struct UsageCursor: Sendable, Equatable, Hashable {
    public let value: Int64
    public let id: Int64

    /// A cursor after the row with this sort value and id.
    public init(value: Int64, id: Int64) {
        self.value = value
        self.id = id
    }

    /// `value.id`, for the command line.
    public var text: String { "\(value).\(id)" }

    /// Parses `value.id`.
    public init?(text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let value = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(value: value, id: id)
    }
}

/// One row of a tab, with exactly the columns of SPEC §7 (the user only for owners, R7).
public struct UsageRow: Sendable, Equatable {
    /// Conversation ID, call ID, task ID, or the adjustment's type.
    public let key: String
    public let title: String?
    /// Messages (conversations).
    public let messages: Quantity?
    /// Credits; the signed amount for adjustments.
    public let credits: Credits
    public let user: String?
    public let billingType: BillingType?
    public let apiKey: String?
    public let importType: ImportType?
    public let url: String?
    public let detail: String?
    /// Updated At (conversations) or Created At.
    public let time: Timestamp
    public let cursor: UsageCursor
}

/// One page of a tab.
public struct UsagePage: Sendable, Equatable {
    public let rows: [UsageRow]
    /// The cursor for the next page, when there is one.
    public let next: UsageCursor?
}

/// The totals of a filtered tab (the summary bar): conversations → messages, credits,
/// conversations; calls → calls, credits; imports → imports, credits; adjustments → count, net amount.
public struct UsageSummary: Sendable, Equatable {
    /// Conversations, calls, imports or adjustments.
    public let count: Int64
    /// Messages (conversations).
    public let messages: Quantity
    /// Credits, or the net amount for adjustments.
    public let credits: Credits
}

/// A conversation's billing detail sheet: every charge line.
public struct ChargeLine: Sendable, Equatable {
    /// What one charge line drew from one grant.
    public struct GrantDraw: Sendable, Equatable {
        public let grant: Int64
        /// How the grant came to be: an `AdjustmentType` code, or `rollover`.
        public let source: String
        public let detail: String
        /// Credits, or units of a service's allowance.
        public let amount: Amount
    }
    public let eventID: String
    public let time: Timestamp
    public let service: String
    public let billingType: BillingType?
    public let quantity: Quantity?
    public let credits: Credits
    /// Allowance units drawn.
    public let units: Quantity
    public let user: String?
    public let grants: [GrantDraw]
}
