import CofferCore
import CofferStore
import TerminalUI

/// The Usage tab's quick picks of SPEC §7, or everything.
public enum QuickRange: Int, CaseIterable, Sendable {
    case last7, last30, last3m, all

    /// The label shown in the range bar.
    public var title: String {
        switch self {
        case .all: "All time"
        case .last7: "Last 7 days"
        case .last30: "Last 30 days"
        case .last3m: "Last 3 months"
        }
    }
}

/// The date range of the Usage tab: a quick pick stepped back some periods, or custom days.
public enum DateWindow: Sendable, Equatable {
    /// A quick pick ending `back` periods before now (0 = up to now).
    case quick(QuickRange, back: Int)
    /// Inclusive UTC days (midnights).
    case days(from: Timestamp, to: Timestamp)

    /// The quick pick up to now.
    public static func quick(_ range: QuickRange) -> DateWindow { .quick(range, back: 0) }

    /// The filter's dates at `now` (SPEC §7: last 7 / 30 days are 7 / 30 × 24 hours, 3 months calendar months).
    public func filter(now: Timestamp) -> UsageFilter {
        switch self {
        case .quick(.all, _): UsageFilter()
        case .quick(.last7, let back): .lastDays(7, now: now - Int64(back) * 7 * UTC.day)
        case .quick(.last30, let back): .lastDays(30, now: now - Int64(back) * 30 * UTC.day)
        case .quick(.last3m, let back): .lastMonths(3, now: UTC.addingMonths(-3 * Int64(back), to: now))
        case .days(let from, let to): .days(from: from, to: to)
        }
    }

    /// The range one period earlier (`[`), or later (`]`, never past now); nil when it cannot move.
    public func stepped(earlier: Bool, now: Timestamp) -> DateWindow? {
        switch self {
        case .quick(.all, _): return nil
        case .quick(let range, let back):
            if !earlier && back == 0 { return nil }
            return .quick(range, back: back + (earlier ? 1 : -1))
        case .days(let from, let to):
            let length = to - from + UTC.day
            let shift = earlier ? -length : length
            guard earlier || from + shift <= UsageFilter.dayStart(now) else { return nil }
            return .days(from: from + shift, to: to + shift)
        }
    }

    /// The label: the quick pick's name up to now, otherwise what the bar shows.
    public func title(now: Timestamp) -> String {
        if case .quick(let range, 0) = self { return range.title }
        let bar = bar(now: now)
        return bar.name ?? (bar.from == bar.to ? bar.from : "\(bar.from) → \(bar.to)")
    }

    /// What the range bar shows, one model per kind of range (SPEC §7): custom days are whole UTC
    /// days, labelled by their first and last day (one label for one day); a quick pick is an exact
    /// window (7 or 30 × 24 hours, 3 calendar months) labelled to the minute, so a window stepped
    /// back never reads as more days than it covers. The quick pick is active while it runs up to now.
    public func bar(now: Timestamp) -> DateRangeBarState {
        var active: Int?
        if case .quick(let range, 0) = self { active = QuickRange.allCases.firstIndex(of: range) }
        let f = filter(now: now)
        guard let from = f.from, let to = f.to else { return DateRangeBarState(from: "", to: "", name: QuickRange.all.title, activePick: active) }
        if case .days = self { return DateRangeBarState(from: UTC.dateString(from), to: UTC.dateString(to - 1), activePick: active) }
        var bar = DateRangeBarState(from: UTC.short(from), to: UTC.short(to - 1), activePick: active)
        (bar.shortFrom, bar.shortTo) = (String(bar.from.dropFirst(5)), String(bar.to.dropFirst(5))) // without the years
        return bar
    }

    /// The whole UTC days a custom range starts from when the user types their own (`c`): these
    /// days themselves, or for a quick pick as many whole days as it spans, ending on its last day
    /// (Last 30 days → the 30 days up to today, not the 31 its window touches).
    public func wholeDays(now: Timestamp) -> (from: Timestamp, to: Timestamp) {
        if case .days(let from, let to) = self { return (from, to) }
        let f = filter(now: now)
        let last = UsageFilter.dayStart((f.to ?? now + 1) - 1)
        guard let start = f.from else { return (last, last) }
        let count = max(1, (last - UsageFilter.dayStart(start)) / UTC.day)
        return (last - (count - 1) * UTC.day, last)
    }

