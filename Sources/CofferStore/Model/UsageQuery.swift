import CofferCore

/// A usage listing's filters as text (SPEC §8), as `coffer usage --from … --sort …` and the
/// query parameters of `GET /v1/usage/{tab}` give them: one reading for both front ends.
public struct UsageQuery: Sendable, Equatable {
    public var tab: UsageTab
    public var from, to, last, search, type, apiKey, sort: String?

    /// A query of `tab` with the given texts.
    public init(tab: UsageTab, from: String? = nil, to: String? = nil, last: String? = nil, search: String? = nil,
                type: String? = nil, apiKey: String? = nil, sort: String? = nil) {
        self.tab = tab
        (self.from, self.to, self.last, self.search, self.type, self.apiKey, self.sort) = (from, to, last, search, type, apiKey, sort)
    }

    /// Refuses what cannot be read, naming what is valid: a quick pick, a sort for the tab.
    public func validate() throws {
        _ = try last.map { try UsageFilter.quickPick($0, now: 0) }
        _ = try sortOrder()
    }

    /// The filter, with `now` for quick picks; `from`/`to` are inclusive UTC days.
    public func filter(now: Timestamp) throws -> UsageFilter {
        var filter = try last.map { try UsageFilter.quickPick($0, now: now) }
            ?? UsageFilter.days(from: try from.map(UTC.parse), to: try to.map(UTC.parse))
        filter.search = search
        filter.type = type.map { tab == .adjustments ? Self.adjustmentType($0) : $0 }
        filter.apiKey = apiKey
        return filter
    }

    /// The sort, validated for the tab.
    public func sortOrder() throws -> UsageSort? { try sort.map { try UsageSort.parse($0, tab: tab) } }

    /// Accepts `Admin adjustment`, `admin_adjustment` or `admin-adjustment`.
    static func adjustmentType(_ text: String) -> String {
        let code = text.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        return AdjustmentType.allCases.first { $0.rawValue == code }?.rawValue ?? text
    }
}
