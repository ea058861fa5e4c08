import TerminalUI

/// The commands behind the keys; the footer and `?` help are generated from the keymaps.
public enum DashboardCommand: Sendable, Equatable {
    case nextTab, previousTab, showBilling, showTeam, showUsage, workspaces, refresh, help, quit
    // Billing
    case nextPlan, previousPlan, interval, checkout, portal, biggerPack, smallerPack, morePacks, fewerPacks, buyPack
    // Team
    case up, down, pageUp, pageDown, top, bottom, mark, invite, replace, remove, access, limit, personal, optIn
    // Usage
    case nextUsageTab, previousUsageTab, earlier, later, quickPick, customDays, search, typeFilter, sort, reverse, open
}

/// The keymaps: one source for handling keys, the footer and the help overlay (SPEC §9).
public enum DashboardKeys {
    /// Keys that work on every tab.
    static let general: [KeyBinding<DashboardCommand>] = [
        KeyBinding([.tab], .nextTab, help: "Next tab", group: "Tabs"),
        KeyBinding([.backTab], .previousTab, help: "Previous tab", group: "Tabs", inFooter: false),
        KeyBinding([.char("1")], .showBilling, help: "Billing", group: "Tabs", inFooter: false),
        KeyBinding([.char("2")], .showTeam, help: "Team", group: "Tabs", inFooter: false),
        KeyBinding([.char("3")], .showUsage, help: "Usage", group: "Tabs", inFooter: false),
        KeyBinding([.char("w")], .workspaces, help: "Workspace", group: "General"),
        KeyBinding([.char("r"), .ctrl("l")], .refresh, help: "Refresh and redraw", group: "General", inFooter: false),
        KeyBinding([.char("?"), .function(1)], .help, help: "Help", group: "General"),
        KeyBinding([.char("q")], .quit, help: "Quit", group: "General"),
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
        KeyBinding([.down, .char("j")], .nextPlan, help: "Next plan", group: "Billing", inFooter: false),
        KeyBinding([.up, .char("k")], .previousPlan, help: "Previous plan", group: "Billing", inFooter: false),
        KeyBinding([.char("i")], .interval, help: "Monthly / yearly", group: "Billing", inFooter: false),
        KeyBinding([.enter], .checkout, help: "Start trial / Proceed to payment", group: "Billing", inFooter: false),
        KeyBinding([.char("b")], .buyPack, help: "Buy pack", group: "Billing"),
        KeyBinding([.char("+"), .char("=")], .biggerPack, help: "A bigger pack", group: "Billing", inFooter: false),
        KeyBinding([.char("-")], .smallerPack, help: "A smaller pack", group: "Billing", inFooter: false),
        KeyBinding([.char(">")], .morePacks, help: "One pack more", group: "Billing", inFooter: false),
        KeyBinding([.char("<")], .fewerPacks, help: "One pack fewer", group: "Billing", inFooter: false),
        KeyBinding([.char("v")], .portal, help: "Billing portal", group: "Billing"),
    ]

    static let team: [KeyBinding<DashboardCommand>] = rows + [
        KeyBinding([.char(" ")], .mark, help: "Select", group: "Team"),
        KeyBinding([.char("a")], .access, help: "Access type", group: "Team"),
        KeyBinding([.char("L")], .limit, help: "Limit", group: "Team"),
        KeyBinding([.char("i")], .invite, help: "Invite", group: "Team"),
        KeyBinding([.char("R")], .replace, help: "Replace seat", group: "Team", inFooter: false),
        KeyBinding([.char("x"), .delete], .remove, help: "Remove seat", group: "Team", inFooter: false),
        KeyBinding([.char("p")], .personal, help: "Switch me to Personal", group: "Team"),
        KeyBinding([.char("o")], .optIn, help: "Opt back in", group: "Team"),
    ]

    static let usage: [KeyBinding<DashboardCommand>] = rows + [
        KeyBinding([.right, .char("l")], .nextUsageTab, help: "Next records tab", group: "Usage", inFooter: false),
        KeyBinding([.left, .char("h")], .previousUsageTab, help: "Previous records tab", group: "Usage", inFooter: false),
        KeyBinding([.char("[")], .earlier, help: "Earlier", group: "Usage"),
        KeyBinding([.char("]")], .later, help: "Later", group: "Usage"),
        KeyBinding([.char("d")], .quickPick, help: "Dates", group: "Usage"),
        KeyBinding([.char("c")], .customDays, help: "Custom days", group: "Usage", inFooter: false),
        KeyBinding([.char("/")], .search, help: "Search", group: "Usage"),
        KeyBinding([.char("t")], .typeFilter, help: "Filter", group: "Usage"),
        KeyBinding([.char("s")], .sort, help: "Sort by the next column", group: "Usage", inFooter: false),
        KeyBinding([.char("S")], .reverse, help: "Reverse the sort", group: "Usage", inFooter: false),
        KeyBinding([.enter], .open, help: "Billing detail sheet", group: "Usage", inFooter: false),
    ]

    private static let maps: [MainTab: Keymap<DashboardCommand>] = [
        .billing: Keymap(billing + general), .team: Keymap(team + general), .usage: Keymap(usage + general),
    ]

    /// The keys of `tab`: its own first, then the general ones.
    public static func keymap(for tab: MainTab) -> Keymap<DashboardCommand> { maps[tab]! }
}
