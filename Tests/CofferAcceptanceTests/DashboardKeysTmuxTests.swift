import Foundation
import Testing
import TmuxHarness

/// Issue #19 points 4, 5, 6, 10 and 12 on the real binary under tmux: the footer, help, messages,
/// refusals before asking, and search as you type (SPEC §9, R7).
@Suite("Dashboard keys under tmux (#19)", .serialized)
struct DashboardKeysTmuxTests {
    /// The last line of the screen: the footer.
    static func footer(_ screen: String) -> String { String(screen.split(separator: "\n", omittingEmptySubsequences: false).last { !$0.isEmpty } ?? "") }

    /// The status line: the one above the footer.
    static func status(_ screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = lines.lastIndex { !$0.isEmpty } ?? 0
        return last > 0 ? lines[last - 1] : ""
    }

    @Test("#19.4, #19.6, #19.10: the owner's Team footer at 120 columns keeps R, x, ? and q; x on their own row says why, and the next key clears it")
    func ownerTeam() throws {
        let cli = try DashboardTmuxTests.demo()
        let session = try DashboardTmuxTests.open(cli, as: "ada@acme.test", width: 120, height: 40)
        defer { session.kill() }
        try session.waitFor("Credit balance")
        try session.send(keys: "2")
        try session.waitFor("olga@acme.test")
        try session.send(keys: "j")
        let screen = try session.waitUntil("the footer for Olga's row") { Self.footer($0).contains("x Remove") }
        let footer = Self.footer(screen)
        for hint in ["R Replace", "x Remove", "? Help  q Quit"] { #expect(footer.contains(hint), "\(hint): \(footer)") }
        try session.send(keys: "g", "x")
        let refused = try session.waitUntil("the refusal") { Self.status($0).contains("The owner's seat cannot be removed") }
        #expect(!refused.contains("Remove ada@acme.test's seat?"), "refused before asking")
        try session.send(keys: "Tab")
        try session.waitUntil("the message gone with the next key") { $0.contains("Conversation ID") && !$0.contains("The owner's seat") }
    }

    @Test("#19.5: at 80×24 help scrolls with ↓, End and the wheel to the mouse keys, and only Esc closes it; the dialog footer is the dialog's")
    func helpScrolls() throws {
        let cli = try DashboardTmuxTests.demo()
        let session = try DashboardTmuxTests.open(cli, as: "ada@acme.test", width: 80, height: 24)
        defer { session.kill() }
        try session.waitFor("Credit balance")
        try session.send(keys: "?")
        try session.waitFor("Coffer keys")
        try session.send(keys: "Down", "Down", "Down")
        try session.waitUntil("help scrolled, still open") { $0.contains("Coffer keys ·") && $0.contains("↑") }
        let wheelDown: [UInt8] = [0x1B, 0x5B, 0x4D, 97, 43, 43] // X10: button 65 (wheel down) at 10,10
        for _ in 0..<40 { try session.send(bytes: wheelDown) }
        try session.waitUntil("the wheel scrolls to the mouse keys") { $0.contains("Wheel") && $0.contains("Coffer keys") }
        try session.send(keys: "Home", "x", "Enter")
        try session.waitUntil("still open at the top") { $0.contains("Coffer keys") && $0.contains("Billing") && !$0.contains("Wheel") }
        try session.send(keys: "Escape")
        try session.waitUntil("help closed") { !$0.contains("Coffer keys") && $0.contains("Credit balance") }
        try session.send(keys: "b")
        let dialog = try session.waitFor("Buy credits")
        #expect(Self.footer(dialog).contains("Esc Cancel") && !Self.footer(dialog).contains("Buy pack"), "\(Self.footer(dialog))")
        try session.send(keys: "Escape")
    }

    @Test("#19.12, #19.6: / filters the records as you type; Esc puts them back; a member's refusal does not outlive a resize")
    func searchAndMemberRefusal() throws {
        let cli = try DashboardTmuxTests.demo()
        let session = try DashboardTmuxTests.open(cli, as: "chen@acme.test", width: 110, height: 32)
        defer { session.kill() }
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "3")
        try session.waitUntil("records") { $0.contains("Conversation ID") && !$0.contains("Loading") }
        try session.send(keys: "/")
        try session.waitFor("Search:")
        try session.type("no-such-conversation")
        try session.waitUntil("filtered without Enter") { $0.contains("No records in this range") && $0.contains("Search: no-such") }
        try session.send(keys: "Escape")
        try session.waitUntil("the rows back") { !$0.contains("No records in this range") && !$0.contains("Search:") && !$0.contains("Loading") }
        try session.send(keys: "2")
        try session.waitFor("You are on")
        try session.send(keys: "i")
        try session.waitUntil("the member's refusal") { Self.status($0).contains("! Only the owner can manage team") }
        try session.resize(width: 100, height: 30)
        try session.waitUntil("the refusal gone after a resize") { screen in
            screen.split(separator: "\n").allSatisfy { $0.count <= 100 } && !Self.status(screen).contains("Only the owner can manage team")
        }
    }
}
