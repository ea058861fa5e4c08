import CofferCore
import CofferStore
import TerminalUI

/// Runs a command of the current tab's keymap; the reducer has already refused what
/// ``DashboardState/refusal(of:)`` disables (R7), so the cases below only act.
func run(_ command: DashboardCommand, _ state: inout DashboardState) -> [DashboardEffect] {
    switch command {
    case .nextTab: return show(MainTab(rawValue: (state.tab.rawValue + 1) % MainTab.allCases.count)!, &state)
    case .previousTab: return show(MainTab(rawValue: (state.tab.rawValue + MainTab.allCases.count - 1) % MainTab.allCases.count)!, &state)
    case .showBilling: return show(.billing, &state)
    case .showTeam: return show(.team, &state)
    case .showUsage: return show(.usage, &state)
    case .showSpending: return show(.spending, &state)
    case .workspaces: return state.start([.loadWorkspaces])
    case .refresh: return state.reload()
    case .help: state.modal = .help(scroll: 0)
    case .quit: state.quit = true
    case .back: return state.backOut()
    case .nextPlan, .previousPlan, .interval, .checkout, .portal, .biggerPack, .smallerPack, .morePacks, .fewerPacks, .buyPack:
        return billing(command, &state)
    case .up, .down, .pageUp, .pageDown, .top, .bottom:
        return move(command, &state)
    case .mark, .invite, .replace, .remove, .access, .limit, .personal, .optIn:
        return team(command, &state)
    case .nextUsageTab, .previousUsageTab, .earlier, .later, .quickPick, .customDays, .search, .typeFilter, .sort, .reverse, .open, .export:
        return usage(command, &state)
    case .accept, .cancel, .switchButton, .edit, .changeCard, .retryPayment, .pick: break // the modals' own
    }
    return []
}

/// Shows `tab` and loads what it shows.
func show(_ tab: MainTab, _ state: inout DashboardState) -> [DashboardEffect] {
    state.tab = tab
    return state.reload()
}

private func billing(_ command: DashboardCommand, _ state: inout DashboardState) -> [DashboardEffect] {
    guard let snapshot = state.billing else { return [] }
    switch command {
    case .nextPlan, .previousPlan:
        guard snapshot.offersPlans, !snapshot.plans.isEmpty else { return [] }
        state.choices.plan = min(snapshot.plans.count - 1, max(0, state.choices.plan + (command == .nextPlan ? 1 : -1)))
    case .interval:
        state.choices.yearly.toggle()
    case .checkout:
        guard snapshot.plans.indices.contains(state.choices.plan) else { return [] }
        let plan = snapshot.plans[state.choices.plan]
        let interval = state.chosenInterval(plan)
        let seats = max(1, snapshot.subscription.seats)
        let message = snapshot.checkout.trial
            ? "Start a \(plan.trialDays)-day trial of \(plan.name) (\(interval.rawValue), \(seats) seat\(seats == 1 ? "" : "s"))? The first charge comes when the trial ends."
            : "Subscribe to \(plan.name) (\(interval.rawValue), \(seats) seat\(seats == 1 ? "" : "s")) and charge \(Money.cents(plan.seatPriceCents(interval) * seats)) to \(snapshot.subscription.cardLast4.map { "the card ending \($0)" } ?? "the card on file")?"
        state.modal = .confirm(Confirmation(title: snapshot.checkout.label, message: message, confirmLabel: snapshot.checkout.trial ? "Start trial" : "Pay",
                                            destructive: false, effect: .subscribe(tier: plan.tier, interval: interval, seats: seats)), DialogState())
    case .portal:
        state.modal = .portal(nil)
        return state.start([.loadInvoices])
    case .biggerPack, .smallerPack:
        state.choices.pack = min(PackPurchaseState.packSizes.count - 1, max(0, state.choices.pack + (command == .biggerPack ? 1 : -1)))
    case .morePacks, .fewerPacks:
        state.choices.packCount = min(100, max(1, state.choices.packCount + (command == .morePacks ? 1 : -1)))
    case .buyPack:
        let size = PackPurchaseState.packSizes[state.choices.pack], count = state.choices.packCount
        let what = count == 1 ? "a \(Credits.whole(size)) credit pack" : "\(count) × \(Credits.whole(size)) credit packs"
        state.modal = .confirm(Confirmation(title: "Buy credits", message: "Buy \(what) for \(Money.cents(size * 100 * count)), charged to the card on file?",
                                            confirmLabel: "Buy", destructive: false, effect: .buyPack(.whole(size), count: count)), DialogState())
    default: break
    }
    return []
}

/// Opens the custom days prompt, filled with the current range's whole days.
func customDays(_ state: inout DashboardState) -> [DashboardEffect] {
    let days = state.usage.view.window.wholeDays(now: state.now)
    let text = "\(UTC.dateString(days.from)) \(UTC.dateString(days.to))"
    state.modal = .prompt(Prompt(purpose: .days, title: "Date range", hint: "First and last day, inclusive (UTC); one day alone is that day"),
                          TextFieldState(text, maxLength: 40))
    return []
}

extension DashboardState {
    /// The interval checkout uses for `plan`: yearly when chosen and sold, else the plan's first.
    func chosenInterval(_ plan: Plan) -> BillingInterval {
        choices.yearly && plan.intervals.contains(.yearly) ? .yearly : plan.intervals[0]
    }
}

