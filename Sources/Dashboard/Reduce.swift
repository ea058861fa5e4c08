import CofferCore
import CofferStore
import TerminalUI

/// The reducer: the only place state changes. Pure; returns the effects to run.
public func reduce(_ state: inout DashboardState, _ action: DashboardAction) -> [DashboardEffect] {
    switch action {
    case .tick(let now):
        state.now = now
        return [.pollChanges]
    case .resize(let size):
        state.status = StatusLine() // a message belongs to the action that caused it (#19.6)
        state.size = size
    case .mouse(let mouse):
        state.status = StatusLine()
        return click(mouse, &state)
    case .changed:
        guard state.tab == .usage, let rows = state.usage.rows else { return state.reload() }
        if state.usage.first > 0 { return state.start([.loadUsageEnd(state.usage.view)]) } // the window ends at the last row
        guard rows.count > UsageState.pageSize else { return state.reload() }
        return state.start([.refreshUsage(state.usage.view, rows: rows.count)])
    case .key(let key):
        state.status = StatusLine()
        return press(key, &state)
    case .messageAged:
        if state.status.level == .info || state.status.level == .success { state.status = StatusLine() }
    case .usageLoaded(_, _, nil):
        return arrived(action, &state) // the page before its totals: still loading
    default:
        state.loading = max(0, state.loading - 1)
        return arrived(action, &state)
    }
    return []
}

/// An effect's answer.
private func arrived(_ action: DashboardAction, _ state: inout DashboardState) -> [DashboardEffect] {
    switch action {
    case .billingLoaded(let snapshot):
        state.billing = snapshot
        state.choices.plan = min(state.choices.plan, max(0, snapshot.plans.count - 1))
    case .membersLoaded(let members):
        if members.map(\.email) != state.team.members.map(\.email) { state.team.table.marked = [] }
        state.team.members = members
        state.team.table.select(state.team.table.selected, rowCount: members.count, pageSize: state.layout.teamTable.height - 1)
    case .usageLoaded(let view, let page, let summary):
        guard view == state.usage.view else { return [] } // a stale answer
        (state.usage.rows, state.usage.first, state.usage.next, state.usage.previous) = (page.rows, 0, page.next, nil)
        if let summary { state.usage.summary = summary }
        state.usage.table.select(min(state.usage.table.selected, page.rows.count - 1), rowCount: state.usage.rowCount, pageSize: state.usagePageSize)
    case .summaryLoaded(let view, let summary):
        if view == state.usage.view { state.usage.summary = summary }
    case .usageMoreLoaded(let view, let page):
        state.usage.fetchingMore = false
        guard view == state.usage.view, state.usage.rows != nil, state.usage.next != nil else { return [] } // End came first
        state.usage.rows! += page.rows
        state.usage.next = page.next
    case .usageEndLoaded(let view, let page, let summary):
        state.usage.fetchingMore = false
        guard view == state.usage.view else { return [] }
        // After End: the last row; a refresh of the last page keeps the cursor as far from the end as it was.
        let fromEnd = state.usage.first > 0 ? max(0, state.usage.rowCount - 1 - state.usage.table.selected) : 0
        let total = max(Int(summary.count), page.rows.count)
        (state.usage.rows, state.usage.first, state.usage.next, state.usage.previous) = (page.rows, total - page.rows.count, nil, page.next)
        state.usage.summary = summary
        state.usage.table.select(max(state.usage.first, total - 1 - fromEnd), rowCount: state.usage.rowCount, pageSize: state.usagePageSize)
    case .usageEarlierLoaded(let view, let page):
        state.usage.fetchingMore = false
        guard view == state.usage.view, let rows = state.usage.rows, state.usage.previous != nil else { return [] } // Home came first
        let first = max(0, state.usage.first - page.rows.count)
        (state.usage.rows, state.usage.first, state.usage.previous) = (page.rows + rows, first, page.next)
    case .spendingLoaded(let view, let report):
        guard view == state.usage.view else { return [] } // a stale answer
        state.spending = report
    case .detailLoaded(let conversation, let lines):
        state.modal = .detail(conversation: conversation, lines: lines, table: TableState())
    case .exported(let rows, let path):
        state.status = StatusLine("Exported \(Table.grouped(rows)) row\(rows == 1 ? "" : "s") to \(path)", level: .success)
    case .invoicesLoaded(let invoices):
        if case .portal = state.modal { state.modal = .portal(invoices) }
    case .choicesLoaded(let choice):
        let current: String? = if case .typeFilter = choice.purpose { state.usage.view.type } else { state.viewer.workspaceSlug }
        state.modal = .choose(choice, selected: choice.values.firstIndex(of: current) ?? 0)
    case .workspacesLoaded(let workspaces):
        return arrived(.choicesLoaded(.workspaces(workspaces)), &state)
    case .typeFilterLoaded(let tab, let values):
        return arrived(.choicesLoaded(.typeFilter(tab, values: values)), &state)
    case .viewerChanged(let viewer):
        let size = state.size, tab = state.tab
        state = DashboardState(viewer: viewer) // filters, marks and figures of the old workspace go (SPEC §7)
        state.size = size
        state.tab = tab
        state.status = StatusLine("Now in \(viewer.workspaceName) as \(viewer.role.title)", level: .success)
        return state.reload()
    case .done(let outcome):
        state.asked = nil
        state.status = StatusLine(outcome.message, level: .success)
        state.team.table.marked = []
        return state.reload() + (state.tab == .billing ? [] : state.start([.loadBilling]))
    case .failed(let message):
        failed(message, &state)
    case .bulkRefused(let refusal):
        failed(refusal.message, &state)
    default: break
    }
    return []
}

