@testable import Dashboard
@testable import CofferStore
import CofferCore
import CofferPresentation
import Foundation
import Testing
import TerminalUI

/// Issue #19 points 1, 3, 7, 8, 11 and 12: the detail sheet scrolls, figures are whole, the viewer's
/// own wallet shows, End reaches the real last row, columns fit their data, and the small words.
@Suite("Issue #19: tables, the sheet, cut text, the viewer's wallet")
struct TablesAndFiguresTests {
    typealias F = Fixture

    /// `count` charge lines of one conversation, a cent-ish apart.
    static func lines(_ count: Int) -> [ChargeLine] {
        (0..<count).map { i in
            ChargeLine(eventID: "e\(i)", time: F.now - Int64(count - i) * 60, service: "gpt-4o", billingType: .message,
                       quantity: .whole(1), credits: Credits(millicredits: 1_250), units: .zero, user: nil,
                       grants: [.init(grant: 7, source: "subscription_renewal", detail: "", amount: .credits(Credits(millicredits: 1_250)))])
        }
    }

    static func screen(_ state: DashboardState, _ width: Int, _ height: Int) -> [String] {
        var buffer = Buffer(width: width, height: height)
        DashboardView.render(state, into: &buffer, theme: Theme.detect(colorCount: 256, environment: ["LANG": "C.UTF-8"]))
        return (0..<height).map(buffer.line)
    }

    @Test("#19.1 SPEC §7: the detail sheet of 45 lines scrolls with j, ↓, PgDn, End, G and the wheel, with its position and totals")
    func sheetScrolls() {
        var state = F.loaded(F.owner, tab: .usage, size: Size(width: 80, height: 24))
        _ = reduce(&state, .detailLoaded("conv-1", Self.lines(45)))
        var text = Self.screen(state, 80, 24)
        #expect(text.contains { $0.contains("45 charge lines · $56.250 credits") && $0.contains("row 1 of 45") }, "\(text)")
        ScreenTests.expectSnapshot(F.render(state, width: 80, height: 24, styles: true), named: "sheet-45-lines-80x24")
        let page = state.layout.sheet(lines: 45).pageSize
        func selected() -> Int { if case .detail(_, _, let table)? = state.modal { return table.selected }; return -1 }
        for (key, expected) in [(Key.char("j"), 1), (.down, 2), (.pageDown, 2 + page), (.end, 44), (.char("k"), 43), (.home, 0), (.char("G"), 44)] {
            _ = reduce(&state, .key(key))
            #expect(selected() == expected, "\(key)")
        }
        text = Self.screen(state, 80, 24)
        #expect(text.contains { $0.contains("row 45 of 45") })
        #expect(text.contains { $0.contains(UTC.short(F.now - 60)) }, "the last charge line is on screen")
        _ = reduce(&state, .mouse(Mouse(.wheelUp, at: Point(x: 40, y: 12))))
        #expect(selected() == 41, "the wheel scrolls three lines")
        _ = reduce(&state, .key(.char(" ")))
        #expect(selected() == 41 && state.modal != nil, "Space marks nothing and closes nothing")
        _ = reduce(&state, .key(.escape))
        #expect(state.modal == nil)
    }

