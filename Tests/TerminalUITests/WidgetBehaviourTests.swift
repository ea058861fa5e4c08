import Foundation
import Testing
@testable import TerminalUI

@Suite struct TextFieldTests {
    @Test func typingEditingAndCursorMovement() {
        var field = TextFieldState()
        let used = Array("helo").map { field.handle(.char($0)) } + [field.handle(.left), field.handle(.char("l"))]
        #expect(used.allSatisfy { $0 })
        #expect(field.text == "hello" && field.cursor == 4)
        _ = (field.handle(.home), field.handle(.delete))
        #expect(field.text == "ello" && field.cursor == 0)
        _ = (field.handle(.end), field.handle(.backspace))
        #expect(field.text == "ell")
        let unused = [field.handle(.enter), field.handle(.escape), field.handle(.tab)]
        #expect(unused == [false, false, false])
    }

    @Test func wordAndLineDeletion() {
        var field = TextFieldState("pay the invoice")
        _ = field.handle(.ctrl("w"))
        #expect(field.text == "pay the ")
        _ = field.handle(.ctrl("a"))
        _ = field.handle(.right)
        _ = field.handle(.ctrl("k"))
        #expect(field.text == "p")
        _ = field.handle(.ctrl("u"))
        #expect(field.text.isEmpty && field.cursor == 0)
    }

    @Test func pasteIsSanitisedAndLimited() {
        var field = TextFieldState("ab", maxLength: 10)
        _ = field.handle(.left)
        field.insert("X\u{1B}[31mY\nZ\u{202E}0123456789")
        #expect(field.text == "aXY Z0123b")
        #expect(field.cursor == 9)
    }

    @Test func cursorStaysVisibleInANarrowField() {
        var buffer = Buffer(width: 10, height: 1)
        let state = TextFieldState("abcdefghijklmnop")
        TextField().render(in: Rect(x: 2, y: 0, width: 5, height: 1), buffer: &buffer, state: state,
                           theme: Theme(depth: .none, glyphs: .ascii), focused: true)
        #expect(buffer.line(0) == "  mnop    ")
        #expect(buffer.cursor == Point(x: 6, y: 0))
    }

    @Test func wideCharactersScrollByColumns() {
        var buffer = Buffer(width: 6, height: 1)
        TextField().render(in: buffer.area, buffer: &buffer, state: TextFieldState("東京商事"),
                           theme: Theme(depth: .none, glyphs: .unicode), focused: true)
        #expect(buffer.line(0) == "商事  ")                 // "京" would leave no cell for the cursor
        #expect(buffer.cursor == Point(x: 4, y: 0))
    }
}

@Suite struct DialogTests {
    @Test func cancelIsTheSafeDefault() {
        var state = DialogState()
        let answer = state.handle(.enter)
        #expect(answer == .cancelled)
    }

    @Test func movingFocusThenEnterConfirms() {
        var state = DialogState()
        let answers = [state.handle(.tab), state.handle(.enter), state.handle(.escape)]
        #expect(answers == [nil, .confirmed, .cancelled])
        #expect(state.confirmFocused)
    }

    @Test func focusedButtonIsDrawnSelected() {
        let theme = Theme(depth: .full, glyphs: .unicode)
        var buffer = Buffer(width: 60, height: 10)
        Dialog(title: "Charge?", message: "Charge 10 credits", confirmLabel: "Charge")
            .render(in: buffer.area, buffer: &buffer, state: DialogState(), theme: theme)
        let row = (0..<buffer.height).first { buffer.line($0).contains("[ Cancel ]") }!
        let cancelX = Array(buffer.line(row)).firstIndex(of: "[")!
        #expect(buffer[cancelX, row].style == theme.selected)
    }
}

@Suite struct DateRangeBarTests {
    @Test func keysProduceActions() {
        var state = DateRangeBarState(from: "a", to: "b", activePick: 1)
        let keys: [Key] = [.char("["), .pageDown, .right, .right, .right, .enter]
        let actions = keys.map { state.handle($0, pickCount: 3) }
        #expect(actions == [.previous, .next, nil, nil, nil, .pick(2)])
    }