/// Moves the cursor in the tab's table. Usage moves within the loaded rows and asks for the page
/// after (or before) them when the cursor comes near their end; End reads the last page by a keyset
/// query from the other end, Home the first page again (SPEC §9, §11).
func move(_ command: DashboardCommand, _ state: inout DashboardState, by rows: Int? = nil) -> [DashboardEffect] {
    let team = state.tab == .team
    var table = team ? state.team.table : state.usage.table
    let count = team ? state.team.members.count : state.usage.rowCount
    let page = team ? max(1, state.layout.teamTable.height - 1) : state.usagePageSize
    var target: Int = switch command {
    case .up: table.selected - (rows ?? 1)
    case .down: table.selected + (rows ?? 1)
    case .pageUp: table.selected - page
    case .pageDown: table.selected + page
    case .top: 0
    default: count - 1
    }
    if team {
        table.select(target, rowCount: count, pageSize: page)
        state.team.table = table
        return []
    }
    let usage = state.usage
    if command == .bottom, usage.next != nil, usage.rows != nil {
        state.usage.fetchingMore = true // the page after the window no longer matters
        return state.start([.loadUsageEnd(usage.view)])
    }
    if command == .top, usage.first > 0 {
        (state.usage.rows, state.usage.first, state.usage.next, state.usage.previous) = (nil, 0, nil, nil)
        (state.usage.table, state.usage.fetchingMore) = (TableState(sort: table.sort), false)
        return state.start([.loadUsage(usage.view)])
    }
    target = min(max(target, usage.loaded.lowerBound), max(usage.loaded.lowerBound, usage.loaded.upperBound - 1))
    table.select(target, rowCount: count, pageSize: page)
    state.usage.table = table
    guard !usage.fetchingMore else { return [] }
    if let next = usage.next, usage.loaded.upperBound - table.selected <= page {
        state.usage.fetchingMore = true
        return [.loadMoreUsage(usage.view, next)]
    }
    if let previous = usage.previous, table.selected - usage.first <= page {
        state.usage.fetchingMore = true
        return [.loadEarlierUsage(usage.view, previous)]
    }
    return []
}

private func team(_ command: DashboardCommand, _ state: inout DashboardState) -> [DashboardEffect] {
    let targets = state.team.targets
    switch command {
    case .mark:
        state.team.table.toggleMark()
        return move(.down, &state)
    case .invite:
        state.modal = .prompt(Prompt(purpose: .invite, title: "Invite a member", hint: "Email of the person to give a seat"), TextFieldState(maxLength: 254))
    case .replace:
        guard let member = state.team.current else { return [] }
        state.modal = .prompt(Prompt(purpose: .replace(from: member.email), title: "Replace seat",
                                     hint: "Move \(member.email)'s seat to the email"), TextFieldState(maxLength: 254))
    case .remove:
        guard let member = state.team.current else { return [] }
        state.modal = .confirm(Confirmation(title: "Remove seat", message: "Remove \(member.email)'s seat? They keep their account and can be added again.",
                                            confirmLabel: "Remove", destructive: true, effect: .removeSeat(member.email)), DialogState())
    case .access:
        let types: [AccessType] = [.seat, .credits, .personal]
        state.modal = .choose(Choice(purpose: .access(targets), title: "Access type for \(describe(targets))",
                                     labels: types.map(\.title), values: types.map(\.rawValue)), selected: 0)
    case .limit:
        state.modal = .prompt(Prompt(purpose: .limit(targets), title: "Credit limit for \(describe(targets))",
                                     hint: "Credits per period, e.g. 50 or 12.5; none for no limit"), TextFieldState(maxLength: 24))
    case .personal, .optIn:
        return state.start([.switchAccess(toPersonal: command == .personal)])
    default: break
    }
    return []
}

/// "ada@x.test" or "3 members".
func describe(_ emails: [String]) -> String { emails.count == 1 ? emails[0] : "\(emails.count) members" }

private func usage(_ command: DashboardCommand, _ state: inout DashboardState) -> [DashboardEffect] {
    var view = state.usage.view
    switch command {
    case .nextUsageTab, .previousUsageTab:
        let all = UsageTab.allCases
        let index = all.firstIndex(of: view.tab)! + (command == .nextUsageTab ? 1 : all.count - 1)
        view = UsageView(tab: all[index % all.count], window: view.window)
    case .earlier, .later:
        guard let window = view.window.stepped(earlier: command == .earlier, now: state.now) else { return [] } // refused before
        view.window = window
    case .quickPick:
        let picks = QuickRange.allCases
        state.modal = .choose(Choice(purpose: .range, title: "Date range", labels: picks.map(\.title) + ["Custom days…"],
                                     values: picks.map { "\($0)" } + [nil], shortcuts: picks.map { _ in nil } + ["c"]),
                              selected: view.window.pick.map { picks.firstIndex(of: $0)! } ?? picks.count)
        return []
    case .customDays:
        return customDays(&state)
    case .search:
        state.modal = .prompt(Prompt(purpose: .search(was: view.search), title: "Search", hint: "Conversation ID, title\(state.showsUsers ? " or user" : "")"),
                              TextFieldState(view.search, maxLength: 200))
        return []
    case .typeFilter:
        return state.start([.loadTypeFilter(view.tab)])
    case .sort:
        view.sortField = view.tab.sortField(after: view.sortField)
    case .reverse:
        view.descending.toggle()
    case .open:
        guard view.tab == .conversations, let row = state.usage.current else { return [] }
        return state.start([.loadDetail(row.key)])
    case .export:
        return state.start([.exportUsage(view)])
    default: return []
    }
    state.usage.view = view
    return state.reloadUsage()
}