    /// The quick pick this range comes from, up to now or stepped back (nil for custom days).
    public var pick: QuickRange? {
        if case .quick(let range, _) = self { return range }
        return nil
    }
}

/// What the Usage tab asks for: the records tab, date range, search, type filter and sort.
public struct UsageView: Sendable, Equatable {
    public var tab: UsageTab
    public var window: DateWindow
    public var search: String = ""
    /// Billing type, import type or adjustment type — or the API key on Calls; nil for all.
    public var type: String?
    /// One of `tab.sortFields` (the first: newest first).
    public var sortField: SortField
    public var descending: Bool = true

    /// A view of `tab` over `window`, newest first, unfiltered otherwise.
    public init(tab: UsageTab = .conversations, window: DateWindow = .quick(.last30)) {
        self.tab = tab
        self.window = window
        sortField = UsageSort.newest(tab).field
    }

    /// The sort as the queries take it.
    public var sort: UsageSort { UsageSort(field: sortField, descending: descending) }

    /// The filter as the queries take it, at `now`.
    public func filter(now: Timestamp) -> UsageFilter {
        var filter = window.filter(now: now)
        filter.search = search.isEmpty ? nil : search
        if tab == .calls { filter.apiKey = type } else { filter.type = type }
        return filter
    }

    /// What the Spending tab shows for this view (SPEC §9): its dates, and when the records tab is
    /// filtered (a type, API key or search), that tab alone under that filter.
    public func spendingScope(now: Timestamp) -> SpendingScope {
        SpendingScope(tab: type != nil || !search.isEmpty ? tab : nil, filter: filter(now: now))
    }

    /// Whether the summary bar shows (SPEC §7: whenever any filter is active).
    public var isFiltered: Bool { window != .quick(.all) || !search.isEmpty || type != nil }

    /// The filters beside the date range, as the range bar notes them ("" when none).
    public var filterNote: String {
        var filters: [String] = []
        if !search.isEmpty { filters.append("/ \(search)") }
        if let type { filters.append("\(typeFilterName): \(AdjustmentType(rawValue: type)?.title ?? type)") }
        return filters.isEmpty ? "" : "·  " + filters.joined(separator: "  ·  ") + "  (Esc clears)"
    }

    /// What the type filter is called on this tab.
    public var typeFilterName: String { tab == .calls ? "API key" : (tab == .imports ? "Import type" : "Type") }
}

/// The Usage tab: what is asked for and the answer shown, fetched a page at a time as the cursor
/// moves — from the top down, or (after End) from the last row up.
public struct UsageState: Sendable, Equatable {
    public var view = UsageView()
    /// The rows fetched so far, a window of the tab starting at row `first` (nil until the first page arrives).
    public var rows: [UsageRow]?
    /// The index in the whole tab of `rows[0]`: 0 when read from the top; after End, the rows above it are not loaded.
    public var first = 0
    /// Where the next page starts, when there is one.
    public var next: UsageCursor?
    /// Where the page before `rows[0]` ends, when rows above the window are not loaded (after End).
    public var previous: UsageCursor?
    /// True while a page before or after the window is being fetched.
    public var fetchingMore = false
    public var summary: UsageSummary?
    /// The cursor and scroll position, as indexes in the whole tab (`first` and up).
    public var table = TableState()

    /// Rows fetched per page.
    public static let pageSize = 100

    /// Rows in the whole tab: the summary's count (each tab's rows, SPEC §7), at least those loaded.
    public var rowCount: Int {
        let loaded = first + (rows?.count ?? 0)
        return max(loaded, summary.map { Int($0.count) } ?? 0)
    }

    /// The indexes of the loaded rows in the whole tab.
    public var loaded: Range<Int> { first..<(first + (rows?.count ?? 0)) }

    /// The row under the cursor, when it is loaded.
    public var current: UsageRow? { loaded.contains(table.selected) ? rows?[table.selected - first] : nil }
}