/// An effect failed: its message on the status line, nothing left waiting for it, and the dialog
/// that asked for it open again as it was, Cancel focused (#19.10).
private func failed(_ message: String, _ state: inout DashboardState) {
    state.status = StatusLine(message, level: .error)
    if case .portal(nil) = state.modal { state.modal = nil }
    state.usage.fetchingMore = false
    if state.modal == nil, let asked = state.asked {
        if case .confirm(let confirmation, _) = asked { state.modal = .confirm(confirmation, DialogState()) } else { state.modal = asked }
    }
    state.asked = nil
}

/// A key: the binding of the current context runs, or says why it cannot (R7); in a prompt,
/// keys without a binding type themselves.
private func press(_ key: Key, _ state: inout DashboardState) -> [DashboardEffect] {
    guard let binding = DashboardKeys.keymap(for: state).binding(for: key) else {
        if case .prompt? = state.modal { return edit(key, &state) }
        return []
    }
    if let reason = binding.disabled {
        state.status = StatusLine(reason, level: .warning)
        return []
    }
    return state.modal == nil ? run(binding.action, &state) : modalCommand(binding.action, key, &state)
}

/// A command of the open modal's keymap.
private func modalCommand(_ command: DashboardCommand, _ key: Key, _ state: inout DashboardState) -> [DashboardEffect] {
    switch (state.modal!, command) {
    case (_, .cancel):
        return state.closeModal()
    case (.detail(let conversation, let lines, var table), _):
        // Scrolled like a table (SPEC §7: every charge line).
        if table.handle(key, rowCount: lines.count, pageSize: state.layout.sheet(lines: lines.count).pageSize) {
            state.modal = .detail(conversation: conversation, lines: lines, table: table)
        }
    case (.help(let scroll), _):
        let page = max(1, state.size.height - 3)
        let target: Int = switch command {
        case .up: scroll - 1
        case .down: scroll + 1
        case .pageUp: scroll - page
        case .pageDown: scroll + page
        case .top: 0
        default: Int.max / 2
        }
        state.modal = .help(scroll: min(max(0, target), state.helpScrollLimit))
    case (.confirm(let confirmation, var dialog), .switchButton):
        dialog.confirmFocused.toggle()
        state.modal = .confirm(confirmation, dialog)
    case (.confirm(let confirmation, let dialog), .accept):
        guard dialog.confirmFocused else { state.modal = nil; return [] }
        return state.ask([confirmation.effect])
    case (.prompt(let prompt, let field), .accept):
        return submit(prompt.purpose, field.text, &state)
    case (.prompt, .edit):
        return edit(key, &state)
    case (.choose(let choice, let selected), .up), (.choose(let choice, let selected), .down):
        state.modal = .choose(choice, selected: min(choice.labels.count - 1, max(0, selected + (command == .up ? -1 : 1))))
    case (.choose(let choice, let selected), .accept):
        return chose(choice.purpose, choice.values[selected], &state)
    case (.choose(let choice, _), .pick(let index)):
        return chose(choice.purpose, choice.values[index], &state)
    case (.portal, .changeCard):
        state.modal = .prompt(Prompt(purpose: .card, title: "Payment method", hint: "Card number (sandbox: 4242 4242 4242 4242)"), TextFieldState(maxLength: 32))
    case (.portal, .retryPayment):
        state.modal = .confirm(Confirmation(title: "Retry payment", message: "Charge the outstanding invoice to the card on file now?",
                                            confirmLabel: "Retry", destructive: false, effect: .retryPayment), DialogState())
    default: break
    }
    return []
}

/// An editing key in a prompt; the Usage search applies as it is typed (#19.12).
private func edit(_ key: Key, _ state: inout DashboardState) -> [DashboardEffect] {
    guard case .prompt(let prompt, var field)? = state.modal else { return [] }
    _ = field.handle(key)
    state.modal = .prompt(prompt, field)
    guard case .search = prompt.purpose, field.text.trimmingSpaces != state.usage.view.search else { return [] }
    state.usage.view.search = field.text.trimmingSpaces
    return state.reloadUsage()
}

