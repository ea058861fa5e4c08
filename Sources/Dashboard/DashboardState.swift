import CofferCore
import CofferStore
import TerminalUI

/// The dashboard's three tabs (SPEC §9).
public enum MainTab: Int, CaseIterable, Sendable {
    case billing, team, usage

    /// The tab's title.
    public var title: String {
        switch self {
        case .billing: "Billing"
        case .team: "Team"
        case .usage: "Usage"
        }
    }
}

/// The Usage tab's date range: the quick picks of SPEC §7, or everything, narrowest first.
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

    /// The filter for this range at `now`.
    public func filter(now: Timestamp) -> UsageFilter {
        switch self {
        case .all: UsageFilter()
        case .last7: .lastDays(7, now: now)
        case .last30: .lastDays(30, now: now)
        case .last3m: .lastMonths(3, now: now)
        }
    }
}

/// What the Usage tab is showing: the records tab, date range, search and sort.
public struct UsageView: Sendable, Equatable {
    public var tab: UsageTab
    public var range: QuickRange
    public var search: String = ""
    /// An index into `tab.sortFields` (0 = newest first).
    public var sortField: Int = 0
    public var descending: Bool = true

    /// A view of `tab` over `range`, newest first, unsearched.
    public init(tab: UsageTab = .conversations, range: QuickRange = .last30) {
        self.tab = tab
        self.range = range
    }

    /// The sort as the queries take it.
    public var sort: UsageSort { UsageSort(field: tab.sortFields[sortField], descending: descending) }
}

/// What the Billing tab shows.
public struct BillingSnapshot: Sendable, Equatable {
    public let subscription: SubscriptionView
    public let balance: BalanceReport
    public let packs: PackPurchaseState

    /// A snapshot of the billing facts.
    public init(subscription: SubscriptionView, balance: BalanceReport, packs: PackPurchaseState) {
        (self.subscription, self.balance, self.packs) = (subscription, balance, packs)
    }
}

/// Everything the dashboard shows; changed only by `reduce`.
public struct DashboardState: Sendable {
    public let viewer: Actor
    public var tab: MainTab = .billing
    public var billing: BillingSnapshot?
    public var members: [MemberView] = []
    public var view = UsageView()
    /// The search being typed (`/`), until Enter applies it or Esc drops it.
    public var editingSearch: TextFieldState?
    /// The credit pack chosen on the Billing tab (an index into `PackPurchaseState.packSizes`).
    public var packIndex = 1
    /// The confirmation before a pack is charged, when open (R23: actions confirm before they charge).
    public var confirmingPack: DialogState?
    /// A conversation's billing detail sheet, when open (Enter on a conversation).
    public var detail: (conversation: String, lines: [ChargeLine])?
    public var page: UsagePage?
    public var summary: UsageSummary?
    public var table = TableState()
    /// Effects under way (a loading state instead of a frozen screen).
    public var loading = 0
    public var status = StatusLine()
    public var help = false
    public var quit = false

    /// The state a dashboard opens in for `viewer`.
    public init(viewer: Actor) { self.viewer = viewer }

    /// Whether the viewer sees the User column (R7).
    public var showsUsers: Bool { Permissions.allows(viewer.role, .seeUsageUsers) }

    /// The viewer's own row in the members table.
    public var me: MemberView? { members.first { $0.email == viewer.email } }
}

/// Something that happened: a key, a tick, or the result of an effect.
public enum DashboardAction: Sendable {
    case key(Key)
    case tick
    case billingLoaded(BillingSnapshot)
    case membersLoaded([MemberView])
    case usageLoaded(UsageView, UsagePage, UsageSummary)
    case detailLoaded(String, [ChargeLine])
    case changed
    case done(String)
    case failed(String)
}

/// Work the reducer asks for; the engine runs it off the UI loop and answers with actions.
public enum DashboardEffect: Sendable, Equatable {
    case loadBilling
    case loadMembers
    case loadUsage(UsageView)
    case loadDetail(String)
    case switchAccess(toPersonal: Bool)
    case buyPack(Credits)
    case pollChanges
}

/// The commands behind the keys; the footer and `?` help are generated from `Keymap`.
public enum DashboardCommand: Sendable, Equatable {
    case nextTab, previousTab, showBilling, showTeam, showUsage
    case nextUsageTab, previousUsageTab, narrowerRange, widerRange, search, sort, reverse, open
    case personal, team, refresh, help, quit, biggerPack, smallerPack, buyPack
}

