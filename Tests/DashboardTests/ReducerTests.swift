@testable import Dashboard
@testable import CofferStore
import CofferCore
import CofferPresentation
import Testing
import TerminalUI

/// The reducer, action by action and key by key (SPEC §9).
@Suite("Dashboard reducer (SPEC §9)")
struct ReducerTests {
    typealias F = Fixture

    @Test("Tabs: Tab, Shift-Tab and 1–3 switch tabs and load them; tick polls; resize sizes; a change reloads the tab")
    func tabsTickResize() {
        var state = DashboardState(viewer: F.owner)
        #expect(reduce(&state, .tick(F.now)) == [.pollChanges] && state.now == F.now)
        _ = reduce(&state, .resize(Size(width: 40, height: 12)))
        #expect(state.size == Size(width: 40, height: 12))
        #expect(reduce(&state, .key(.tab)) == [.loadMembers] && state.tab == .team && state.loading == 1)
        #expect(reduce(&state, .key(.char("3"))) == [.loadUsage(UsageView())] && state.tab == .usage)
        #expect(reduce(&state, .key(.backTab)) == [.loadMembers] && state.tab == .team)
        #expect(reduce(&state, .key(.char("1"))) == [.loadBilling] && state.tab == .billing)
        #expect(reduce(&state, .changed) == [.loadBilling])
        #expect(reduce(&state, .key(.char("r"))) == [.loadBilling])
        _ = reduce(&state, .key(.char("?")))
        #expect(state.modal == .help(scroll: 0))
        _ = reduce(&state, .key(.char("x")))
        _ = reduce(&state, .key(.down))
        #expect(state.modal == .help(scroll: 1), "#19.5: help takes the keys it scrolls with and ignores others")
        _ = reduce(&state, .key(.escape))
        #expect(state.modal == nil, "Esc closes help")
        _ = reduce(&state, .key(.char("q")))
        #expect(state.quit)
    }

