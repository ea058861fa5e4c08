import Foundation
import Testing

/// SPEC §7–8 end to end: list, summary, show, export on the built binary.
@Suite("Usage records end to end (SPEC §7–8)")
struct UsageAcceptanceTests {
    static let awkward = ["Quotes \"inside\" and, commas", "Line one\nline two\r\nthree", "Emoji 🎉 and 中文 width", "Bell\u{07} escape \u{1B}[31mred\u{1B}[0m",
                          "  padded  ", "=SUM(A1:A9)", "Tab\there"]

    /// An RFC 4180 reader for the test.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false } }
                else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\r", chars.first == "\n" { chars.removeFirst(); row.append(field); rows.append(row); row = []; field = "" }
            else { field.unicodeScalars.append(c) }
        }
        return rows
    }

    @Test("SPEC §8: CSV export round-trips awkward titles exactly (quotes, commas, newlines, emoji, control characters)")
    func csvRoundTrip() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        for (index, title) in Self.awkward.enumerated() {
            let result = try cli.run("consume", "--service", "gpt-4o", "--id", "e\(index)", "--conversation", "conv-\(index)", "--title", title)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let csv = try cli.run("usage", "export", "--format", "csv", "--sort", "updated:asc")
        #expect(csv.status == 0)
        let rows = Self.parseCSV(csv.stdout)
        #expect(rows.first == ["Conversation ID", "Title", "Message Count", "Credits", "User", "Billing Type", "Updated At"])
        #expect(rows.dropFirst().map { $0[1] }.sorted() == Self.awkward.sorted())
        #expect(rows.dropFirst().allSatisfy { $0[6] == "2026-02-01T10:00:00Z" && $0[3] == "0.015" })
        let json = try cli.run("usage", "export", "--format", "json")
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(Set(objects?.compactMap { $0["title"] as? String } ?? []) == Set(Self.awkward))
        // The terminal table never carries control characters.
        let table = try cli.run("usage", "list").stdout
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
    }

    @Test("SPEC §8: list, summary and show agree; --last quick picks; members see no User column; bad input is refused")
    func listSummaryShow() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("operator", "adjust", "100", "--reason", "usage").status == 0)
        for day in 1...10 {
            cli.environment["COFFER_NOW"] = String(format: "2026-02-%02dT09:00:00Z", day)
            #expect(try cli.run("consume", "--service", "claude-sonnet-4", "--id", "d\(day)", "--quantity", "\(day)",
                                "--conversation", "daily-\(day % 3)", "--title", "Standup \(day % 3)").status == 0)
        }
        cli.environment["COFFER_NOW"] = "2026-02-10T12:00:00Z"
        let summary = try cli.run("usage", "summary", "--last", "7d", "--json")
        // 7 × 24 h before Feb 10 12:00 → Feb 3 12:00: days 4…10 → 4+…+10 = 49 messages, × $0.020.
        #expect(summary.stdout.contains("\"messages\" : 49\n") && summary.stdout.contains("\"credits\" : \"0.980\""), "\(summary.stdout)")
        #expect(try cli.run("usage", "summary", "--from", "2026-02-01", "--to", "2026-02-02").stdout == "Messages 3  Credits $0.060  Conversations 2\n")
        let show = try cli.run("usage", "show", "daily-1")
        #expect(show.stdout.split(separator: "\n").count == 5, "header + days 1, 4, 7, 10")
        // Usage errors (exit 64, issue #14 point 8): the first line names the valid values.
        let lastYear = try cli.run("usage", "list", "--last", "1y")
        #expect(lastYear.status == 64 && lastYear.stderr.hasPrefix("coffer: Quick picks are 7d, 30d or 3m (not 1y)\n"))
        #expect(try cli.run("usage", "list", "--sort", "title").status == 64)
        #expect(try cli.run("usage", "list", "--last", "7d", "--from", "2026-01-01").status == 64)
        #expect(try cli.run("seats", "add", "max@acme.test").status == 1, "Free plan: one seat")
    }
}
