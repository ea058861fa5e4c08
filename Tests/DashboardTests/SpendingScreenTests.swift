@testable import Dashboard
@testable import CofferStore
import CofferCore
import Testing
import TerminalUI

/// SPEC §9 (issue #18.1): the Spending tab follows the Usage view's range and filters, loads
/// its report with the members, and draws without colour, in ASCII and at any size.
@Suite("Spending tab (SPEC §9)")
struct SpendingScreenTests {
    typealias F = Fixture

    @Test("4 opens Spending and loads its report with the members; Tab goes round the four tabs")
    func opens() {
        var state = F.loaded(F.owner, tab: .usage)
        let effects = reduce(&state, .key(.char("4")))
        #expect(state.tab == .spending && effects == [.loadSpending(state.usage.view), .loadMembers])
        _ = reduce(&state, .key(.tab))
        #expect(state.tab == .billing)
        _ = reduce(&state, .key(.backTab))
        #expect(state.tab == .spending)
    }

    @Test("The range keys move Spending's range, clear the old figures and load the new; a stale answer is ignored")
    func rangeKeys() {
        var state = F.loaded(F.owner, tab: .spending)
        let before = state.usage.view
        let effects = reduce(&state, .key(.char("[")))
        #expect(state.usage.view.window == .quick(.last30, back: 1) && state.spending == nil)
        #expect(effects == [.loadSpending(state.usage.view)])
        _ = reduce(&state, .spendingLoaded(before, F.spending(F.owner)))
        #expect(state.spending == nil, "the answer for the range before")
        _ = reduce(&state, .spendingLoaded(state.usage.view, F.spending(F.owner)))
        #expect(state.spending != nil)
        #expect(reduce(&state, .changed) == [.loadSpending(state.usage.view), .loadMembers], "live: another process wrote")
        state.usage.view.type = "image"
        #expect(reduce(&state, .key(.escape)) == [.loadSpending(state.usage.view)] && state.usage.view.type == nil, "Esc clears the filter here too")
    }

    @Test("Scope: all charged usage, or the records tab whose type, key or search is set; adjustments are not spending")
    func scope() {
        var view = UsageView()
        #expect(view.spendingScope(now: F.now).tab == nil)
        view.type = "image"
        #expect(view.spendingScope(now: F.now).tab == .conversations && view.spendingScope(now: F.now).filter.type == "image")
        view = UsageView(tab: .calls)
        view.type = "ci"
        #expect(view.spendingScope(now: F.now).tab == .calls && view.spendingScope(now: F.now).filter.apiKey == "ci")
        view = UsageView(tab: .adjustments)
        view.type = "pack_purchase"
        #expect(view.spendingScope(now: F.now) == SpendingScope(tab: nil, filter: UsageView(tab: .adjustments).filter(now: F.now)))
    }

    @Test("Never by colour alone: bars and the pool line have their own glyphs, in Unicode and in ASCII; shares and totals are written out")
    func glyphs() {
        let state = F.loaded(F.owner, tab: .spending)
        let screen = F.render(state, width: 120, height: 40, colors: 0)
        #expect(screen.contains("█") && screen.contains("━") && screen.contains("Spent $1,413.000 in 332 charges"), "\(screen)")
        #expect(screen.contains("Ada Lovelace") && screen.contains("43%") && screen.contains("Veo 2"))
        let ascii = F.render(state, width: 120, height: 40, colors: 0, ascii: true)
        #expect(ascii.contains("#") && ascii.contains("=") && !ascii.replacingOccurrences(of: "林", with: "").unicodeScalars.contains { $0.value > 127 }, "\(ascii)")
    }

    @Test("R7: a member sees only their own spending and their own limit")
    func memberSeesOwn() {
        let screen = F.render(F.loaded(F.member, tab: .spending), width: 120, height: 40)
        #expect(screen.contains("You spent $312.500") && screen.contains("Your spending"))
        #expect(!screen.contains("Ada Lovelace") && !screen.contains("Grace Hopper") && screen.contains("Max Mustermann"))
    }

    @Test("R30: use this period against each limit — nearest the limit first, near from 80%, at the limit marked, in words and not colour alone")
    func limits() {
        var state = F.loaded(F.owner, tab: .spending)
        func member(_ email: String, used: Int64, limit: Int64?) -> MemberView {
            MemberView(name: email, email: email, role: .member, access: .credits, pending: false, multiplier: nil, limit: limit.map(Credits.whole),
                       usedThisPeriod: .whole(used), remaining: limit.map { .whole($0 - min(used, $0)) }, effectivePlan: "Pro")
        }
        state.team.members = [member("low@a.test", used: 10, limit: 100), member("near@a.test", used: 85, limit: 100),
                              member("over@a.test", used: 100, limit: 100), member("free@a.test", used: 7, limit: nil),
                              member("idle@a.test", used: 0, limit: nil)]
        let lines = F.render(state, width: 120, height: 40, colors: 0).split(separator: "\n").map(String.init)
        let rows = lines.drop { !$0.hasPrefix(" This period against limits") }.dropFirst().prefix(4)
        #expect(rows.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["over@a.test", "near@a.test", "low@a.test", "free@a.test"], "\(rows)")
        #expect(rows[rows.startIndex].contains("100% at limit") && rows[rows.startIndex + 1].contains("85% near") && !rows[rows.startIndex + 2].contains("near"))
        #expect(rows[rows.startIndex + 3].contains("no limit") && !lines.contains { $0.contains("idle@a.test") }, "nothing used, no limit: not listed")
    }

    @Test("Snapshots in ASCII at 120×40, 80×24 and 40×12 (256 colours and NO_COLOR are in the screens' snapshots)")
    func asciiSnapshots() {
        for (width, height) in ScreenTests.sizes {
            let state = F.loaded(F.owner, tab: .spending, size: Size(width: width, height: height))
            ScreenTests.expectSnapshot(F.render(state, width: width, height: height, ascii: true), named: "spending-owner-\(width)x\(height)-ascii")
        }
    }

    @Test("Any size from 20×5 to 200×60 draws without a fault, loading or loaded")
    func anySize() {
        for width in stride(from: 20, through: 200, by: 9) {
            for height in stride(from: 5, through: 60, by: 5) {
                var state = F.loaded(F.owner, tab: .spending, size: Size(width: width, height: height))
                _ = F.render(state, width: width, height: height)
                state.spending = nil
                _ = F.render(state, width: width, height: height)
            }
        }
    }
}