    @Test("A range without ends shows its name instead of the dates; the active pick is marked, the others dimmed")
    func nameAndActivePick() {
        let theme = Theme(depth: .full, glyphs: .unicode)
        var buffer = Buffer(width: 60, height: 1)
        DateRangeBar(quickPicks: ["Week", "All time"])
            .render(in: buffer.area, buffer: &buffer, state: DateRangeBarState(from: "", to: "", name: "All time", activePick: 1),
                    theme: theme, focused: false)
        #expect(buffer.line(0).hasPrefix("◀ All time ▶  Week  All time "))
        let x = Array(buffer.line(0)).indices.filter { buffer.line(0).dropFirst($0).hasPrefix("All time") }.last!
        #expect(buffer[x, 0].style == theme.accent && buffer[14, 0].style == theme.disabled)
    }

    @Test("A note follows the picks; when space is short the picks give way first, then the note is cut")
    func noteBeforePicks() {
        let theme = Theme(depth: .none, glyphs: .unicode)
        let state = DateRangeBarState(from: "2026-11-01", to: "2026-11-30", activePick: 0)
        func draw(width: Int) -> String {
            var buffer = Buffer(width: width, height: 1)
            DateRangeBar(quickPicks: ["Week", "Month"]).render(in: buffer.area, buffer: &buffer, state: state, theme: theme, focused: false,
                                                              note: "/ invoices")
            return buffer.line(0)
        }
        #expect(draw(width: 60) == "◀ 2026-11-01 → 2026-11-30 ▶  Week  Month  / invoices".padding(toLength: 60, withPad: " ", startingAt: 0))
        #expect(draw(width: 45) == "◀ 2026-11-01 → 2026-11-30 ▶  Week  / invoices".padding(toLength: 45, withPad: " ", startingAt: 0))
        #expect(draw(width: 34) == "◀ 2026-11-01 → 2026-11-30 ▶  / in…")
    }

    @Test func customRangeIsEditedInTwoFields() {
        var state = DateRangeBarState(from: "2026-01-01", to: "2026-01-31")
        _ = state.handle(.char("c"), pickCount: 2)
        #expect(state.editor != nil)
        _ = state.handle(.backspace, pickCount: 2)
        _ = state.handle(.char("5"), pickCount: 2)
        _ = state.handle(.tab, pickCount: 2)
        _ = state.handle(.ctrl("u"), pickCount: 2)
        for c in "2026-02-01" { _ = state.handle(.char(c), pickCount: 2) }
        let action = state.handle(.enter, pickCount: 2)
        #expect(action == .custom(from: "2026-01-05", to: "2026-02-01"))
        #expect(state.editor == nil)
        _ = state.handle(.char("c"), pickCount: 2)
        let none = state.handle(.escape, pickCount: 2)
        #expect(none == nil && state.editor == nil)
    }
}

@Suite struct KeymapTests {
    enum Action: Sendable, Equatable { case quit, help, hidden }
    let keymap = Keymap<Action>([
        KeyBinding([.char("q"), .ctrl("c")], .quit, help: "Quit"),
        KeyBinding([.function(1)], .help, help: "Help", group: "Other"),
        KeyBinding([.char("x")], .hidden, help: "Secret", inFooter: false),
    ])

    @Test func lookupAndGroups() {
        #expect(keymap.action(for: .ctrl("c")) == .quit)
        #expect(keymap.action(for: .char("z")) == nil)
        #expect(keymap.groups.map(\.name) == ["General", "Other"])
    }

