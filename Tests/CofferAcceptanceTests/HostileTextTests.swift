import Foundation
import Testing
import TmuxHarness

/// Hostile text (issue #10, SPEC §9 "text from the database never reaches the terminal with
/// control characters"): titles, URLs, names and reasons with escape sequences, control
/// characters, bidi overrides and 10,000 characters are stored byte for byte, exported byte for
/// byte (JSON escaped, CSV quoted), and shown sanitised and clipped — on the command line and
/// in the dashboard under tmux. Hostile emails are refused, cleanly.
@Suite("Hostile text (SPEC §9, §8)")
struct HostileTextTests {
    static let escapes = "red \u{1B}[31mRED\u{1B}[0m \u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[H \u{9B}31m c1"
    static let controls = "ctl a\u{01}b\u{07}c\u{08}d\u{7F}e\u{85}f\r\ng\th\u{0B}i\u{2028}j"
    static let bidi = "bidi \u{202E}exe.txt\u{202C} \u{2066}iso\u{2069} z\u{200B}w\u{200D}j \u{FEFF}bom \u{061C}x"
    static let csv = "csv a,b \"quoted\"\r\nnext line\rcr only\n"
    /// 10,000 characters (ASCII first, so the clipped part is known; wide and combined at the end).
    static let long = String(repeating: "L", count: 9_990) + "漢字e\u{301}👩‍👩‍👧 end!"

    /// The titles recorded, one conversation each (`h-0`, `h-1`, …).
    static let titles = [escapes, controls, bidi, csv, long]

    /// A team with one conversation per hostile title, a hostile URL, API key name and reason.
    static func hostileTeam() throws -> CofferCLI {
        let cli = try CofferCLI()
        try cli.team()
        for (index, title) in titles.enumerated() {
            let run = try cli.run("consume", "--service", "gpt-4o", "--id", "h-\(index)", "--conversation", "h-\(index)", "--title", title)
            #expect(run.status == 0, "title \(index): \(run.stderr)")
        }
        for (index, url) in [escapes, bidi].enumerated() {
            let run = try cli.run("consume", "--service", "brand-import", "--id", "u-\(index)", "--task", "task-\(index)",
                                  "--import-type", "brand", "--url", "https://acme.test/" + url)
            #expect(run.status == 0, "url \(index): \(run.stderr)")
        }
        #expect(try cli.run("keys", "create", escapes).status == 0)
        #expect(try cli.run("consume", "--service", "mcp-http-call", "--id", "k-1", "--api-key", escapes, "--call", bidi).status == 0)
        #expect(try cli.run("operator", "adjust", "1", "--reason", controls).status == 0)
        return cli
    }

    /// A query's single text column, exactly as stored (JSON carries every code point).
    static func stored(_ cli: CofferCLI, _ sql: String) throws -> [String] {
        try cli.column(sql).map { $0 ?? "<NULL>" }
    }