/// The keymap: one source for handling keys, the footer and the help overlay (SPEC §9).
public let dashboardKeymap = Keymap<DashboardCommand>([
    KeyBinding([.tab], .nextTab, help: "Next tab", group: "Tabs"),
    KeyBinding([.backTab], .previousTab, help: "Previous tab", group: "Tabs", inFooter: false),
    KeyBinding([.char("1")], .showBilling, help: "Billing", group: "Tabs", inFooter: false),
    KeyBinding([.char("2")], .showTeam, help: "Team", group: "Tabs", inFooter: false),
    KeyBinding([.char("3")], .showUsage, help: "Usage", group: "Tabs", inFooter: false),
    KeyBinding([.right, .char("l")], .nextUsageTab, help: "Next records tab", group: "Usage", inFooter: false),
    KeyBinding([.left, .char("h")], .previousUsageTab, help: "Previous records tab", group: "Usage", inFooter: false),
    KeyBinding([.char("[")], .narrowerRange, help: "Narrower date range", group: "Usage"),
    KeyBinding([.char("]")], .widerRange, help: "Wider date range", group: "Usage"),
    KeyBinding([.char("b")], .buyPack, help: "Buy the chosen credit pack", group: "Billing"),
    KeyBinding([.char("+"), .char("=")], .biggerPack, help: "A bigger pack", group: "Billing", inFooter: false),
    KeyBinding([.char("-")], .smallerPack, help: "A smaller pack", group: "Billing", inFooter: false),
    KeyBinding([.char("/")], .search, help: "Search", group: "Usage"),
    KeyBinding([.char("s")], .sort, help: "Sort by the next column", group: "Usage", inFooter: false),
    KeyBinding([.char("S")], .reverse, help: "Reverse the sort", group: "Usage", inFooter: false),
    KeyBinding([.enter], .open, help: "Billing detail sheet", group: "Usage", inFooter: false),
    KeyBinding([.char("p")], .personal, help: "Switch me to Personal", group: "Team"),
    KeyBinding([.char("o")], .team, help: "Opt back in", group: "Team"),
    KeyBinding([.char("r"), .ctrl("l")], .refresh, help: "Refresh", group: "General", inFooter: false),
    KeyBinding([.char("?"), .function(1)], .help, help: "Help", group: "General"),
    KeyBinding([.char("q")], .quit, help: "Quit", group: "General"),
])

/// The reducer: the only place state changes. Pure; returns the effects to run.
public func reduce(_ state: inout DashboardState, _ action: DashboardAction) -> [DashboardEffect] {
    switch action {
    case .tick:
        return [.pollChanges]
    case .changed:
        let effects = load(state.tab, state)
        state.loading += effects.count
        return effects
    case .billingLoaded(let snapshot):
        state.loading = max(0, state.loading - 1)
        state.billing = snapshot
    case .membersLoaded(let members):
        state.loading = max(0, state.loading - 1)
        state.members = members
    case .usageLoaded(let view, let page, let summary):
        state.loading = max(0, state.loading - 1)
        guard view == state.view else { return [] } // a stale answer
        state.page = page
        state.summary = summary
        state.table.select(min(state.table.selected, max(0, page.rows.count - 1)), rowCount: page.rows.count, pageSize: 1_000)
    case .done(let message):
        state.loading = max(0, state.loading - 1)
        state.status = StatusLine(message, level: .success)
        return [.loadMembers, .loadBilling]
    case .failed(let message):
        state.loading = max(0, state.loading - 1)
        state.status = StatusLine(message, level: .error)
    case .detailLoaded(let conversation, let lines):
        state.loading = max(0, state.loading - 1)
        state.detail = (conversation, lines)
    case .key(let key):
        if state.help { state.help = false; return [] }
        if var dialog = state.confirmingPack {
            switch dialog.handle(key) {
            case .confirmed?:
                state.confirmingPack = nil
                state.loading += 1
                return [.buyPack(.whole(PackPurchaseState.packSizes[state.packIndex]))]
            case .cancelled?:
                state.confirmingPack = nil
            case nil:
                state.confirmingPack = dialog
            }
            return []
        }
        if state.detail != nil {
            if key == .escape || key == .enter || key == .char("q") { state.detail = nil }
            return []
        }
        if var field = state.editingSearch {
            switch key {
            case .escape: state.editingSearch = nil
            case .enter:
                state.editingSearch = nil
                state.view.search = field.text
                return reloadUsage(&state)
            default:
                _ = field.handle(key)
                state.editingSearch = field
            }
            return []
        }
        if key == .escape {
            if !state.view.search.isEmpty, state.tab == .usage {
                state.view.search = ""
                return reloadUsage(&state)
            }
            state.status = StatusLine()
            return []
        }
        guard let command = dashboardKeymap.action(for: key) else {
            if state.tab == .usage, let rows = state.page?.rows.count {
                _ = state.table.handle(key, rowCount: rows, pageSize: 20)
            }
            return []
        }
        return run(command, &state)
    }
    return []
}