    @Test func footerShowsOnlyFooterBindingsAndHelpShowsAll() {
        let theme = Theme(depth: .none, glyphs: .ascii)
        var footer = Buffer(width: 40, height: 1)
        Footer.render(in: footer.area, buffer: &footer, keymap: keymap, theme: theme)
        #expect(footer.line(0) == " q Quit  F1 Help                        ", "the footer names the first key; help names them all")
        var help = Buffer(width: 40, height: 10)
        HelpOverlay.render(in: help.area, buffer: &help, keymap: keymap, theme: theme)
        #expect(help.snapshot().contains("|  q/^C  Quit    |") && help.snapshot().contains("|  x     Secret  |"))
    }

    @Test func footerDropsHintsThatDoNotFitWithAMarker() {
        var footer = Buffer(width: 14, height: 1)
        Footer.render(in: footer.area, buffer: &footer, keymap: keymap, theme: Theme(depth: .none, glyphs: .ascii))
        #expect(footer.line(0) == " q Quit  ~    ")
    }

    /// A keymap like an application's: many hints, the ways out pinned, one disabled.
    static let crowded = Keymap<Int>([
        KeyBinding([.char("a")], 1, help: "Alpha"), KeyBinding([.char("b")], 2, help: "Bravo"),
        KeyBinding([.char("c")], 3, help: "Charlie").disabled("Not now"), KeyBinding([.char("d")], 4, help: "Delta"),
        KeyBinding([.right, .left], 5, help: "Move", hint: "</>"),
        KeyBinding([.char("?")], 6, help: "Help", pinned: true), KeyBinding([.char("q")], 7, help: "Quit", pinned: true),
    ])

    @Test("#19.4: the pinned hints stay at every width, enabled ones go before disabled ones, a marker says some were left out")
    func footerKeepsPinnedAndElides() {
        let theme = Theme(depth: .none, glyphs: .ascii)
        func footer(_ width: Int) -> (text: String, buffer: Buffer) {
            var buffer = Buffer(width: width, height: 1)
            Footer.render(in: buffer.area, buffer: &buffer, keymap: Self.crowded, theme: theme)
            return (buffer.line(0), buffer)
        }
        let (wide, buffer) = footer(80)
        #expect(wide == " a Alpha  b Bravo  c Charlie  d Delta  </> Move  ? Help  q Quit" + String(repeating: " ", count: 17))
        let c = wide.distance(from: wide.startIndex, to: wide.range(of: "c Charlie")!.lowerBound)
        #expect(buffer[c, 0].style.dim && !buffer[1, 0].style.dim, "the disabled hint is dimmed")
        #expect(footer(60).text == " a Alpha  b Bravo  d Delta  </> Move  ~  ? Help  q Quit     ", "Charlie (disabled) goes first; ? and q stay")
        #expect(footer(50).text == " a Alpha  b Bravo  d Delta  ~  ? Help  q Quit     ")
        #expect(footer(20).text == " ~  ? Help  q Quit  ")
    }

    @Test("#19.5: help dims a disabled binding and gives its reason; it scrolls, with arrows for what is above and below")
    func helpScrollsAndDims() {
        let theme = Theme(depth: .none, glyphs: .ascii)
        var buffer = Buffer(width: 40, height: 6)
        HelpOverlay.render(in: buffer.area, buffer: &buffer, keymap: Self.crowded, theme: theme, scroll: 2,
                           notes: [HelpOverlay.Line(key: "", text: "Mouse"), HelpOverlay.Line(key: "Wheel", text: "Scroll")])
        let text = buffer.snapshot()
        #expect(text.contains("|  c           Charlie — Not now |") && text.contains("Up") && text.contains("Dn"), "\(text)")
        let lines = HelpOverlay.lines(keymap: Self.crowded, glyphs: .ascii)
        #expect(lines.count == 8 && lines.filter(\.dimmed).map(\.key) == ["c"])
        #expect(HelpOverlay.maxScroll(lineCount: 10, in: buffer.area) == 6 && HelpOverlay.maxScroll(lineCount: 3, in: buffer.area) == 0)
        var end = Buffer(width: 40, height: 6)
        HelpOverlay.render(in: end.area, buffer: &end, keymap: Self.crowded, theme: theme, scroll: 99,
                           notes: [HelpOverlay.Line(key: "", text: "Mouse"), HelpOverlay.Line(key: "Wheel", text: "Scroll")])
        #expect(end.snapshot().contains("|  Wheel       Scroll            |") && !end.snapshot().contains("Dn"), "scrolled to the end, clamped")
    }
}

