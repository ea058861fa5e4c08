import TerminalUI

/// The commands behind the keys; the footer, `?` help and the reducer's refusals all read the keymaps.
public enum DashboardCommand: Sendable, Equatable {
    case nextTab, previousTab, showBilling, showTeam, showUsage, showSpending, workspaces, refresh, help, quit, back
    // Billing
    case nextPlan, previousPlan, interval, checkout, portal, biggerPack, smallerPack, morePacks, fewerPacks, buyPack
    // Team
    case up, down, pageUp, pageDown, top, bottom, mark, invite, replace, remove, access, limit, personal, optIn
    // Usage
    case nextUsageTab, previousUsageTab, earlier, later, quickPick, customDays, search, typeFilter, sort, reverse, open, export
    // Dialogs, prompts, lists, the portal, the detail sheet and help
    case accept, cancel, switchButton, edit, changeCard, retryPayment
    /// A list's item by its shortcut key (the index of the item).
    case pick(Int)
}

/// Where the keys go: a tab, or the modal over it. Each context has one table of bindings.
public enum KeyContext: Sendable, Equatable {
    case tab(MainTab)
    case dialog, prompt, list, portal, sheet, help
}

/// The keymaps: one table of bindings per context, from which key handling, the footer and the
/// help overlay are generated (SPEC §9). ``keymap(for:)`` marks what the viewer cannot do now,
/// with the reason (R7), from ``DashboardState/refusal(of:)``.
public enum DashboardKeys {
    /// Keys that work on every tab.
    static let general: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.tab], .nextTab, help: "Next tab", group: "General", brief: "Next"),
        KeyBinding([.backTab], .previousTab, help: "Previous tab", group: "General", inFooter: false),
        KeyBinding([.char("1")], .showBilling, help: "Billing", group: "General", inFooter: false),
        KeyBinding([.char("2")], .showTeam, help: "Team", group: "General", inFooter: false),
        KeyBinding([.char("3")], .showUsage, help: "Usage", group: "General", inFooter: false),
        KeyBinding([.char("4")], .showSpending, help: "Spending", group: "General", inFooter: false),
        KeyBinding([.char("w")], .workspaces, help: "Switch workspace", group: "General", brief: "Workspace"),
        KeyBinding([.char("r"), .ctrl("l")], .refresh, help: "Refresh and redraw", group: "General", inFooter: false),
        KeyBinding([.escape], .back, help: "Back out: search, filter, marks, message", group: "General", inFooter: false),
        KeyBinding([.char("?"), .function(1)], .help, help: "Help: every key", group: "General", pinned: true, brief: "Help"),
        KeyBinding([.char("q")], .quit, help: "Quit", group: "General", pinned: true),
    ]

    /// Moving through a table.
    static let rows: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.up, .char("k")], .up, help: "Previous row", group: "Rows", inFooter: false),
        KeyBinding([.down, .char("j")], .down, help: "Next row", group: "Rows", inFooter: false),
        KeyBinding([.pageUp], .pageUp, help: "Page up", group: "Rows", inFooter: false),
        KeyBinding([.pageDown], .pageDown, help: "Page down", group: "Rows", inFooter: false),
        KeyBinding([.home, .char("g")], .top, help: "First row", group: "Rows", inFooter: false),
        KeyBinding([.end, .char("G")], .bottom, help: "Last row", group: "Rows", inFooter: false),
    ]

    static let billing: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.down, .char("j")], .nextPlan, help: "Next plan", group: "Billing", hint: "↑/↓", brief: "Plan"),
        KeyBinding([.up, .char("k")], .previousPlan, help: "Previous plan", group: "Billing", inFooter: false),
        KeyBinding([.char("i")], .interval, help: "Monthly / yearly", group: "Billing", brief: "Interval"),
        KeyBinding([.enter], .checkout, help: "Start trial / Proceed to payment", group: "Billing", brief: "Subscribe"),
        KeyBinding([.char("b")], .buyPack, help: "Buy credit packs", group: "Billing", brief: "Buy pack"),
        KeyBinding([.char("+"), .char("=")], .biggerPack, help: "A bigger pack", group: "Billing", hint: "+/-", brief: "Pack size"),
        KeyBinding([.char("-")], .smallerPack, help: "A smaller pack", group: "Billing", inFooter: false),
        KeyBinding([.char(">")], .morePacks, help: "One pack more", group: "Billing", hint: "</>", brief: "Count"),
        KeyBinding([.char("<")], .fewerPacks, help: "One pack fewer", group: "Billing", inFooter: false),
        KeyBinding([.char("v")], .portal, help: "Billing portal: card, invoices, retry", group: "Billing", brief: "Portal"),
    ]

    static let team: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.char(" ")], .mark, help: "Select for a bulk change", group: "Team", brief: "Select"),
        KeyBinding([.char("a")], .access, help: "Access type", group: "Team", brief: "Access"),
        KeyBinding([.char("L")], .limit, help: "Credit limit", group: "Team", brief: "Limit"),
        KeyBinding([.char("i")], .invite, help: "Invite a member", group: "Team", brief: "Invite"),
        KeyBinding([.char("R")], .replace, help: "Replace seat", group: "Team", brief: "Replace"),
        KeyBinding([.char("x"), .delete], .remove, help: "Remove seat", group: "Team", brief: "Remove"),
        KeyBinding([.char("p")], .personal, help: "Switch me to Personal", group: "Team", brief: "Personal"),
        KeyBinding([.char("o")], .optIn, help: "Opt back in", group: "Team", brief: "Opt in"),
    ]

    static let usage: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.right, .char("l")], .nextUsageTab, help: "Next records tab", group: "Usage", hint: "←/→", brief: "Records"),
        KeyBinding([.left, .char("h")], .previousUsageTab, help: "Previous records tab", group: "Usage", inFooter: false),
        KeyBinding([.enter], .open, help: "Billing detail sheet", group: "Usage", brief: "Detail"),
        KeyBinding([.char("/")], .search, help: "Search as you type", group: "Usage", brief: "Search"),
        KeyBinding([.char("t")], .typeFilter, help: "Filter by type", group: "Usage", brief: "Filter"),
        KeyBinding([.char("s")], .sort, help: "Sort by the next column", group: "Usage", brief: "Sort"),
        KeyBinding([.char("S")], .reverse, help: "Reverse the sort", group: "Usage", brief: "Reverse"),
        KeyBinding([.char("e")], .export, help: "Export the view as CSV (to a file it names)", group: "Usage", brief: "Export"),
        KeyBinding([.char("[")], .earlier, help: "Earlier period", group: "Usage", brief: "Earlier"),
        KeyBinding([.char("]")], .later, help: "Later period", group: "Usage", brief: "Later"),
        KeyBinding([.char("d")], .quickPick, help: "Date range: quick picks", group: "Usage", brief: "Dates"),
        KeyBinding([.char("c")], .customDays, help: "Custom days", group: "Usage", brief: "Days"),
    ]

    /// Spending follows the Usage tab's range and filters; these move the range from here.
    static let spending: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.char("[")], .earlier, help: "Earlier period", group: "Spending", brief: "Earlier"),
        KeyBinding([.char("]")], .later, help: "Later period", group: "Spending", brief: "Later"),
        KeyBinding([.char("d")], .quickPick, help: "Date range: quick picks", group: "Spending", brief: "Dates"),
        KeyBinding([.char("c")], .customDays, help: "Custom days", group: "Spending", brief: "Days"),
    ]

    /// A confirmation: Cancel has focus until moved.
    static let dialog: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.left, .right, .tab], .switchButton, help: "Move to the other button", group: "Dialogs", hint: "←/→", brief: "Button"),
        KeyBinding([.enter, .char(" ")], .accept, help: "Press the focused button", group: "Dialogs", brief: "Choose"),
        KeyBinding([.escape, .char("n")], .cancel, help: "Cancel", group: "Dialogs", pinned: true),
    ]

    /// A line of text to type; keys not listed type themselves.
    static let prompt: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.enter], .accept, help: "OK", group: "Text entry"),
        KeyBinding([.left, .right, .home, .end], .edit, help: "Move the cursor", group: "Text entry", inFooter: false),
        KeyBinding([.backspace, .delete], .edit, help: "Delete a character", group: "Text entry", inFooter: false),
        KeyBinding([.ctrl("u"), .ctrl("k"), .ctrl("w")], .edit, help: "Delete to the start / to the end / a word", group: "Text entry", inFooter: false),
        KeyBinding([.escape], .cancel, help: "Cancel", group: "Text entry", pinned: true),
    ]

    /// A list to choose from.
    static let list: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.down, .char("j")], .down, help: "Next", group: "Lists", hint: "↑/↓", brief: "Move"),
        KeyBinding([.up, .char("k")], .up, help: "Previous", group: "Lists", inFooter: false),
        KeyBinding([.enter], .accept, help: "Choose", group: "Lists"),
        KeyBinding([.escape, .char("q")], .cancel, help: "Cancel", group: "Lists", pinned: true),
    ]

    static let portal: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.char("c")], .changeCard, help: "Change card", group: "Billing portal"),
        KeyBinding([.char("r")], .retryPayment, help: "Retry payment", group: "Billing portal"),
        KeyBinding([.escape, .char("q")], .cancel, help: "Close the portal", group: "Billing portal", pinned: true, brief: "Close"),
    ]

    static let sheet: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.down, .char("j")], .down, help: "Next charge line", group: "Detail sheet", hint: "↑/↓", brief: "Scroll"),
        KeyBinding([.up, .char("k")], .up, help: "Previous charge line", group: "Detail sheet", inFooter: false),
        KeyBinding([.pageDown], .pageDown, help: "Page down", group: "Detail sheet", hint: "PgUp/PgDn", brief: "Page"),
        KeyBinding([.pageUp], .pageUp, help: "Page up", group: "Detail sheet", inFooter: false),
        KeyBinding([.home, .char("g")], .top, help: "First charge line", group: "Detail sheet", inFooter: false),
        KeyBinding([.end, .char("G")], .bottom, help: "Last charge line", group: "Detail sheet", inFooter: false),
        KeyBinding([.escape, .enter, .char("q")], .cancel, help: "Close the sheet", group: "Detail sheet", pinned: true, brief: "Close"),
    ]

    static let help: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.down, .char("j")], .down, help: "Scroll down", group: "Help", hint: "↑/↓", brief: "Scroll"),
        KeyBinding([.up, .char("k")], .up, help: "Scroll up", group: "Help", inFooter: false),
        KeyBinding([.pageDown, .char(" ")], .pageDown, help: "Page down", group: "Help", hint: "PgUp/PgDn", brief: "Page"),
        KeyBinding([.pageUp], .pageUp, help: "Page up", group: "Help", inFooter: false),
        KeyBinding([.home, .char("g")], .top, help: "Top", group: "Help", inFooter: false),
        KeyBinding([.end, .char("G")], .bottom, help: "Bottom", group: "Help", inFooter: false),
        KeyBinding([.escape, .char("?"), .char("q"), .function(1)], .cancel, help: "Close help", group: "Help", pinned: true, brief: "Close"),
    ]

    /// What the mouse does, for the help overlay (it has no keys).
    static let mouse: [HelpOverlay.Line] = [
        HelpOverlay.Line(key: "", text: "Mouse"),
        HelpOverlay.Line(key: "Click", text: "A tab or records tab: show it; a row: select it"),
        HelpOverlay.Line(key: "Click", text: "A column header: sort by it (again: reverse)"),
        HelpOverlay.Line(key: "Wheel", text: "Scroll the rows (help: scroll the keys)"),
    ]

    /// The keys of one tab, without the general ones.
    static func own(_ tab: MainTab) -> [KeyBinding<DashboardCommand>] {
        switch tab {
        case .billing: billing
        case .team: team + rows
        case .usage: usage + rows
        case .spending: spending
        }
    }

    /// The bindings of `context`, before refusals.
    static func bindings(_ context: KeyContext) -> [KeyBinding<DashboardCommand>] {
        switch context {
        case .tab(let tab): own(tab) + general
        case .dialog: dialog
        case .prompt: prompt
        case .list: list
        case .portal: portal
        case .sheet: sheet
        case .help: help
        }
    }

    /// The context the keys of `state` go to: the modal if one is open, else the tab.
    public static func context(of state: DashboardState) -> KeyContext {
        switch state.modal {
        case nil: .tab(state.tab)
        case .confirm?: .dialog
        case .prompt?: .prompt
        case .choose?: .list
        case .portal?: .portal
        case .detail?: .sheet
        case .help?: .help
        }
    }

    /// The keys of `state`'s context, each disabled with the reason when the viewer cannot use it now.
    public static func keymap(for state: DashboardState) -> Keymap<DashboardCommand> {
        Keymap((bindings(context(of: state)) + shortcuts(of: state)).map { $0.disabled(state.refusal(of: $0.action)) })
    }

    /// The open list's items that carry a shortcut key (the date menu's `c` for custom days).
    static func shortcuts(of state: DashboardState) -> [KeyBinding<DashboardCommand>] {
        guard case .choose(let choice, _)? = state.modal else { return [] }
        return choice.shortcuts.enumerated().compactMap { index, key in
            key.map { KeyBinding([.char($0)], .pick(index), help: choice.labels[index], group: "Lists") }
        }
    }

    /// Every key of every context, for the help overlay: the current tab's first, then the
    /// general keys, the other tabs', and those of dialogs, prompts, lists, the portal, the sheet and help.
    public static func everything(for state: DashboardState) -> Keymap<DashboardCommand> {
        let others = MainTab.allCases.filter { $0 != state.tab }.flatMap { own($0) }
        let modals = [KeyContext.dialog, .prompt, .list, .portal, .sheet, .help].flatMap(bindings)
        var seen = Set<String>() // Rows are listed once
        let all = (own(state.tab) + general + others + modals).filter { seen.insert($0.group + $0.help).inserted }
        return Keymap(all.map { $0.disabled(state.refusal(of: $0.action)) })
    }
}

extension DashboardLayout {
    /// Where help is drawn: the whole screen but the footer, which shows how to scroll and close it.
    public var help: Rect { area.inset(bottom: footer.height) }
}