private func run(_ command: DashboardCommand, _ state: inout DashboardState) -> [DashboardEffect] {
    func loadNow(_ tab: MainTab) -> [DashboardEffect] {
        let effects = load(tab, state)
        state.loading += effects.count
        return effects
    }
    func show(_ tab: MainTab) -> [DashboardEffect] {
        state.tab = tab
        return loadNow(tab)
    }
    switch command {
    case .nextTab: return show(MainTab(rawValue: (state.tab.rawValue + 1) % 3)!)
    case .previousTab: return show(MainTab(rawValue: (state.tab.rawValue + 2) % 3)!)
    case .showBilling: return show(.billing)
    case .showTeam: return show(.team)
    case .showUsage: return show(.usage)
    case .nextUsageTab, .previousUsageTab:
        guard state.tab == .usage else { return [] }
        let all = UsageTab.allCases
        let index = all.firstIndex(of: state.view.tab)!
        state.view = UsageView(tab: all[(index + (command == .nextUsageTab ? 1 : all.count - 1)) % all.count], range: state.view.range)
        return reloadUsage(&state)
    case .narrowerRange, .widerRange:
        guard state.tab == .usage else { return [] }
        let next = state.view.range.rawValue + (command == .widerRange ? 1 : -1)
        guard let range = QuickRange(rawValue: next) else { return [] }
        state.view.range = range
        return reloadUsage(&state)
    case .search:
        guard state.tab == .usage, state.view.tab == .conversations else { return [] }
        state.editingSearch = TextFieldState(state.view.search, maxLength: 200)
        return []
    case .sort:
        guard state.tab == .usage else { return [] }
        state.view.sortField = (state.view.sortField + 1) % state.view.tab.sortFields.count
        return reloadUsage(&state)
    case .reverse:
        guard state.tab == .usage else { return [] }
        state.view.descending.toggle()
        return reloadUsage(&state)
    case .open:
        guard state.tab == .usage, state.view.tab == .conversations, let rows = state.page?.rows,
              rows.indices.contains(state.table.selected) else { return [] }
        state.loading += 1
        return [.loadDetail(rows[state.table.selected].key)]
    case .personal, .team:
        guard state.tab == .team else { return [] }
        state.loading += 1
        return [.switchAccess(toPersonal: command == .personal)]
    case .biggerPack, .smallerPack:
        guard state.tab == .billing else { return [] }
        state.packIndex = min(PackPurchaseState.packSizes.count - 1, max(0, state.packIndex + (command == .biggerPack ? 1 : -1)))
        return []
    case .buyPack:
        guard state.tab == .billing, let packs = state.billing?.packs else { return [] }
        guard packs.enabled else {
            state.status = StatusLine(packs.message, level: .warning) // R23: disabled, with the reason
            return []
        }
        state.confirmingPack = DialogState() // Cancel has focus: the safe default
        return []
    case .refresh: return loadNow(state.tab)
    case .help: state.help = true; return []
    case .quit: state.quit = true; return []
    }
}

/// The effects that load what `tab` shows.
func load(_ tab: MainTab, _ state: DashboardState) -> [DashboardEffect] {
    switch tab {
    case .billing: [.loadBilling]
    case .team: [.loadMembers]
    case .usage: [.loadUsage(state.view)]
    }
}

/// The usage view changed: clear the old figures (never shown under the new view's name) and load.
private func reloadUsage(_ state: inout DashboardState) -> [DashboardEffect] {
    state.table = TableState()
    state.page = nil
    state.summary = nil
    state.loading += 1
    return [.loadUsage(state.view)]
}
