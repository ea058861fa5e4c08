import Foundation
import Testing
import TmuxHarness

/// Issue #19 points 1 and 8 on the real binary under tmux: End reaches the last row of a tab that
/// is not all loaded, All time has its totals, and the billing detail sheet scrolls to its last line.
@Suite("Dashboard tables under tmux (issue #19)", .serialized)
struct DashboardTablesTmuxTests {
    /// `row N of M` on the screen, as (N, M).
    static func position(_ screen: String) -> (Int, Int)? {
        guard let match = screen.firstMatch(of: /row ([0-9,]+) of ([0-9,]+)/) else { return nil }
        let number = { (s: Substring) in Int(s.replacingOccurrences(of: ",", with: "")) }
        return number(match.1).flatMap { n in number(match.2).map { (n, $0) } }
    }

    @Test("#19.8: All time shows its totals; G goes to the real last row (row M of M) past the loaded pages; #18.3: e exports them all")
    func endReachesTheLastRow() throws {
        let cli = try DashboardTmuxTests.demo()
        let session = try DashboardTmuxTests.open(cli, as: "ada@acme.test")
        defer { session.kill() }
        try DashboardTmuxTests.openDateMenu(session)
        try session.send(keys: "Down", "Down", "Enter") // Last 30 days → Last 3 months → All time
        try session.waitUntil("All time") { !$0.contains("Custom days") && $0.contains("◀ All time ▶") }
        try session.send(keys: "l") // MCP-HTTP calls: more rows than one page
        let first = try session.waitUntil("the first row and All time's totals") {
            Self.position($0)?.0 == 1 && $0.split(separator: "\n").contains { $0.hasPrefix(" Calls ") }
        }
        let total = Self.position(first)!.1
        let bar = first.split(separator: "\n").first { $0.hasPrefix(" Calls ") }.map(String.init) ?? ""
        let calls = try cli.run("usage", "summary", "--tab", "calls", "--as", "ada@acme.test").stdout
        #expect(bar.replacingOccurrences(of: "  ·  ", with: "  ").trimmingCharacters(in: .whitespaces)
                == calls.trimmingCharacters(in: .whitespacesAndNewlines), "All time's bar: \(bar) — CLI: \(calls)")
        #expect(total > 100 && calls.replacingOccurrences(of: ",", with: "").hasPrefix("Calls \(total) "), "more than a page: \(total)")
        try session.send(keys: "G")
        let last = try session.waitUntil("the last row") { Self.position($0).map { $0.0 == $0.1 } == true }
        #expect(Self.position(last)?.1 == total, "\(last)")
        // #18.3: e writes the whole view, not the rows loaded, where the dashboard was started, and says so.
        try session.send(keys: "e")
        let file = cli.folder.appendingPathComponent("coffer-calls-2026-11-21.csv").path
        let count = last.firstMatch(of: /row [0-9,]+ of ([0-9,]+)/).map { String($0.1) } ?? "?"
        try session.waitFor("Exported \(count) rows to \(file)")
        let csv = try cli.run("usage", "export", "--tab", "calls", "--format", "csv", "--as", "ada@acme.test").stdout
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(csv.utf8), "the bytes of coffer usage export")
    }

    @Test("#19.1: the billing detail sheet scrolls with G to its last line and shows its totals")
    func sheetScrolls() throws {
        let cli = try DashboardTmuxTests.demo()
        let session = try DashboardTmuxTests.open(cli, as: "ada@acme.test", width: 100, height: 16)
        defer { session.kill() }
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "3")
        try session.waitUntil("the records") { Self.position($0)?.0 == 1 }
        try session.send(keys: "Enter")
        let sheet = try session.waitFor("charge line")
        guard let (row, lines) = Self.position(sheet) else { Issue.record("no position: \(sheet)"); return }
        #expect(row == 1 && sheet.contains("\(lines) charge line"))
        try session.send(keys: "G")
        let end = try session.waitUntil("the last line") { Self.position($0).map { $0.0 == $0.1 } == true }
        #expect(Self.position(end)?.1 == lines)
        try session.send(keys: "Escape")
        try session.waitUntil("the sheet closes") { !$0.contains("charge line") }
    }
}
