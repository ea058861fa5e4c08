import Foundation
import Testing

/// The command line's usage tables on the built binary (SPEC §7–9, issue #15 point 6): SPEC §7's
/// headers, columns aligned by display width, text through the one Sanitizer.
@Suite("Usage tables on the command line (SPEC §7)")
struct PresentationAcceptanceTests {
    /// Titles whose character count is not their width, or that carry what a terminal must not get.
    static let titles = ["中文标题 wide", "Emoji 🎉 party", "plain ascii", "z\u{200B}w\u{200C}n\u{200D}j", "\u{1B}[31mred\u{1B}[0m"]

    /// Terminal columns of `text`, by an independent rule: CJK ideographs and emoji take two,
    /// zero-width characters none, everything else one.
    static func width(_ text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            switch scalar.value {
            case 0x4E00...0x9FFF, 0x1F300...0x1FAFF: sum + 2
            case 0x200B...0x200D: sum
            default: sum + 1
            }
        }
    }

    /// The header split into its names (columns are two or more spaces apart).
    static func names(_ header: Substring) -> [String] {
        header.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func team() throws -> CofferCLI {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        for (index, title) in titles.enumerated() {
            let result = try cli.run("consume", "--service", "gpt-4o", "--id", "w\(index)", "--conversation", "conv-\(index)", "--title", title)
            #expect(result.status == 0, "\(result.stderr)")
        }
        return cli
    }

    @Test("Columns line up by display width: wide CJK characters and emoji keep every column in its place")
    func displayWidth() throws {
        let cli = try Self.team()
        let listed = try cli.run("usage", "list", "--tab", "conversations", "--last", "30d")
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 1 + Self.titles.count, "\(listed.stdout)")
        guard let header = lines.first else { return }
        #expect(Self.names(header) == ["Conversation ID", "Title", "Message Count", "Credits", "User", "Billing Type", "Updated At"])
        // Where each column starts on the header, in terminal columns; every row has its cell there.
        func start(_ name: String, in line: Substring) -> Int? { line.range(of: name).map { Self.width(line[..<$0.lowerBound]) } }
        let user = start("User", in: header), credits = start("Credits", in: header).map { $0 + "Credits".count }
        for row in lines.dropFirst() {
            #expect(start("ada@acme.test", in: row) == user, "User column moved: \(row)")
            #expect(start("$0.015", in: row).map { $0 + "$0.015".count } == credits, "Credits column moved: \(row)")
            #expect(start("message", in: row) == start("Billing Type", in: header), "Billing Type column moved: \(row)")
        }
        #expect(Set(lines.dropFirst().map { Self.width($0) }).count == 1, "every row ends in the same column (Updated At): \(listed.stdout)")
        #expect(lines.contains { $0.contains("中文标题 wide") } && lines.contains { $0.contains("Emoji 🎉 party") })
    }

    @Test("Zero-width characters, escape sequences and bidi controls are dropped from tables, as on the dashboard")
    func sanitised() throws {
        let cli = try Self.team()
        for arguments in [["usage", "list"], ["usage", "list", "--search", "z"], ["usage", "show", "conv-3"]] {
            let run = try cli.run(arguments: arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.unicodeScalars.contains { (0x200B...0x200D).contains($0.value) || $0.value == 0x1B || $0.value < 0x20 && $0 != "\n" },
                    "\(arguments): \(run.stdout.debugDescription)")
        }
        let listed = try cli.run("usage", "list").stdout
        #expect(listed.contains(" zwnj ") && listed.contains(" red "), "\(listed)")
        // The stored title and the export keep every character.
        let json = try cli.run("usage", "export", "--format", "json").stdout
        #expect(json.contains("z\u{200B}w\u{200C}n\u{200D}j"))
    }

    @Test("Every tab's headers are SPEC §7's on the command line; the detail sheet names its columns")
    func headers() throws {
        let cli = try Self.team()
        let expected = ["calls": ["Call ID", "API Key Name", "Credits", "User", "Created At"],
                        "imports": ["Task ID", "Import Type", "Import URL", "Credits", "User", "Created At"],
                        "adjustments": ["Type", "Amount", "Detail", "Created At"]]
        for (tab, names) in expected {
            let run = try cli.run("usage", "list", "--tab", tab)
            #expect(run.status == 0)
            #expect(run.stdout.split(separator: "\n").first.map(Self.names) == names, "\(tab): \(run.stdout)")
            let csv = try cli.run("usage", "export", "--tab", tab, "--format", "csv").stdout
            #expect(csv.split(separator: "\r\n").first == names.joined(separator: ",")[...], "\(tab) CSV: \(csv)")
        }
        let sheet = try cli.run("usage", "show", "conv-0").stdout.split(separator: "\n")
        #expect(sheet.first.map(Self.names) == ["Time", "Service", "Billing Type", "Quantity", "Credits", "Grants"], "\(sheet)")
        #expect(sheet.count == 2 && sheet[1].hasPrefix("2026-02-01 10:00  gpt-4o"), "\(sheet)")
    }
}