    @Test("#19.8: End reads the last page from the other end, shows row M of M; up near its top reads the page before; Home the first page")
    func endReachesTheLastRow() {
        var state = F.loaded(F.owner, tab: .usage, size: Size(width: 120, height: 30))
        let next = UsageCursor(value: 1, id: 30)
        let summary = UsageSummary(count: 1_000, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 0))
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: next), summary))
        #expect(Self.screen(state, 120, 30).contains { $0.hasSuffix("row 1 of 1,000 ") })
        #expect(reduce(&state, .key(.char("G"))) == [.loadUsageEnd(UsageView())])
        let previous = UsageCursor(value: 5, id: 971)
        _ = reduce(&state, .usageEndLoaded(UsageView(), UsagePage(rows: F.rows, next: previous), summary))
        #expect(state.usage.first == 970 && state.usage.table.selected == 999 && state.usage.current == F.rows[29])
        #expect(Self.screen(state, 120, 30).contains { $0.hasSuffix("row 1,000 of 1,000 ") })
        #expect(reduce(&state, .key(.pageUp)) == [.loadEarlierUsage(UsageView(), previous)], "near the top of the window: the page before")
        #expect(reduce(&state, .key(.pageUp)).isEmpty, "one fetch at a time")
        _ = reduce(&state, .usageEarlierLoaded(UsageView(), UsagePage(rows: F.rows, next: UsageCursor(value: 9, id: 941))))
        #expect(state.usage.first == 940 && state.usage.rows?.count == 60)
        _ = reduce(&state, .usageMoreLoaded(UsageView(), UsagePage(rows: F.rows, next: nil)))
        #expect(state.usage.rows?.count == 60, "a page after the old window, arriving after End, is dropped")
        #expect(reduce(&state, .key(.home)) == [.loadUsage(UsageView())] && state.usage.table.selected == 0 && state.usage.first == 0)
        _ = reduce(&state, .usageEarlierLoaded(UsageView(), UsagePage(rows: F.rows, next: nil)))
        #expect(state.usage.rows == nil, "a page before the old window, arriving after Home, is dropped")
    }

    @Test("#19.8 on a real file: End answers the rows a walk from the top ends with, and the totals")
    func endOnARealDatabase() throws {
        let demo = try DemoDatabase(records: 1_200)
        // The tab with the most rows: more than one page of them.
        let tab = try [UsageTab.conversations, .calls, .imports].max {
            try UsageQueries(demo.store).summary($0, filter: UsageFilter(), actor: demo.owner).count
                < UsageQueries(demo.store).summary($1, filter: UsageFilter(), actor: demo.owner).count
        }!
        let view = UsageView(tab: tab, window: .quick(.all))
        let engine = DashboardEngine(store: demo.store, viewer: demo.owner)
        engine.perform([.loadUsageEnd(view)])
        engine.wait()
        guard case .usageEndLoaded(_, let page, let summary)? = engine.drain().first else { Issue.record("no answer"); return }
        let all = try UsageQueries(demo.store).all(tab, filter: UsageFilter(), sort: view.sort, actor: demo.owner)
        #expect(all.count > UsageState.pageSize && summary.count == Int64(all.count))
        #expect(page.rows == Array(all.suffix(UsageState.pageSize)) && page.next == page.rows.first?.cursor)
    }

    @Test("#19.8: All time shows its totals in the summary bar")
    func allTimeTotals() {
        var state = F.loaded(F.member, tab: .usage)
        state.usage.view.window = .quick(.all)
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: nil), UsageSummary(count: 30, messages: Quantity(milliunits: 60_000), credits: Credits(millicredits: 581_250))))
        #expect(Self.screen(state, 120, 40).contains { $0.contains("Messages 60  ·  Credits $581.250  ·  Conversations 30") })
    }

    @Test("#19.3: at 80×24, 120×40, 40×12 and 30×8 every dollar figure on Billing is whole, and long values wrap", arguments: [(120, 40), (80, 24), (40, 12), (30, 8)])
    func figuresAreWhole(size: (Int, Int)) throws {
        var state = F.loaded(F.owner, tab: .billing, size: Size(width: size.0, height: size.1))
        var snapshot = F.billing()
        snapshot = BillingSnapshot(subscription: F.subscription(.active, features: ["All models", "Shared credit pool", "MCP-HTTP calls",
                                                                                  "Brand and product imports", "Mentorship hours", "Event tickets"]),
                                   balance: F.balance(pool: 1_305_000), packs: snapshot.packs, checkout: snapshot.checkout, plans: snapshot.plans,
                                   spending: snapshot.spending)
        _ = reduce(&state, .billingLoaded(snapshot))
        let text = Self.screen(state, size.0, size.1)
        let figure = try Regex(#"^[\[(]?[-+]?\$[0-9]{1,3}(,[0-9]{3})*(\.[0-9]{2,3})?[\]),;:]?$"#)
        for line in text {
            for word in line.split(separator: " ") where word.contains("$") {
                #expect(word.wholeMatch(of: figure) != nil, "a cut figure \(word) in \(line)")
            }
        }
        if size.1 >= 12 {
            #expect(text.contains { $0.contains("$1,305.000") }, "the balance, whole")
            #expect(text.contains { $0.contains("Plan") } && text.contains { $0.contains("Active") }, "plan and status come first")
        }
        if size == (120, 40) {
            #expect(text.contains { $0.contains("Event tickets") }, "features wrap rather than stop")
            #expect(text.contains { $0.contains("$1,000") } && text.contains { $0.contains("×1") }, "the pack row whole")
        }
    }

    @Test("#19.7 R29: a member on Personal access sees their personal wallet on Billing, and is told which wallet it is")
    func personalWallet() throws {
        let demo = try DemoDatabase(records: 0)
        let gus = try Workspaces(demo.store).actor(email: DemoData.members[7], workspace: nil)
        let engine = DashboardEngine(store: demo.store, viewer: gus)
        engine.perform([.loadBilling])
        engine.wait()
        guard case .billingLoaded(let snapshot)? = engine.drain().first else { Issue.record("no billing"); return }
        #expect(snapshot.balance.payer == .personal)
        let personal = snapshot.balance.wallets.first { $0.kind == .personal && $0.asset == .credits }!.balance
        #expect(snapshot.balance.payerCredits.millicredits == personal)
        var state = F.loaded(gus, tab: .billing)
        _ = reduce(&state, .billingLoaded(snapshot))
        let text = Self.screen(state, 120, 40)
        #expect(text.contains { $0.contains("Credit balance") && $0.contains(Credits(millicredits: personal).description) })
        #expect(text.contains { $0.contains("Paid from") && $0.contains("your personal wallet") })
        #expect(text.contains { $0.contains("Team pool") && $0.contains(snapshot.balance.poolCredits.description) })
        let owner = try Balances(demo.store).report(for: demo.owner)
        #expect(owner.payer == .teamPool && owner.payerCredits == owner.poolCredits)
    }

    @Test("#19.12: packs say how many of which size; a card that paid the overdue invoice says the subscription is Active again")
    func smallWords() throws {
        #expect(DashboardOutcome.packBought(count: 2, amount: .whole(50), balance: .whole(1_234)).message
                == "Bought 2 × $50 credit packs: the team pool holds $1,234.000")
        #expect(DashboardOutcome.packBought(count: 1, amount: .whole(1_000), balance: .whole(1_234)).message
                == "Bought a $1,000 credit pack: the team pool holds $1,234.000")
        #expect(DashboardOutcome.cardSaved(last4: "4242", retried: .pastDue).message
                == "Card ending 4242 saved, but the outstanding payment failed again: the subscription is Past due")
        // On a real file: a trial ends on a card that fails, the subscription is Past due; a good card pays it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-card-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = SimulatedClock(try UTC.parse("2026-01-31T10:00:00Z"))
        let store = try CofferStore(path: folder.appendingPathComponent("c.sqlite").path, catalog: PolicyLadder.catalog, clock: { clock.now })
        defer { try? store.close() }
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        let plan = PolicyLadder.catalog.plans.first { !$0.isFree && $0.trialDays > 0 }!
        try Subscriptions(store).subscribe(actor: ada, plan: plan.tier, interval: plan.intervals[0], seats: 1, card: "4000000000000341")
        clock.now += Int64(plan.trialDays + 1) * UTC.day
        try store.settle()
        #expect(try Subscriptions(store).show(actor: ada).status == .pastDue)
        let engine = DashboardEngine(store: store, viewer: ada)
        engine.perform([.setCard("4242424242424242")])
        engine.wait()
        guard case .done(let outcome)? = engine.drain().first else { Issue.record("no outcome"); return }
        #expect(outcome == .cardSaved(last4: "4242", retried: .active))
        #expect(outcome.message == "Card ending 4242 saved; the outstanding payment went through: the subscription is Active again")
    }

    @Test("#18.2: on a real file, Billing's 30-day spending is the usage summaries' credits of the same UTC days, and the screen shows its total and peak")
    func spendingFromTheStore() throws {
        let demo = try DemoDatabase()
        let engine = DashboardEngine(store: demo.store, viewer: demo.owner)
        engine.perform([.loadBilling])
        engine.wait()
        guard case .billingLoaded(let snapshot)? = engine.drain().first else { Issue.record("no billing"); return }
        let days = snapshot.spending.days
        #expect(days == Runway.days(endingAt: demo.end) && snapshot.spending.credits.count == 30)
        let (from, to) = (UTC.dateString(days.lowerBound * UTC.day), UTC.dateString(days.upperBound * UTC.day))
        let summaries = try [UsageTab.conversations, .calls, .imports].map { tab in
            try UsageQueries(demo.store).summary(tab, filter: UsageQuery(tab: tab, from: from, to: to).filter(now: demo.end), actor: demo.owner).credits
        }
        let total = try #require(snapshot.spending.total)
        let summed = try Credits.sum(summaries)
        #expect(total > .zero && total == summed)
        #expect(snapshot.balance.runway.spentLast30Days == total, "the runway's rate is the same 30 days")
        var state = F.loaded(demo.owner, tab: .billing)
        _ = reduce(&state, .billingLoaded(snapshot))
        let text = Self.screen(state, 120, 40)
        let peak = try #require(snapshot.spending.peak)
        #expect(text.contains { $0.contains("Spent 30 days") && $0.contains("\(total) · peak \(peak.credits) on ") }, "\(text.joined(separator: "\n"))")
        #expect(text.contains { $0.contains("Next due") }, "a running plan has something due")
    }

    @Test("#19.12: the runway says when auto-recharge is not counted")
    func runwaySaysRecharge() {
        let state = F.loaded(F.owner, tab: .billing)
        let text = Self.screen(state, 120, 40).joined(separator: "\n")
        #expect(text.contains("Runway") && text.contains("auto-recharge not counted"), "\(text)")
    }

    @Test("#19.11: Usage columns fit the IDs shown and give the slack to the title; the table has the screen's margin")
    func columnsFitTheData() {
        let state = F.loaded(F.owner, tab: .usage)
        let text = Self.screen(state, 120, 40)
        let header = text[state.layout.usageTable.y]
        #expect(header.hasPrefix(" Conversation ID "), "a margin of one column: \(header)")
        let row = text[state.layout.usageTable.y + 1]
        #expect(row.hasPrefix(" conv-1" + String(repeating: " ", count: 12) + "Title conv-1 "), "the ID column is as wide as its header: \(row)")
        #expect(!row.contains("…"))
    }
}
