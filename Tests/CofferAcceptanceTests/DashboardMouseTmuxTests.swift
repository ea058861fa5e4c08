import Foundation
import Testing
import TmuxHarness

/// The dashboard driven by the mouse alone, on the real binary under tmux (SPEC §9 "mouse (wheel,
/// rows, tabs, headers)"; issue #19.2): what a click loads is drawn when it arrives, without a key,
/// whichever mouse protocol the terminal speaks.
@Suite("Dashboard by mouse under tmux (SPEC §9)", .serialized)
struct DashboardMouseTmuxTests {
    /// X10 reports (`TERM=screen-256color`) and SGR reports (`TERM=xterm-256color`, where an
    /// unasked-for release once kept ncurses waiting, so answers stayed on "Loading…").
    static let terminals: [(term: String, encoding: TmuxSession.MouseProtocol)] = [
        ("screen-256color", .x10), ("xterm-256color", .sgr),
    ]

    @Test("Clicks on a tab, a records tab and a column header each show their data without a key press",
          arguments: [0, 1])
    func clicksLoadWithoutAKey(terminal: Int) throws {
        let (term, encoding) = Self.terminals[terminal]
        let cli = try DashboardTmuxTests.demo()
        let session = try TmuxSession(command: [CofferCLI.binary], width: 120, height: 40,
                                      environment: ["COFFER_DB": cli.environment["COFFER_DB"]!, "COFFER_NOW": DashboardTmuxTests.now,
                                                    "COFFER_USER": "ada@acme.test", "TERM": term])
        defer { session.kill() }
        let tabs = try session.waitFor("Billing │ Team │ Usage")
        let tabRow = try #require(Self.row(of: "Billing │ Team │ Usage", in: tabs))
        try session.click(x: Self.column(of: "Usage", in: tabRow.line), y: tabRow.index, protocol: encoding)
        let usage = try session.waitUntil("the conversations and their summary") { $0.contains(" Messages ") && !$0.contains("Loading") }
        let records = try #require(Self.row(of: "MCP-HTTP Calls", in: usage))
        try session.click(x: Self.column(of: "MCP-HTTP Calls", in: records.line), y: records.index, protocol: encoding)
        let calls = try session.waitUntil("the calls and their summary") { $0.contains(" Calls ") && $0.contains("call-") && !$0.contains("Loading") }
        let header = try #require(Self.row(of: "Call ID", in: calls))
        #expect(header.line.contains("Created At ▼"), "\(calls)")
        try session.click(x: Self.column(of: "Credits", in: header.line) + 2, y: header.index, protocol: encoding)
        let sorted = try session.waitUntil("sorted by credits, loaded") { screen in
            (Self.row(of: "Call ID", in: screen)?.line.contains("Credits ▼") ?? false) && screen.contains("call-") && !screen.contains("Loading")
        }
        let back = try #require(Self.row(of: "Conversations │", in: sorted))
        try session.click(x: 2, y: back.index, protocol: encoding, hold: .milliseconds(10))
        try session.waitUntil("the conversations again") { $0.contains(" Messages ") && $0.contains("conv-") }
        // After a quick click the loop still polls: another process's write shows without a key.
        let consumed = try cli.run("consume", "--as", "olga@acme.test", "--service", "claude-sonnet-4", "--id", "mouse-live",
                                   "--quantity", "2", "--conversation", "mouse-live", "--title", "Shown after a click")
        #expect(consumed.status == 0, "\(consumed.stderr)")
        try session.waitFor("Shown after a click", timeout: .seconds(3))
    }

    /// The first screen line containing `text`, with its index.
    static func row(of text: String, in screen: String) -> (index: Int, line: String)? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .first { $0.element.contains(text) }.map { ($0.offset, String($0.element)) }
    }

    /// The cell column where `text` starts in a line (the tab bars and headers here are one cell per character).
    static func column(of text: String, in line: String) -> Int {
        line.range(of: text).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? 0
    }
}
