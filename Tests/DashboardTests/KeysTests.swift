@testable import Dashboard
@testable import CofferStore
import CofferCore
import Foundation
import Testing
import TerminalUI

/// Issue #19 points 4, 5, 6, 10 and 12: the footer, help, messages and dialogs all read one
/// table of key bindings per context, with R7's reasons (SPEC §9).
@Suite("Keys: footer, help, messages and dialogs from one keymap (#19, SPEC §9, R7)")
struct KeysTests {
    typealias F = Fixture
    static let sizes = ScreenTests.sizes
    static let theme = Theme.detect(colorCount: 256, environment: ["LANG": "C.UTF-8"])

    static func screen(_ state: DashboardState, _ width: Int = 120, _ height: Int = 40) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        DashboardView.render(state, into: &buffer, theme: theme)
        return buffer
    }

    static func footer(_ state: DashboardState, _ width: Int = 120, _ height: Int = 40) -> String {
        screen(state, width, height).line(height - 1)
    }

    static func press(_ state: inout DashboardState, _ keys: Key...) -> [DashboardEffect] {
        keys.flatMap { reduce(&state, .key($0)) }
    }

    static func type(_ state: inout DashboardState, _ text: String) -> [DashboardEffect] {
        text.flatMap { reduce(&state, .key(.char($0))) }
    }

    // MARK: #19.4 the footer

    @Test("#19.4: at 120 columns Team shows R, x, Help and Quit; Usage shows ←/→, Enter, s, S and (#18.3) e")
    func footerAt120() {
        var team = F.loaded(F.owner, tab: .team)
        _ = Self.press(&team, .down) // Grace: an owner holding a seat, so R and x apply
        let line = Self.footer(team)
        for hint in ["Space Select", "a Access", "L Limit", "i Invite", "R Replace", "x Remove", "p Personal", "? Help", "q Quit"] {
            #expect(line.contains(hint), "\(hint): \(line)")
        }
        let usage = Self.footer(F.loaded(F.owner, tab: .usage))
        for hint in ["←/→ Records", "Enter Detail", "/ Search", "t Filter", "s Sort", "S Reverse", "e Export", "[ Earlier", "d Dates", "? Help", "q Quit"] {
            #expect(usage.contains(hint), "\(hint): \(usage)")
        }
    }

    @Test("#19.4: on every tab, at every size, for owner and member, ? and q stay; what is left out is marked")
    func pinnedAndMarked() {
        for viewer in [F.owner, F.member] {
            for tab in MainTab.allCases {
                for (width, height) in Self.sizes {
                    let state = F.loaded(viewer, tab: tab, size: Size(width: width, height: height))
                    let line = Self.footer(state, width, height)
                    #expect(line.trimmingCharacters(in: .whitespaces).hasSuffix("? Help  q Quit"), "\(tab) \(width): \(line)")
                    let all = DashboardKeys.keymap(for: state).bindings.filter(\.inFooter)
                    let shown = all.filter { line.contains($0.hintLabel(glyphs: .unicode) + " " + $0.hintText) }
                    #expect(line.contains("…") == (shown.count < all.count), "\(tab) \(width): \(line)")
                }
            }
        }
    }

    @Test("#19.4: a dialog, a prompt, a list, the portal, the sheet and help each have their own footer")
    func footerFollowsTheModal() {
        var state = F.loaded(F.owner, tab: .billing)
        _ = Self.press(&state, .char("b"))
        var line = Self.footer(state)
        #expect(line.contains("←/→ Button") && line.contains("Enter Choose") && line.contains("Esc Cancel") && !line.contains("Buy pack"), "\(line)")
        _ = Self.press(&state, .escape, .char("v"))
        line = Self.footer(state)
        #expect(line.contains("c Change card") && line.contains("Esc Close") && line.contains("r Retry payment"), "\(line)")
        state = F.loaded(F.owner, tab: .team)
        _ = Self.press(&state, .char("i"))
        #expect(Self.footer(state).contains("Enter OK") && Self.footer(state).contains("Esc Cancel"))
        _ = Self.press(&state, .escape, .char("a"))
        #expect(Self.footer(state).contains("↑/↓ Move") && Self.footer(state).contains("Enter Choose"))
        _ = Self.press(&state, .escape, .char("?"))
        #expect(Self.footer(state).contains("↑/↓ Scroll") && Self.footer(state).contains("Esc Close"))
    }

    @Test("#19.4, R7: a member is not offered what is then refused: owner keys are dimmed, and refused with the reason")
    func memberFooterDimsWhatIsRefused() {
        let state = F.loaded(F.member, tab: .team)
        let buffer = Self.screen(state)
        let line = buffer.line(39)
        let keymap = DashboardKeys.keymap(for: state)
        for binding in keymap.bindings where binding.inFooter {
            let hint = binding.hintLabel(glyphs: .unicode) + " " + binding.hintText
            guard let range = line.range(of: hint) else { continue }
            let x = line.distance(from: line.startIndex, to: range.lowerBound)
            #expect(buffer[x, 39].style.dim == (binding.disabled != nil), "\(hint) drawn \(buffer[x, 39].style.dim ? "dim" : "bright")")
        }
        for key in ["i", "a", "L", "R", "x"] {
            var s = state
            #expect(Self.press(&s, .char(Character(key))).isEmpty && s.modal == nil && s.status == StatusLine("Only the owner can manage team", level: .warning))
        }
    }

    @Test("#19.4, R7: no drift: for every viewer, tab and row, every enabled key runs and every disabled one says its reason")
    func keysDoWhatTheFooterSays() {
        for viewer in [F.owner, F.member] {
            for tab in MainTab.allCases {
                for row in [0, 3] {
                    var state = F.loaded(viewer, tab: tab)
                    _ = Self.press(&state, .char("g"))
                    for _ in 0..<row { _ = Self.press(&state, .down) }
                    for binding in DashboardKeys.keymap(for: state).bindings {
                        var s = state
                        let effects = Self.press(&s, binding.keys[0])
                        if let reason = binding.disabled {
                            #expect(effects.isEmpty && s.modal == nil && s.status == StatusLine(reason, level: .warning), "\(tab) \(binding.help)")
                        } else {
                            #expect(s.status.level != .warning, "\(viewer.role) \(tab) row \(row): \(binding.help) was offered, then refused: \(s.status.message)")
                        }
                    }
                }
            }
        }
    }

    // MARK: #19.5 help

    @Test("#19.5: help lists every key of every context and the mouse; it scrolls at 80×24 and 40×12 and closes on Esc, ? and q only")
    func helpListsEverythingAndScrolls() {
        for (width, height) in [(80, 24), (40, 12)] {
            var state = F.loaded(F.member, tab: .usage, size: Size(width: width, height: height))
            _ = Self.press(&state, .char("?"))
            var seen = Set<String>()
            var previous: Modal? = nil
            while state.modal != previous {
                previous = state.modal
                seen.formUnion(F.render(state, width: 120, height: height).split(separator: "\n").map(String.init))
                _ = Self.press(&state, .down)
            }
            #expect(state.modal == .help(scroll: state.helpScrollLimit) && state.helpScrollLimit > 0, "\(width)×\(height)")
            let text = seen.joined(separator: "\n")
            let contexts: [KeyContext] = MainTab.allCases.map { .tab($0) } + [.dialog, .prompt, .list, .portal, .sheet, .help]
            for binding in contexts.flatMap(DashboardKeys.bindings) {
                #expect(text.contains(binding.keyLabel(glyphs: .unicode)) && text.contains(binding.help), "\(binding.help) missing")
            }
            for line in DashboardKeys.mouse { #expect(text.contains(line.text)) }
            #expect(text.contains("Only the owner can manage team"), "a member sees why owner keys are disabled")
            for key in [Key.down, .up, .pageDown, .enter, .char("x"), .tab] {
                _ = Self.press(&state, key)
                #expect(state.modal != nil, "\(key) keeps help open")
            }
            for key in [Key.escape, .char("?"), .char("q"), .function(1)] {
                var s = state
                _ = Self.press(&s, key)
                #expect(s.modal == nil && !s.quit, "\(key) closes help")
            }
        }
    }

    @Test("#19.5 snapshots: help at 120×40, 80×24 (top and end) and 40×12")
    func helpSnapshots() {
        for (width, height) in Self.sizes {
            var state = F.loaded(F.owner, tab: .team, size: Size(width: width, height: height))
            _ = Self.press(&state, .char("?"))
            ScreenTests.expectSnapshot(F.render(state, width: width, height: height, colors: 0, styles: true), named: "keys-help-\(width)x\(height)")
        }
        var state = F.loaded(F.owner, tab: .team, size: Size(width: 80, height: 24))
        _ = Self.press(&state, .char("?"), .end)
        ScreenTests.expectSnapshot(F.render(state, width: 80, height: 24, colors: 0, styles: true), named: "keys-help-80x24-end")
    }

    // MARK: #19.6 messages

    @Test("#19.6: a message clears on the next key, click or resize; news ages away, warnings and errors wait for a key")
    func messagesBelongToTheirAction() {
        var state = F.loaded(F.member, tab: .team)
        _ = Self.press(&state, .char("i"))
        #expect(state.status.level == .warning)
        _ = Self.press(&state, .tab)
        #expect(state.status.message.isEmpty, "gone on the next tab")
        _ = Self.press(&state, .backTab, .char("i"))
        _ = reduce(&state, .resize(Size(width: 80, height: 24)))
        #expect(state.status.message.isEmpty, "a refusal does not follow a resize")
        _ = Self.press(&state, .char("i"))
        _ = reduce(&state, .mouse(Mouse(.wheelDown, at: Point(x: 3, y: 10))))
        #expect(state.status.message.isEmpty)
        _ = reduce(&state, .failed("Seats limit exceeded: 9 > 8"))
        _ = reduce(&state, .messageAged)
        #expect(state.status == StatusLine("Seats limit exceeded: 9 > 8", level: .error), "an error waits for a key")
        _ = reduce(&state, .done(.invited("zoe@acme.test")))
        _ = reduce(&state, .messageAged)
        #expect(state.status.message.isEmpty, "news goes by itself")
    }

    @Test("#19.6: errors are drawn as errors: marked ✗ and in the error colour; warnings marked !")
    func errorsLookLikeErrors() {
        var state = F.loaded(F.owner, tab: .team)
        _ = reduce(&state, .failed("Seats limit exceeded: 9 > 8"))
        let buffer = Self.screen(state)
        let y = state.layout.status.y
        #expect(buffer.line(y).hasPrefix(" ✗ Seats limit exceeded: 9 > 8"))
        #expect(buffer[3, y].style.foreground == Self.theme.statusBad.foreground)
        #expect(F.render(state, width: 80, height: 24, colors: 0).contains(" ✗ Seats limit exceeded"), "without colour, the mark says it")
        _ = Self.press(&state, .char("g"), .char("x"))
        #expect(Self.screen(state).line(y).hasPrefix(" ! The owner's seat cannot be removed"))
    }

    @Test("#19.6: on a real database, news leaves the status line by itself after the message lifetime")
    func newsAgesAway() throws {
        let demo = try DemoDatabase(records: 50)
        let program = DashboardProgram(store: demo.store, viewer: demo.owner, messageLifetime: .milliseconds(400))
        let script = Script([
            .init(until: { $0.contains("Credit balance") && !$0.contains("Loading") }, then: .key(.char("b")), label: "billing"),
            .init(until: { $0.contains("Buy credits") }, then: .key(.left), label: "dialog"),
            .init(until: { $0.contains("[ Buy ]") }, then: .key(.enter), label: "buy"),
            .init(until: { $0.contains("Bought a") }, then: nil, label: "bought"),
            .init(until: { !$0.contains("Bought a") }, then: nil, label: "aged"),
        ])
        program.run(on: HeadlessTerminal(size: Size(width: 120, height: 40), script: script.next, shown: script.shown))
        #expect(script.missed == nil, "never saw \(script.missed ?? ""): \(script.frames.last ?? "")")
    }

    // MARK: #19.10 dialogs

    @Test("#19.10, R7: x and R on the owner's row, a on an invitation, x on a member without a seat say why before asking")
    func refusedBeforeAsking() {
        var state = F.loaded(F.owner, tab: .team)
        let cases: [(row: Int, key: Character, reason: String)] = [
            (0, "x", "The owner's seat cannot be removed"), (0, "R", "The owner's seat cannot be replaced"),
            (4, "a", "new@acme.test has not accepted the invitation yet"), (3, "x", "lin@acme.test has no seat in this team"),
        ]
        for (row, key, reason) in cases {
            _ = Self.press(&state, .char("g"))
            for _ in 0..<row { _ = Self.press(&state, .down) }
            #expect(Self.press(&state, .char(key)).isEmpty && state.modal == nil, "\(key) on row \(row) asked")
            #expect(state.status == StatusLine(reason, level: .warning))
        }
        _ = Self.press(&state, .char("g"), .down, .char("x"))
        guard case .confirm(let c, _)? = state.modal else { Issue.record("Grace's seat can be removed: it asks"); return }
        #expect(c.message.hasPrefix("Remove grace@acme.test's seat?"))
    }

    @Test("#19.10: the store's refusal keeps the dialog open with what was typed; Cancel gets the focus back; success closes it")
    func refusalKeepsTheDialog() {
        var state = F.loaded(F.owner, tab: .team)
        _ = Self.press(&state, .char("i"))
        _ = Self.type(&state, "zoe@acme.test")
        #expect(Self.press(&state, .enter) == [.invite("zoe@acme.test")] && state.modal == nil)
        _ = reduce(&state, .failed("Seats limit exceeded: 9 > 8"))
        guard case .prompt(let prompt, let field)? = state.modal else { Issue.record("the prompt did not come back"); return }
        #expect(prompt.purpose == .invite && field.text == "zoe@acme.test")
        let screen = F.render(state, width: 80, height: 24)
        #expect(screen.contains("│Seats limit exceeded: 9 > 8") && screen.contains("zoe@acme.test"), "\(screen)")
        _ = Self.press(&state, .escape, .char("g"), .down, .char("x"), .left)
        guard case .confirm(let removal, let focus)? = state.modal, focus.confirmFocused else { Issue.record("no confirmation, Remove focused"); return }
        #expect(Self.press(&state, .enter) == [.removeSeat("grace@acme.test")])
        _ = reduce(&state, .failed("Grace is busy"))
        #expect(state.modal == .confirm(removal, DialogState()), "back, with Cancel focused")
        _ = Self.press(&state, .escape, .char("i"))
        _ = Self.type(&state, "joe@acme.test")
        _ = Self.press(&state, .enter)
        _ = reduce(&state, .done(.invited("joe@acme.test")))
        _ = reduce(&state, .failed("The members could not be loaded"))
        #expect(state.modal == nil && state.asked == nil, "a change that went through is not asked again")
    }

    @Test("#19.10 snapshots: a prompt keeping a refused entry, at 120×40, 80×24 and 40×12")
    func refusedPromptSnapshots() {
        for (width, height) in Self.sizes {
            var state = F.loaded(F.owner, tab: .team, size: Size(width: width, height: height))
            _ = Self.press(&state, .char("i"))
            _ = Self.type(&state, "zoe@acme.test")
            _ = Self.press(&state, .enter)
            _ = reduce(&state, .failed("Seats limit exceeded: 9 > 8"))
            ScreenTests.expectSnapshot(F.render(state, width: width, height: height, colors: 0, styles: true), named: "keys-refused-invite-\(width)x\(height)")
        }
    }

    // MARK: #19.12 search as you type

    @Test("#19.12: / filters as you type, on the status line with the rows in sight; Enter keeps it, Esc puts back the search before")
    func searchAsYouType() {
        var state = F.loaded(F.owner, tab: .usage)
        _ = Self.press(&state, .char("/"))
        var view = UsageView()
        view.search = "c"
        #expect(Self.type(&state, "c") == [.loadUsage(view)])
        view.search = "co"
        #expect(Self.type(&state, "o") == [.loadUsage(view)])
        _ = reduce(&state, .usageLoaded(view, UsagePage(rows: Array(F.rows.prefix(3)), next: nil), nil))
        let screen = F.render(state, width: 120, height: 40)
        #expect(screen.contains(" Search: co") && screen.contains("Title conv-1") && screen.contains("/ co"), "\(screen)")
        #expect(Self.press(&state, .enter).isEmpty && state.modal == nil && state.usage.view.search == "co")
        _ = Self.press(&state, .char("/"), .backspace)
        #expect(state.usage.view.search == "c")
        view.search = "co"
        #expect(Self.press(&state, .escape) == [.loadUsage(view)] && state.modal == nil, "Esc puts back the search it started from")
        _ = Self.press(&state, .char("/"))
        #expect(Self.press(&state, .escape).isEmpty, "nothing typed: nothing to load")
    }

    @Test("#19.12 snapshots: searching as you type at 120×40, 80×24 and 40×12")
    func searchSnapshots() {
        for (width, height) in Self.sizes {
            var state = F.loaded(F.owner, tab: .usage, size: Size(width: width, height: height))
            _ = Self.press(&state, .char("/"))
            _ = Self.type(&state, "conv-1")
            var view = UsageView()
            view.search = "conv-1"
            _ = reduce(&state, .usageLoaded(view, UsagePage(rows: F.rows.filter { $0.key.hasPrefix("conv-1") }, next: nil), nil))
            ScreenTests.expectSnapshot(F.render(state, width: width, height: height, colors: 0, styles: true), named: "keys-search-\(width)x\(height)")
        }
    }
}