    @Test("R10: the plan selector offers Start trial / Proceed to payment after a confirmation; others see the reason")
    func checkout() {
        var state = F.loaded(F.owner, tab: .billing)
        _ = reduce(&state, .billingLoaded(F.billing(nil, history: false)))
        #expect(state.billing!.offersPlans)
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.char("i")))
        #expect(state.choices.plan == 1 && state.choices.yearly)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        guard case .confirm(let c, let dialog)? = state.modal else { Issue.record("no confirmation"); return }
        #expect(c.title == "Start trial" && !dialog.confirmFocused)
        let plan = F.plans[1]
        #expect(c.effect == .subscribe(tier: plan.tier, interval: plan.intervals.contains(.yearly) ? .yearly : plan.intervals[0], seats: 3))
        _ = reduce(&state, .key(.left))
        #expect(reduce(&state, .key(.enter)) == [c.effect] && state.modal == nil && state.loading == 1)
        _ = reduce(&state, .billingLoaded(F.billing(nil, history: true)))
        _ = reduce(&state, .key(.enter))
        if case .confirm(let pay, _)? = state.modal { #expect(pay.title == "Proceed to payment" && pay.message.contains("card ending 4242")) }
        var member = F.loaded(F.member, tab: .billing)
        _ = reduce(&member, .billingLoaded(F.billing(nil, viewer: F.member)))
        #expect(reduce(&member, .key(.enter)).isEmpty && member.modal == nil)
        #expect(member.status.message == "Only the primary owner can change the subscription")
    }

    @Test("R7: the billing portal loads invoices, changes the card and retries after confirmations; members are refused")
    func portal() {
        var state = F.loaded(F.owner, tab: .billing)
        #expect(reduce(&state, .key(.char("v"))) == [.loadInvoices] && state.modal == .portal(nil))
        let invoice = Invoice(id: 1, createdAt: F.now, description: "Pro monthly × 3", amountCents: 29_700, status: "paid", failure: nil)
        _ = reduce(&state, .invoicesLoaded([invoice]))
        #expect(state.modal == .portal([invoice]))
        _ = reduce(&state, .key(.char("c")))
        for c in "4242 4242 4242 4242" { _ = reduce(&state, .key(.char(c))) }
        _ = reduce(&state, .key(.enter))
        guard case .confirm(let save, _)? = state.modal else { Issue.record("no confirmation"); return }
        #expect(save.effect == .setCard("4242424242424242"))
        _ = reduce(&state, .key(.char("v")))
        #expect(state.modal == .confirm(save, DialogState()), "keys go to the open dialog first")
        _ = reduce(&state, .key(.escape))
        #expect(reduce(&state, .key(.char("v"))) == [.loadInvoices] && state.modal == .portal(nil))
        _ = reduce(&state, .key(.char("r")))
        #expect(state.modal == .portal(nil) && state.status.message == "No payment is outstanding", "R7: said before asking")
        _ = reduce(&state, .billingLoaded(F.billing(.pastDue)))
        _ = reduce(&state, .key(.char("r")))
        guard case .confirm(let retry, _)? = state.modal else { Issue.record("no confirmation"); return }
        #expect(retry.effect == .retryPayment)
        var member = F.loaded(F.member, tab: .billing)
        #expect(reduce(&member, .key(.char("v"))).isEmpty && member.status.message == "Only the primary owner can manage billing")
    }

    @Test("R23: b asks before it charges (Cancel by default), +/- choose the pack; a disabled button says why")
    func buyPack() {
        var state = F.loaded(F.owner, tab: .billing)
        _ = reduce(&state, .key(.char("+")))
        #expect(state.choices.pack == 2)
        _ = reduce(&state, .key(.char("b")))
        let screen = F.render(state, width: 100, height: 30)
        #expect(screen.contains("Buy a $50.000 credit pack for") && screen.contains("[ Cancel ]"))
        #expect(reduce(&state, .key(.enter)).isEmpty && state.modal == nil, "Enter on the default cancels")
        _ = reduce(&state, .key(.char("b")))
        _ = reduce(&state, .key(.left))
        #expect(reduce(&state, .key(.enter)) == [.buyPack(.whole(50), count: 1)])
        for key in [">", ">", ">", "<"] { _ = reduce(&state, .key(.char(Character(key)))) }
        #expect(state.choices.packCount == 3)
        _ = reduce(&state, .key(.char("b")))
        if case .confirm(let c, _)? = state.modal { #expect(c.message == "Buy 3 × $50.000 credit packs for $150.00, charged to the card on file?") }
        _ = reduce(&state, .key(.left))
        #expect(reduce(&state, .key(.enter)) == [.buyPack(.whole(50), count: 3)], "R23: several at once")
        _ = reduce(&state, .billingLoaded(F.billing(.pastDue)))
        #expect(reduce(&state, .key(.char("b"))).isEmpty && state.modal == nil)
        #expect(state.status.message == "Your subscription is Past due: packs can be bought again once it is active")
    }

    @Test("Team: Space marks, the bulk bar sets access type and limit for the marked; bad input keeps the prompt open")
    func bulk() {
        var state = F.loaded(F.owner, tab: .team)
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.char(" ")))
        _ = reduce(&state, .key(.char(" ")))
        #expect(state.team.table.marked == [1, 2] && state.team.table.selected == 3)
        #expect(F.render(state, width: 120, height: 40).contains("2 selected"))
        _ = reduce(&state, .key(.char("a")))
        _ = reduce(&state, .key(.down))
        #expect(reduce(&state, .key(.enter)) == [.setAccess(["grace@acme.test", "max@acme.test"], .credits)])
        _ = reduce(&state, .key(.char("L")))
        for c in "12.3456" { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.status.message == "Amounts have at most three decimals: 12.3456")
        guard case .prompt? = state.modal else { Issue.record("the prompt closed"); return }
        for _ in 0..<7 { _ = reduce(&state, .key(.backspace)) }
        for c in "50" { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)) == [.setLimit(["grace@acme.test", "max@acme.test"], .whole(50))])
        _ = reduce(&state, .key(.char("L")))
        for c in "none" { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)) == [.setLimit(["grace@acme.test", "max@acme.test"], nil)])
        #expect(reduce(&state, .done(.membersChanged(["grace@acme.test", "max@acme.test"], .limit(nil)))) == [.loadMembers, .loadBilling])
        #expect(state.team.table.marked.isEmpty && state.status.level == .success)
        _ = reduce(&state, .key(.char(" ")))
        _ = reduce(&state, .key(.escape))
        #expect(state.team.table.marked.isEmpty, "Esc clears the marks")
    }

    @Test("R26: invite, replace and remove seat dialogs; removing asks first with Cancel focused; R7 refusals for members")
    func seats() {
        var state = F.loaded(F.owner, tab: .team)
        _ = reduce(&state, .key(.char("i")))
        for c in "not-an-email" { _ = reduce(&state, .key(.char(c))) }
        _ = reduce(&state, .key(.enter))
        #expect(state.status.level == .error && state.modal != nil)
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .key(.char("i")))
        for c in " Zoe@Acme.test " { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)) == [.invite("zoe@acme.test")])
        _ = reduce(&state, .key(.char("j")))
        _ = reduce(&state, .key(.char("R")))
        for c in "joe@acme.test" { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)) == [.replaceSeat(from: "grace@acme.test", to: "joe@acme.test")])
        _ = reduce(&state, .key(.char("x")))
        guard case .confirm(let c, let d)? = state.modal else { Issue.record("no confirmation"); return }
        #expect(c.destructive && !d.confirmFocused && c.effect == .removeSeat("grace@acme.test"))
        #expect(reduce(&state, .key(.char("n"))).isEmpty && state.modal == nil)
        #expect(reduce(&state, .failed("The owner's seat cannot be removed")).isEmpty && state.status.message == "The owner's seat cannot be removed")
        var member = F.loaded(F.member, tab: .team)
        for key in ["i", "R", "x", "a", "L"] {
            #expect(reduce(&member, .key(.char(Character(key)))).isEmpty && member.modal == nil)
            #expect(member.status.message == "Only the owner can manage team", "\(key)")
        }
        #expect(reduce(&member, .key(.char("o"))).isEmpty && member.status.message == "You are already on the team (Credits access)")
        #expect(reduce(&member, .key(.char("p"))) == [.switchAccess(toPersonal: true)])
        _ = reduce(&member, .membersLoaded(F.members.map { $0.email == F.member.email ? F.member("Max Mustermann", $0.email, .member, .personal) : $0 }))
        #expect(reduce(&member, .key(.char("p"))).isEmpty && member.status.message == "You are already on Personal access")
        #expect(reduce(&member, .key(.char("o"))) == [.switchAccess(toPersonal: false)])
    }

    @Test("SPEC §7: [ ] step the range a period, d lists the quick picks, c types days; stale answers are ignored")
    func dateRange() {
        var state = F.loaded(F.owner, tab: .usage)
        var view = UsageView(tab: .conversations, window: .quick(.last30, back: 1))
        #expect(reduce(&state, .key(.char("["))) == [.loadUsage(view)])
        #expect(state.usage.rows == nil && state.usage.summary == nil, "the old range's figures are gone until the new ones arrive")
        view.window = .quick(.last30)
        #expect(reduce(&state, .key(.char("]"))) == [.loadUsage(view)])
        #expect(reduce(&state, .key(.char("]"))).isEmpty, "not past now")
        _ = reduce(&state, .key(.char("d")))
        guard case .choose(let picks, selected: 1)? = state.modal else { Issue.record("no range list"); return }
        #expect(picks.labels == ["Last 7 days", "Last 30 days", "Last 3 months", "All time", "Custom days…"])
        _ = reduce(&state, .key(.down))
        view.window = .quick(.last3m)
        #expect(reduce(&state, .key(.enter)) == [.loadUsage(view)])
        _ = reduce(&state, .key(.char("c")))
        guard case .prompt(_, let field)? = state.modal else { Issue.record("no prompt"); return }
        #expect(field.text == "\(UTC.dateString(UTC.addingMonths(-3, to: F.now) + UTC.day)) \(UTC.dateString(F.now))",
                "the whole days of the window, ending today")
        for _ in 0..<30 { _ = reduce(&state, .key(.backspace)) }
        for c in "2026-11-10 2026-11-01" { _ = reduce(&state, .key(.char(c))) }
        #expect(reduce(&state, .key(.enter)).isEmpty && state.status.message == "The first day comes after the last")
        for _ in 0..<30 { _ = reduce(&state, .key(.backspace)) }
        for c in "2026-11-01 2026-11-10" { _ = reduce(&state, .key(.char(c))) }
        let days = DateWindow.days(from: try! UTC.parse("2026-11-01"), to: try! UTC.parse("2026-11-10"))
        view.window = days
        #expect(reduce(&state, .key(.enter)) == [.loadUsage(view)])
        view.window = .days(from: try! UTC.parse("2026-10-22"), to: try! UTC.parse("2026-10-31"))
        #expect(reduce(&state, .key(.char("["))) == [.loadUsage(view)], "custom days step by their own length")
        let page = UsagePage(rows: F.rows, next: nil)
        _ = reduce(&state, .usageLoaded(UsageView(), page, UsageSummary(count: 1, messages: Quantity(milliunits: 1), credits: Credits(millicredits: 1))))
        #expect(state.usage.rows == nil, "an answer for another view is stale")
        #expect(F.render(state, width: 120, height: 40).contains("2026-10-22 → 2026-10-31"))
    }

    @Test("Issue #19.9: one model of a range — exact windows labelled to the minute, custom whole days, one day allowed, c in the date menu")
    func rangeModel() throws {
        let now = F.now // 2026-11-18 11:06:40 UTC
        #expect(DateWindow.quick(.last7, back: 1).title(now: now) == "2026-11-04 11:06 → 2026-11-11 11:06",
                "a stepped-back 168-hour window is labelled as exactly that, not as 8 days")
        #expect(DateWindow.quick(.last7).bar(now: now).from == "2026-11-11 11:06")
        let day = try UTC.parse("2026-11-12")
        #expect(DateWindow.days(from: day, to: day).title(now: now) == "2026-11-12")
        #expect(DateWindow.days(from: day, to: day).stepped(earlier: true, now: now) == .days(from: day - UTC.day, to: day - UTC.day),
                "one day steps by one day")
        for (pick, days) in [(QuickRange.last7, 7), (.last30, 30)] {
            let whole = DateWindow.quick(pick).wholeDays(now: now)
            #expect((whole.to - whole.from) / UTC.day + 1 == Int64(days) && whole.to == UsageFilter.dayStart(now), "\(pick)")
        }

        var state = F.loaded(F.owner, tab: .usage)
        _ = reduce(&state, .key(.char("d")))
        #expect(F.render(state, width: 80, height: 24).contains("Custom days…"))
        _ = reduce(&state, .key(.char("c")))
        guard case .prompt(let prompt, let field)? = state.modal, prompt.purpose == .days else { Issue.record("c in the date menu types days"); return }
        #expect(field.text == "2026-10-20 2026-11-18", "Last 30 days pre-fills 30 whole days")
        for _ in 0..<30 { _ = reduce(&state, .key(.backspace)) }
        for c in "2026-11-12" { _ = reduce(&state, .key(.char(c))) }
        let view = UsageView(tab: .conversations, window: .days(from: day, to: day))
        #expect(reduce(&state, .key(.enter)) == [.loadUsage(view)], "a single day is a range")
        #expect(F.render(state, width: 120, height: 40).contains("◀ 2026-11-12 ▶"))
    }

    @Test("DateWindow: quick picks stepped back and custom days give the SPEC §7 dates")
    func windows() {
        let now = F.now
        #expect(DateWindow.quick(.last7, back: 2).filter(now: now) == .lastDays(7, now: now - 14 * UTC.day))
        #expect(DateWindow.quick(.last3m, back: 1).filter(now: now) == .lastMonths(3, now: UTC.addingMonths(-3, to: now)))
        #expect(DateWindow.quick(.all).stepped(earlier: true, now: now) == nil)
        #expect(DateWindow.quick(.last7).title(now: now) == "Last 7 days")
        #expect(DateWindow.quick(.last7, back: 1).title(now: now).contains("→"))
    }

    @Test("Usage: / searches (Conversations only), t filters by type, Esc clears search then filter; s/S sort; h/l tabs")
    func searchFilterSort() {
        var state = F.loaded(F.owner, tab: .usage)
        _ = reduce(&state, .key(.char("/")))
        var effects: [DashboardEffect] = []
        for c in "plan" { effects = reduce(&state, .key(.char(c))) }
        var view = UsageView()
        view.search = "plan"
        #expect(effects == [.loadUsage(view)], "#19.12: the search applies as it is typed")
        #expect(reduce(&state, .key(.enter)).isEmpty && state.modal == nil && state.usage.view == view)
        #expect(reduce(&state, .key(.char("t"))) == [.loadTypeFilter(.conversations)])
        let choice = Choice(purpose: .typeFilter(.conversations), title: "Filter by type", labels: ["All", "message", "image", "video"],
                            values: [nil, "message", "image", "video"])
        _ = reduce(&state, .choicesLoaded(choice))
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.down))
        view.type = "image"
        #expect(reduce(&state, .key(.enter)) == [.loadUsage(view)])
        view.search = ""
        #expect(reduce(&state, .key(.escape)) == [.loadUsage(view)])
        view.type = nil
        #expect(reduce(&state, .key(.escape)) == [.loadUsage(view)])
        view.sortField = .messages
        #expect(reduce(&state, .key(.char("s"))) == [.loadUsage(view)])
        view.descending = false
        #expect(reduce(&state, .key(.char("S"))) == [.loadUsage(view)])
        #expect(reduce(&state, .key(.char("l"))) == [.loadUsage(UsageView(tab: .calls))])
        #expect(reduce(&state, .key(.char("/"))).isEmpty && state.status.message == "Search is on the Conversations tab")
        #expect(reduce(&state, .key(.char("h"))) == [.loadUsage(UsageView(tab: .conversations))])
    }

    @Test("Usage: the cursor near the end fetches the next page once; Enter opens the billing detail sheet, Esc closes it")
    func pagingAndDetail() {
        var state = F.loaded(F.owner, tab: .usage, size: Size(width: 120, height: 12))
        let next = UsageCursor(value: 1, id: 30)
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: next), UsageSummary(count: 60, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        #expect(reduce(&state, .key(.down)).isEmpty)
        for _ in 0..<8 { #expect(reduce(&state, .key(.pageDown)).isEmpty) }
        #expect(reduce(&state, .key(.pageDown)) == [.loadMoreUsage(UsageView(), next)])
        #expect(reduce(&state, .key(.pageUp)).isEmpty, "one fetch at a time")
        _ = reduce(&state, .usageMoreLoaded(UsageView(), UsagePage(rows: F.rows, next: nil)))
        #expect(state.usage.rows?.count == 60 && state.usage.next == nil)
        state.usage.rows! += Array(repeating: F.rows[0], count: UsageState.pageSize)
        #expect(reduce(&state, .changed) == [.refreshUsage(UsageView(), rows: 60 + UsageState.pageSize)], "a refresh keeps every row shown")
        _ = reduce(&state, .key(.home))
        #expect(reduce(&state, .key(.enter)) == [.loadDetail("conv-1")])
        _ = reduce(&state, .detailLoaded("conv-1", []))
        #expect(F.render(state, width: 100, height: 30).contains("Billing detail · conv-1"))
        _ = reduce(&state, .key(.escape))
        #expect(state.modal == nil)
    }

    @Test("The page shows before its totals: loading lasts until the summary arrives; a stale summary is dropped")
    func pageBeforeSummary() {
        var state = F.loaded(F.owner, tab: .usage)
        _ = reduce(&state, .key(.char("S")))
        #expect(state.loading == 1)
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: nil), nil))
        #expect(state.usage.rows?.count == 30 && state.usage.summary == nil && state.loading == 1)
        _ = reduce(&state, .summaryLoaded(UsageView(), UsageSummary(count: 9, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        #expect(state.usage.summary == nil && state.loading == 0, "another view's totals are stale")
        _ = reduce(&state, .key(.char("S")))
        _ = reduce(&state, .summaryLoaded(state.usage.view, UsageSummary(count: 30, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        #expect(state.usage.summary?.count == 30)
    }

    @Test("SPEC §7: the workspace switcher moves the viewer and resets filters")
    func workspaces() {
        var state = F.loaded(F.owner, tab: .usage)
        _ = reduce(&state, .key(.char("[")))
        #expect(reduce(&state, .key(.char("w"))) == [.loadWorkspaces])
        _ = reduce(&state, .choicesLoaded(Choice(purpose: .workspace, title: "Switch workspace", labels: ["Acme", "Beta"], values: ["acme", "beta"])))
        #expect(state.modal == .choose(Choice(purpose: .workspace, title: "Switch workspace", labels: ["Acme", "Beta"], values: ["acme", "beta"]), selected: 0))
        _ = reduce(&state, .key(.down))
        #expect(reduce(&state, .key(.enter)) == [.switchWorkspace("beta")])
        let beta = Actor(userID: 1, email: "ada@acme.test", workspaceID: 2, workspaceSlug: "beta", workspaceName: "Beta", role: .member, pending: false)
        #expect(reduce(&state, .viewerChanged(beta)) == [.loadUsage(UsageView())])
        #expect(state.viewer == beta && state.usage.view == UsageView() && state.tab == .usage && state.billing == nil)
    }

    @Test("Mouse: tabs switch, a header sorts, a row selects, the wheel scrolls; nothing while a dialog is open")
    func mouse() {
        var state = F.loaded(F.owner, tab: .billing, size: Size(width: 120, height: 40))
        let layout = state.layout
        #expect(reduce(&state, .mouse(Mouse(.click, at: Point(x: 14, y: layout.tabs.y)))) == [.loadMembers] && state.tab == .team)
        _ = reduce(&state, .mouse(Mouse(.click, at: Point(x: 5, y: layout.teamTable.y + 3))))
        #expect(state.team.table.selected == 2)
        _ = reduce(&state, .mouse(Mouse(.wheelDown, at: Point(x: 5, y: 10))))
        #expect(state.team.table.selected == 4)
        _ = reduce(&state, .key(.char("3")))
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: nil), UsageSummary(count: 30, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        let credits = UsageTable(tab: .conversations, showsUsers: true)
        let table = Table(columns: credits.columns.map(\.tableColumn), showsPosition: true)
        let x = (0..<120).first { table.column(at: Point(x: $0, y: layout.usageTable.y), in: layout.usageTable,
                                               state: state.usage.table, dataSource: state.usageRows(theme: nil)) == 3 }!
        var view = UsageView()
        view.sortField = .credits
        #expect(reduce(&state, .mouse(Mouse(.click, at: Point(x: x, y: layout.usageTable.y)))) == [.loadUsage(view)])
        _ = reduce(&state, .usageLoaded(view, UsagePage(rows: F.rows, next: nil), UsageSummary(count: 30, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        view.descending = false
        #expect(reduce(&state, .mouse(Mouse(.click, at: Point(x: x, y: layout.usageTable.y)))) == [.loadUsage(view)], "again: reversed")
        _ = reduce(&state, .usageLoaded(view, UsagePage(rows: F.rows, next: nil), UsageSummary(count: 30, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))))
        _ = reduce(&state, .mouse(Mouse(.click, at: Point(x: 5, y: layout.usageTable.y + 5))))
        #expect(state.usage.table.selected == 4)
        _ = reduce(&state, .key(.char("?")))
        _ = reduce(&state, .mouse(Mouse(.wheelDown, at: Point(x: 5, y: 5))))
        _ = reduce(&state, .mouse(Mouse(.click, at: Point(x: 5, y: 5))))
        #expect(state.modal == .help(scroll: 3), "#19.5: the wheel scrolls help; a click does not close it")
        _ = reduce(&state, .key(.char("q")))
        #expect(state.modal == nil && !state.quit, "q closes help, not the dashboard")
        _ = reduce(&state, .key(.char("c")))
        #expect(reduce(&state, .mouse(Mouse(.click, at: Point(x: 14, y: layout.tabs.y)))).isEmpty && state.tab == .usage)
    }
}