/// A prompt's text, checked before anything is asked of the store; a bad entry keeps the prompt open.
private func submit(_ purpose: PromptPurpose, _ text: String, _ state: inout DashboardState) -> [DashboardEffect] {
    do {
        switch purpose {
        case .invite:
            return state.ask([.invite(try Email.normalize(text))])
        case .replace(let from):
            return state.ask([.replaceSeat(from: from, to: try Email.normalize(text))])
        case .limit(let emails):
            let trimmed = text.trimmingSpaces
            let limit = trimmed.isEmpty || trimmed.lowercased() == "none" ? nil : try Credits.parseNonNegative(trimmed)
            return state.ask([.setLimit(emails, limit)])
        case .card:
            let digits = text.filter { $0 != " " }
            state.modal = .confirm(Confirmation(title: "Payment method", message: "Save the card ending \(digits.suffix(4))? A payment that is outstanding is retried on it.",
                                                confirmLabel: "Save", destructive: false, effect: .setCard(digits)), DialogState())
        case .search:
            state.modal = nil // applied as it was typed
            return []
        case .days:
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "." }).map(String.init).filter { $0 != "→" }
            guard (1...2).contains(parts.count) else { throw CofferError("Type a day or two, e.g. 2026-11-01 2026-11-15") }
            let (from, to) = (UsageFilter.dayStart(try UTC.parse(parts[0])), UsageFilter.dayStart(try UTC.parse(parts[parts.count - 1])))
            guard from <= to else { throw CofferError("The first day comes after the last") }
            state.modal = nil
            state.usage.view.window = .days(from: from, to: to)
            return state.reloadUsage()
        }
    } catch let error as CofferError {
        state.status = StatusLine(error.message, level: .error)
    } catch {
        state.status = StatusLine("\(error)", level: .error)
    }
    return []
}

/// A choice from a list.
private func chose(_ purpose: ChoicePurpose, _ value: String?, _ state: inout DashboardState) -> [DashboardEffect] {
    switch purpose {
    case .access(let emails):
        guard let value, let access = AccessType(rawValue: value) else { state.modal = nil; return [] }
        return state.ask([.setAccess(emails, access)])
    case .workspace:
        guard let value, value != state.viewer.workspaceSlug else { state.modal = nil; return [] }
        return state.ask([.switchWorkspace(value)])
    case .typeFilter:
        state.modal = nil
        state.usage.view.type = value
        return state.reloadUsage()
    case .range:
        state.modal = nil
        guard let value, let pick = QuickRange.allCases.first(where: { "\($0)" == value }) else { return customDays(&state) }
        state.usage.view.window = .quick(pick)
        return state.reloadUsage()
    }
}

extension DashboardState {
    /// Counts effects as under way (the loading state) and returns them.
    mutating func start(_ effects: [DashboardEffect]) -> [DashboardEffect] {
        loading += effects.filter { $0 != .pollChanges }.count
        return effects
    }

    /// Closes the modal after the change it asks for, keeping it to open again if the store refuses (#19.10).
    mutating func ask(_ effects: [DashboardEffect]) -> [DashboardEffect] {
        asked = modal
        modal = nil
        return start(effects)
    }

    /// Closes the modal without its change; the search prompt puts back the search it started from.
    mutating func closeModal() -> [DashboardEffect] {
        defer { modal = nil }
        guard case .prompt(let prompt, _)? = modal, case .search(let was) = prompt.purpose, was != usage.view.search else { return [] }
        usage.view.search = was
        return reloadUsage()
    }

    /// How far help can scroll at the current size.
    var helpScrollLimit: Int {
        HelpOverlay.maxScroll(lineCount: HelpOverlay.lines(keymap: DashboardKeys.everything(for: self), glyphs: .unicode).count
                                  + DashboardKeys.mouse.count, in: layout.help)
    }

    /// Loads what the current tab shows.
    mutating func reload() -> [DashboardEffect] {
        switch tab {
        case .billing: start([.loadBilling])
        case .team: start([.loadMembers])
        case .usage: start([.loadUsage(usage.view)])
        case .spending: start([.loadSpending(usage.view), .loadMembers]) // members: each one's use against their limit
        }
    }

    /// The usage view changed: clear the old figures (never shown under the new view's name) and
    /// load what the tab shows of it — the records, or on Spending where their credits went.
    mutating func reloadUsage() -> [DashboardEffect] {
        usage = UsageState(view: usage.view)
        spending = nil
        return start([tab == .spending ? .loadSpending(usage.view) : .loadUsage(usage.view)])
    }

    /// Esc backs out one step: a search, then a type filter, then the marks, then the message.
    mutating func backOut() -> [DashboardEffect] {
        let filtered = tab == .usage || tab == .spending
        if filtered, !usage.view.search.isEmpty {
            usage.view.search = ""
            return reloadUsage()
        } else if filtered, usage.view.type != nil {
            usage.view.type = nil
            return reloadUsage()
        } else if tab == .team, !team.table.marked.isEmpty {
            team.table.marked = []
        } else {
            status = StatusLine()
        }
        return []
    }
}