@Suite struct ThemeTests {
    @Test func colourDepthFromTheTerminalAndNoColor() {
        #expect(Theme.detect(colorCount: 256, environment: [:], codeset: "UTF-8").depth == .full)
        #expect(Theme.detect(colorCount: 8, environment: [:], codeset: "UTF-8").depth == .ansi)
        #expect(Theme.detect(colorCount: 0, environment: [:], codeset: "UTF-8").depth == .none)
        #expect(Theme.detect(colorCount: 256, environment: ["NO_COLOR": "1"], codeset: "UTF-8").depth == .none)
        #expect(Theme.detect(colorCount: 256, environment: ["NO_COLOR": ""], codeset: "UTF-8").depth == .full)
    }

    @Test func glyphsFromTheLocale() {
        #expect(Theme.detect(colorCount: 8, environment: [:], codeset: "UTF-8").glyphs == .unicode)
        #expect(Theme.detect(colorCount: 8, environment: ["LANG": "en_US.UTF-8"], codeset: "ANSI_X3.4-1968").glyphs == .ascii)
        #expect(Theme.detect(colorCount: 8, environment: ["LANG": "C.UTF-8"]).glyphs == .unicode)
        #expect(Theme.detect(colorCount: 8, environment: ["LC_ALL": "C", "LANG": "C.UTF-8"]).glyphs == .ascii)
        #expect(Theme.detect(colorCount: 8, environment: ["LC_CTYPE": "de_DE.utf8"]).glyphs == .unicode)
        #expect(Theme.detect(colorCount: 8, environment: [:]).glyphs == .ascii)
    }

    @Test func eightColourThemesUseOnlyAnsiColours() {
        let theme = Theme(depth: .ansi, glyphs: .unicode)
        let styles = [theme.header, theme.accent, theme.selected, theme.marked, theme.disabled, theme.statusGood,
                      theme.statusWarning, theme.statusBad, theme.positiveAmount, theme.negativeAmount, theme.border, theme.bar]
        for style in styles {
            for color in [style.foreground, style.background] {
                if case .indexed(let n) = color { #expect(n < 8) }
            }
        }
        #expect(theme.statusGood.foreground != theme.statusBad.foreground)
    }
}

@Suite struct SnapshotFileTests {
    let directory = "/tmp/coffer-snapshot-test-\(UInt32.random(in: 0...UInt32.max))"

    @Test func missingFailsUnlessUpdatingAndMismatchIsReported() {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var buffer = Buffer(width: 3, height: 1)
        buffer.write("abc", x: 0, y: 0)
        #expect(SnapshotFile.verify(buffer.snapshot(), named: "s", in: directory, update: false) == .missing(path: directory + "/s.txt"))
        #expect(SnapshotFile.verify(buffer.snapshot(), named: "s", in: directory, update: true) == .recorded)
        #expect(SnapshotFile.verify(buffer.snapshot(), named: "s", in: directory, update: false) == .matched)
        buffer.write("x", x: 1, y: 0)
        let outcome = SnapshotFile.verify(buffer.snapshot(), named: "s", in: directory, update: false)
        #expect(!outcome.passed)
        if case .mismatch(_, let diff) = outcome { #expect(diff.hasPrefix("line 1:\n  expected: abc\n  actual:   axc")) }
    }

    @Test func styleLayerNamesEachStyle() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.write("ab", x: 0, y: 0, style: Style(foreground: .red, bold: true))
        #expect(buffer.snapshot(styles: true) == "ab  \n-- styles --\naa..\na: fg=1 bg=default bold\n")
    }
}
