import Testing
@testable import TerminalUI

@Suite struct SanitizerTests {
    static let hostile: [(String, String)] = [
        ("ESC 7 (save cursor)", "a\u{1B}7b"),
        ("CSI colour", "a\u{1B}[31;1mb\u{1B}[0m"),
        ("CSI cursor move", "a\u{1B}[2J\u{1B}[10;10Hb"),
        ("OSC title with BEL", "a\u{1B}]0;pwned\u{07}b"),
        ("OSC hyperlink with ST", "a\u{1B}]8;;http://x\u{1B}\\b"),
        ("DCS", "a\u{1B}Pq#0;2;0;0;0\u{1B}\\b"),
        ("8-bit CSI", "a\u{9B}31mb"),
        ("8-bit OSC", "a\u{9D}0;t\u{9C}b"),
        ("BEL", "a\u{07}b"),
        ("NUL", "a\u{00}b"),
        ("C1 NEL and others", "a\u{85}\u{84}\u{8D}b"),
        ("DEL and backspace", "a\u{7F}\u{08}b"),
        ("bidi override", "a\u{202E}b\u{202C}"),
        ("bidi isolates", "\u{2066}a\u{2067}\u{2068}b\u{2069}"),
        ("directional marks", "a\u{200E}\u{200F}b"),
    ]

    @Test(arguments: hostile.map(\.0))
    func noControlSurvivesIntoTheBuffer(name: String) {
        let text = Self.hostile.first { $0.0 == name }!.1
        var buffer = Buffer(width: 20, height: 1)
        buffer.write(text, x: 0, y: 0)
        #expect(!scalars(of: buffer).contains(where: isForbidden), "\(name) leaked")
        #expect(buffer.line(0).hasPrefix("a"))
        #expect(buffer.line(0).contains("b"))
        #expect(!buffer.line(0).contains("pwned") && !buffer.line(0).contains("31"))
    }

    @Test func escapeSequencesAreRemovedWhole() {
        #expect(Sanitizer.clean("x\u{1B}[38;5;196mred\u{1B}[0m") == "xred")
        #expect(Sanitizer.clean("x\u{1B}]0;title\u{07}y") == "xy")
        #expect(Sanitizer.clean("x\u{1B}(By") == "xy")       // charset designation
        #expect(Sanitizer.clean("x\u{1B}") == "x")           // unterminated
        #expect(Sanitizer.clean("x\u{1B}]unterminated") == "x")
    }

    @Test func lineBreaksAndTabsBecomeSpaces() {
        #expect(Sanitizer.clean("a\tb\nc\r\nd\u{2028}e") == "a b c d e")
    }

    @Test func ordinaryUnicodeIsKept() {
        let text = "Café 東京 🚀 e\u{301} Nguyễn"
        #expect(Sanitizer.clean(text) == text)
    }

    @Test("Zero-width space and joiners go: terminals disagree on their width, so a row could shift")
    func zeroWidthJoinersAreRemoved() {
        #expect(Sanitizer.clean("z\u{200B}w\u{200D}j\u{200C}k 👨\u{200D}👩\u{200D}👧") == "zwjk 👨👩👧")
    }

    @Test func everyWidgetWriteIsSanitised() {
        var buffer = Buffer(width: 40, height: 5)
        let evil = "x\u{1B}[2J\u{202E}\u{07}y"
        StatusLine(evil, trailing: evil).render(in: buffer.area.row(0), buffer: &buffer, theme: Variant.unicode256.theme)
        Tabs([evil]).render(in: buffer.area.row(1), buffer: &buffer, selected: 0, theme: Variant.unicode256.theme)
        buffer.write(evil, in: buffer.area.row(2))
        #expect(!scalars(of: buffer).contains(where: isForbidden))
        #expect(buffer.line(2).hasPrefix("xy"))
    }
}