    @Test("Stored byte for byte; JSON and CSV exports give the same text back; tables and errors show no control character")
    func storedAndExported() throws {
        let cli = try Self.hostileTeam()
        let urls = [Self.escapes, Self.bidi].map { "https://acme.test/" + $0 }
        #expect(try Self.stored(cli, "SELECT title FROM usage_events WHERE event_key LIKE 'h-%' ORDER BY event_key") == Self.titles)
        #expect(try Self.stored(cli, "SELECT url FROM usage_events WHERE event_key LIKE 'u-%' ORDER BY event_key") == urls)
        #expect(try Self.stored(cli, "SELECT name FROM api_keys WHERE name != 'ci'") == [Self.escapes])
        #expect(try Self.stored(cli, "SELECT detail FROM adjustments WHERE type = 'admin_adjustment'") == [Self.controls])
        // JSON export: decoding gives every title back.
        let json = try cli.run("usage", "export", "--format", "json")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        let exported = Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["conversation_id"] as? String).map { ($0, row["title"] as? String) } })
        for (index, title) in Self.titles.enumerated() { #expect(exported["h-\(index)"] == title, "JSON title \(index)") }
        #expect(!json.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "raw control characters in JSON")
        // CSV export (RFC 4180): parsing gives every title and URL back.
        let table = CSVParser.parse(try cli.run("usage", "export", "--format", "csv").stdout)
        #expect(table.first?.count == 7 && table.allSatisfy { $0.count == 7 }, "a broken CSV record: \(table.map(\.count))")
        let csvTitles = Dictionary(uniqueKeysWithValues: table.dropFirst().map { ($0[0], $0[1]) })
        for (index, title) in Self.titles.enumerated() { #expect(csvTitles["h-\(index)"] == title, "CSV title \(index)") }
        let imports = CSVParser.parse(try cli.run("usage", "export", "--tab", "imports", "--format", "csv").stdout)
        #expect(Set(imports.dropFirst().map { $0[2] }) == Set(urls), "CSV URLs")
        // Tables on a terminal: sanitised, one line per row.
        for tab in ["conversations", "imports", "calls", "adjustments"] {
            let listed = try cli.run("usage", "list", "--tab", tab)
            #expect(listed.status == 0)
            #expect(!listed.stdout.unicodeScalars.contains { Self.unsafe($0) }, "\(tab) table")
        }
        for listing in [["keys", "list"], ["audit", "list"], ["usage", "show", "h-0"], ["workspace", "list"]] {
            #expect(!(try cli.run(arguments: listing).stdout.unicodeScalars.contains { Self.unsafe($0) }), "\(listing)")
        }
        // A hostile email is refused with the address quoted safely.
        let refused = try cli.run("seats", "add", "\u{1B}[31mx@acme.test")
        #expect(refused.status == 1 && refused.stdout == "?[31mx@acme.test: Invalid email: ?[31mx@acme.test\n", "\(refused.stdout)")
        try cli.expectSound()
    }

    /// A scalar that must never reach a terminal from the command line.
    static func unsafe(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    @Test("Dashboard: hostile titles, URLs and key names sanitised and clipped; the terminal's title and screen untouched")
    func dashboard() throws {
        let cli = try Self.hostileTeam()
        let width = 110
        let session = try TmuxSession(command: [CofferCLI.binary], width: width, height: 32,
                                      environment: ["COFFER_DB": cli.database, "COFFER_NOW": "2026-01-15T12:00:00Z",
                                                    "COFFER_USER": CofferCLI.owner])
        defer { session.kill() }
        let title = try session.format("#{pane_title}")
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "3")
        var screen = try session.waitFor("exe.txt")
        Self.expectIntact(screen, width: width, "conversations")
        // Sanitised: the text is there, the escape sequences and controls are not.
        #expect(screen.contains("red RED"), "\(screen)")
        #expect(screen.contains("ctl abcde f g h i j"), "\(screen)")
        #expect(screen.contains("bidi exe.txt iso"), "\(screen)")
        // Clipped: the 10,000-character title ends at its column; its row keeps its credits.
        let longRow = screen.split(separator: "\n").first { $0.contains("LLLLLLLL") } ?? ""
        #expect(longRow.contains("$0.015") && !longRow.contains("end!"), "\(longRow)")
        // Columns stay aligned: every row's credits start in the same column.
        let columns = Set(screen.split(separator: "\n").filter { $0.hasPrefix(" h-") }.compactMap { $0.range(of: "$0.015")?.lowerBound.utf16Offset(in: $0) })
        #expect(columns.count == 1, "\(screen)")
        let colored = try session.capture(colors: true)
        let redRow = colored.split(separator: "\n").first { $0.contains("RED") } ?? ""
        #expect(!redRow.contains("\u{1B}[31m"), "the title's colour reached the terminal: \(redRow.debugDescription)")
        try session.send(keys: "Right")
        screen = try session.waitUntil("the calls") { $0.contains("Call ID") && $0.contains("$0.002") }
        Self.expectIntact(screen, width: width, "calls")
        #expect(screen.contains("red RED"), "key name: \(screen)")
        try session.send(keys: "Right")
        screen = try session.waitFor("https://acme.test/bidi")
        Self.expectIntact(screen, width: width, "imports")
        #expect(screen.contains("https://acme.test/red R"), "\(screen)")
        #expect(try session.format("#{pane_title}") == title, "an OSC sequence renamed the terminal")
        #expect(try session.isRunning())
    }

    /// The frame is whole: the tab bar still on top (nothing cleared the screen or moved the
    /// cursor), no OSC string shown as text.
    static func expectIntact(_ screen: String, width: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(3).contains { $0.contains("Billing │ Team │ Usage") }, "\(what): \(screen)", sourceLocation: sourceLocation)
        #expect(!screen.contains("pwned"), "\(what): an OSC string was shown: \(screen)", sourceLocation: sourceLocation)
    }
}

/// A small RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF records.
enum CSVParser {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = scalars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": record.append(field); field = ""; afterQuote = false
            case "\r": break
            case "\n": record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
