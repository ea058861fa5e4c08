@testable import Dashboard
@testable import CofferStore
import CofferCore
import Foundation
import Testing
import TerminalUI

/// What each tab draws, at three sizes, for an owner and a member, in colour and without (SPEC §9).
@Suite("Dashboard screens (SPEC §9)")
struct ScreenTests {
    typealias F = Fixture
    static let sizes = [(120, 40), (80, 24), (40, 12)]

    static func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path
        let outcome = SnapshotFile.verify(text, named: name, in: directory)
        #expect(outcome.passed, "\(outcome)", sourceLocation: sourceLocation)
    }

    @Test("Snapshots: every tab at 120×40, 80×24 and 40×12, as primary owner and as member, in 256 colours and NO_COLOR",
          arguments: MainTab.allCases)
    func snapshots(tab: MainTab) {
        for (viewer, who) in [(F.owner, "owner"), (F.member, "member")] {
            for (width, height) in Self.sizes {
                let state = F.loaded(viewer, tab: tab, size: Size(width: width, height: height))
                for (colors, name) in [(256, "256"), (0, "nocolor")] {
                    let screen = F.render(state, width: width, height: height, colors: colors, styles: true)
                    Self.expectSnapshot(screen, named: "\(tab.title.lowercased())-\(who)-\(width)x\(height)-\(name)")
                }
            }
        }
    }

    @Test("#18.2 SPEC §9: Billing in ASCII (a locale without UTF-8) at 120×40, 80×24 and 40×12: the sparkline in _.-=#, nothing outside ASCII but the data")
    func billingASCII() {
        for (width, height) in Self.sizes {
            let state = F.loaded(F.owner, tab: .billing, size: Size(width: width, height: height))
            let screen = F.render(state, width: width, height: height, colors: 256, styles: true, ascii: true)
            Self.expectSnapshot(screen, named: "billing-owner-\(width)x\(height)-ascii")
            let text = F.render(state, width: width, height: height, ascii: true)
            #expect(!text.contains { "▁▂▃▄▅▆▇█●·…—│".contains($0) }, "\(text)")
        }
        let wide = F.render(F.loaded(F.owner, tab: .billing), width: 120, height: 40, ascii: true)
        #expect(wide.contains("Spent 30 days      $600.000 . peak $"), "\(wide)")
        for row in Sparkline(F.spending.credits.map(\.millicredits)).rows(glyphs: .ascii, height: DashboardView.tallChart) {
            #expect(wide.contains(row), "the chart, as tall as 120×40 leaves room for: \(row)")
        }
        let small = F.render(F.loaded(F.owner, tab: .billing, size: Size(width: 80, height: 24)), width: 80, height: 24, ascii: true)
        #expect(small.contains(Sparkline(F.spending.credits.map(\.millicredits)).text(glyphs: .ascii)), "one row at 80×24")
    }

    @Test("R7: the User column shows for owners, not for members; the summary bar names the tab's totals")
    func userColumn() {
        for viewer in [F.owner, F.member] {
            let screen = F.render(F.loaded(viewer, tab: .usage), width: 120, height: 40)
            #expect(screen.contains("User") == (viewer.role != .member))
            #expect(screen.contains("Messages 60  ·  Credits $581.250  ·  Conversations 30"))
        }
    }

    @Test("SPEC §7: the range bar (TerminalUI's DateRangeBar) shows the window covered, the quick picks with the current one marked, and the filters")
    func rangeBar() {
        var state = F.loaded(F.owner, tab: .usage)
        let theme = Theme.detect(colorCount: 256, environment: ["LANG": "C.UTF-8"])
        func bar(width: Int = 120) -> (text: String, buffer: Buffer) {
            var buffer = Buffer(width: width, height: 40)
            DashboardView.render(state, into: &buffer, theme: theme)
            return (buffer.line(state.layout.usageRange.y), buffer)
        }
        var (text, buffer) = bar()
        #expect(text.hasPrefix(" ◀ 2026-10-19 11:06 → 2026-11-18 11:06 ▶  Last 7 days  Last 30 days  Last 3 months  All time "), "\(text)")
        let active = text.distance(from: text.startIndex, to: text.range(of: "Last 30 days")!.lowerBound)
        let other = text.distance(from: text.startIndex, to: text.range(of: "Last 7 days")!.lowerBound)
        #expect(buffer[active, state.layout.usageRange.y].style == theme.accent && buffer[other, state.layout.usageRange.y].style == theme.disabled)
        state.usage.view.search = "plan"
        state.usage.view.type = "image"
        text = bar().text
        #expect(text.contains("Last 30 days  ·  / plan  ·  Type: image  (Esc clears)"), "\(text)")
        #expect(bar(width: 60).text.hasPrefix(" ◀ 10-19 11:06 → 11-18 11:06 ▶  ·  / plan  ·  Type: image"),
                "the picks give way to the filters, and the window drops its years to leave them room")
        state.usage.view = UsageView(window: .quick(.all))
        #expect(bar().text.hasPrefix(" ◀ All time ▶  Last 7 days"))
        state.usage.view = UsageView(window: .quick(.last7, back: 1))
        (text, buffer) = bar()
        #expect(text.hasPrefix(" ◀ 2026-11-04 11:06 → 2026-11-11 11:06 ▶"), "a 168-hour window, labelled to the minute (#19.9): \(text)")
        let y = state.layout.usageRange.y
        #expect(!(0..<120).contains { buffer[$0, y].style == theme.accent && buffer[$0, y].grapheme == "L" }, "a stepped-back range is no quick pick up to now")
    }

    @Test("R11, R2: Billing names the status beside its colour; the balance has three decimals; runway and expiring credits show")
    func billing() {
        var state = F.loaded(F.owner, tab: .billing)
        _ = reduce(&state, .billingLoaded(F.billing(.pastDue)))
        for colors in [256, 8, 0] {
            let screen = F.render(state, width: 120, height: 40, colors: colors)
            #expect(screen.contains("Past due") && screen.contains("$1,234.567"))
            #expect(screen.contains("Runway") && screen.contains("$45.500"))
            #expect(screen.contains("Your subscription is Past due: packs can be bought again once it is active"))
        }
        _ = reduce(&state, .billingLoaded(F.billing(nil, history: false)))
        let screen = F.render(state, width: 120, height: 40)
        #expect(screen.contains("[ Start trial ]") && screen.contains("Pro"))
        var member = F.loaded(F.member, tab: .billing)
        _ = reduce(&member, .billingLoaded(F.billing(nil, viewer: F.member)))
        #expect(F.render(member, width: 120, height: 40).contains("Only the primary owner can change the subscription"))
    }

    @Test("Sort: the sorted column's header carries the marker, for every sort of every records tab, at 120 and 80 columns")
    func sortMarker() {
        for tab in UsageTab.allCases {
            for field in tab.sortFields {
                for descending in [true, false] {
                    var state = F.loaded(F.owner, tab: .usage)
                    state.usage.view = UsageView(tab: tab)
                    state.usage.view.sortField = field
                    state.usage.view.descending = descending
                    for width in [120, 80] {
                        let header = F.render(state, width: width, height: 30).split(separator: "\n")[5]
                        #expect(header.contains(descending ? "▼" : "▲"), "\(tab) \(field) \(width): \(header)")
                    }
                }
            }
        }
    }

    @Test("Team: every column of SPEC §9, Pending for invitations, the bulk bar; members see why they cannot manage")
    func team() {
        let screen = F.render(F.loaded(F.owner, tab: .team), width: 120, height: 40)
        for column in ["Name", "Email", "Role", "Access", "Seats", "Limit", "Used", "Remaining", "Plan"] { #expect(screen.contains(column), "\(column)") }
        #expect(screen.contains("Pending") && screen.contains("$1,500.000") && screen.contains("$1,187.500"))
        let member = F.render(F.loaded(F.member, tab: .team), width: 120, height: 40)
        #expect(member.contains("You are on Credits access") && member.contains("Only the owner can manage team"))
    }

    @Test("SPEC §9: without UTF-8 the screen is ASCII; hostile text from the database is drawn without control characters")
    func asciiAndHostileText() {
        var state = F.loaded(F.owner, tab: .usage)
        let hostile = F.row("evil", credits: 1, user: "ada@acme.test", title: "\u{1B}[2J\u{1B}]0;owned\u{07}\u{202E}txet\u{0}" + String(repeating: "A", count: 10_000))
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: [hostile] + F.rows, next: nil), UsageSummary(count: 1, messages: Quantity(milliunits: 0), credits: Credits(millicredits: 1))))
        for tab in [MainTab.usage, .billing, .team] {
            var s = state
            s.tab = tab
            let ascii = F.render(s, width: 80, height: 24, ascii: true)
            #expect(ascii.unicodeScalars.allSatisfy { $0.isASCII || $0 == "林" || $0.properties.generalCategory == .spaceSeparator }, "\(tab)")
        }
        let screen = F.render(state, width: 120, height: 40)
        #expect(!screen.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0 == "\u{202E}" || $0 == "\u{7F}" })
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test("Resize at any moment: every tab and every modal draws at sizes down to 1×1 without trapping")
    func anySize() {
        var states = MainTab.allCases.map { F.loaded(F.owner, tab: $0) }
        var withDialog = F.loaded(F.owner, tab: .billing)
        _ = reduce(&withDialog, .key(.char("b")))
        var withPrompt = F.loaded(F.owner, tab: .team)
        _ = reduce(&withPrompt, .key(.char("i")))
        var withHelp = F.loaded(F.member, tab: .usage)
        _ = reduce(&withHelp, .key(.char("?")))
        states += [withDialog, withPrompt, withHelp]
        for state in states {
            for (width, height) in [(1, 1), (10, 3), (40, 12), (41, 13), (200, 60)] {
                #expect(F.render(state, width: width, height: height).split(separator: "\n").count == height)
            }
        }
    }
}
