import Foundation
import StoreUnderTest
import Testing

/// Issue #19 points 13 and 15, on the real binary: what a new user types first — typos, bad
/// values, help, JSON, tables — and the demo run twice.
@Suite("The command line's first ten minutes (issue #19.13, #19.15, SPEC §8)")
struct FirstTenMinutesTests {
    @Test("A typo in a subcommand names it and the nearest command, not the dashboard's usage (exit 64)",
          arguments: [
              (["blance"], "coffer: unknown command 'blance' — did you mean 'balance'?"),
              (["usage", "lsit"], "coffer: unknown command 'lsit' — did you mean 'list'?"),
              (["--as", "ada@acme.test", "subscrption", "show"], "coffer: unknown command 'subscrption' — did you mean 'subscription'?"),
              (["members", "set-limt", "x", "1"], "coffer: unknown command 'set-limt' — did you mean 'set-limit'?"),
              (["frobnicate"], "coffer: unknown command 'frobnicate' (see 'coffer --help')"),
          ])
    func typo(arguments: [String], expected: String) throws {
        let cli = try CofferCLI()
        let result = try cli.run(arguments: arguments)
        #expect(result.status == 64)
        #expect(result.stderr == expected + "\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("Every command names itself: ArgumentParser otherwise derives each name from its type by reflection at every start (~60M instructions)")
    func commandsNameThemselves() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/coffer").standardized
        var unnamed: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for call in text.components(separatedBy: "CommandConfiguration(").dropFirst() {
                let firstArgument = call.drop { $0 == " " || $0 == "\n" }
                if !firstArgument.hasPrefix("commandName:") { unnamed.append("\(file): \(firstArgument.prefix(50))") }
            }
        }
        #expect(unnamed.isEmpty, "\(unnamed)")
    }

    /// Bad input and the exit status it gets: 64 for usage errors, 1 for refusals.
    static let errors: [([String], Int32)] = [
        (["usage", "list", "--sort", "size"], 64), (["usage", "list", "--last", "2w"], 64),
        (["usage", "list", "--limit", "0"], 64), (["balance", "--bogus"], 64), (["seats", "add"], 64),
        (["usage", "list", "--tab", "nope"], 64), (["balance", "--as", "nobody@acme.test"], 1),
        (["consume", "--service", "gpt-4o", "--id", "x", "--quantity=-1"], 1), (["packs", "buy", "1.2345"], 1),
    ]

    @Test("Every error's first line starts `coffer:`; usage errors exit 64, refusals 1 (SPEC §8)", arguments: errors)
    func errorPrefix(arguments: [String], status: Int32) throws {
        let cli = try CofferCLI()
        if status == 1 { try cli.team() }
        let result = try cli.run(arguments: arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("coffer: "), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Error:"), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("--sort's help lists each tab's fields; a bad sort names the tab's")
    func sortHelp() throws {
        let cli = try CofferCLI()
        let help = try cli.run("usage", "list", "--help").stdout.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ").joined(separator: " ")
        for fields in ["conversations: updated, messages, credits", "calls: created, credits", "imports: created, credits",
                       "adjustments: created, amount"] {
            #expect(help.contains(fields), "\(fields) not in: \(help)")
        }
        let bad = try cli.run("usage", "list", "--tab", "calls", "--sort", "size")
        #expect(bad.stderr.hasPrefix("coffer: MCP-HTTP Calls sort by created, credits"), "\(bad.stderr)")
    }

    @Test("JSON: counts are numbers, a row's keys are its tab's column names (SPEC §7, §8)")
    func json() throws {
        let cli = try CofferCLI()
        try cli.team()
        for id in ["m-1", "m-2"] {
            #expect(try cli.run("consume", "--service", "gpt-4o", "--id", id, "--quantity", "3", "--conversation", "c-1").status == 0)
        }
        let summary = try JSONSerialization.jsonObject(with: Data(try cli.run("usage", "summary", "--json").stdout.utf8)) as? [String: Any]
        #expect(summary?["count"] as? Int == 1)
        #expect(summary?["messages"] as? Int == 8, "2 seeded + 3 + 3: \(String(describing: summary))")
        #expect(summary?["credits"] is String)
        let page = try JSONSerialization.jsonObject(with: Data(try cli.run("usage", "list", "--json").stdout.utf8)) as? [String: Any]
        let row = (page?["rows"] as? [[String: Any]])?.first ?? [:]
        #expect(Set(row.keys) == ["conversation_id", "title", "message_count", "credits", "user", "billing_type", "updated_at"])
        #expect(row["message_count"] as? Int == 8)
        #expect(row["conversation_id"] as? String == "c-1")
        let member = try JSONSerialization.jsonObject(with: Data(try cli.run("usage", "list", "--json", "--as", CofferCLI.member).stdout.utf8)) as? [String: Any]
        for row in member?["rows"] as? [[String: Any]] ?? [] { #expect(row["user"] == nil, "a member sees no User column (R7)") }
        let calls = try cli.run("usage", "export", "--tab", "adjustments", "--format", "json").stdout
        let adjustment = (try JSONSerialization.jsonObject(with: Data(calls.utf8)) as? [[String: Any]])?.first ?? [:]
        #expect(Set(adjustment.keys) == ["type", "amount", "detail", "created_at"], "\(calls)")
    }

    @Test("Tables write every time one way: `2026-01-15 12:00` (UTC), never ISO or a bare date")
    func oneTimeFormat() throws {
        let cli = try CofferCLI()
        try cli.team()
        let iso = try NSRegularExpression(pattern: #"\d{4}-\d{2}-\d{2}T|\d{4}-\d{2}-\d{2}(?! \d{2}:\d{2})"#)
        for arguments in [["seats", "list"], ["keys", "list"], ["workspace", "list"], ["audit", "list"], ["billing", "invoices"],
                          ["usage", "list"], ["usage", "show", "c-1"], ["subscription", "show"], ["members", "list"]] {
            let out = try cli.run(arguments: arguments).stdout
            let found = iso.matches(in: out, range: NSRange(out.startIndex..., in: out)).map { (out as NSString).substring(with: $0.range) }
            #expect(found.isEmpty, "\(arguments): \(found) in \(out)")
            if !["members", "billing"].contains(arguments[0]) { #expect(out.contains("2026-01-"), "\(arguments) shows a time: \(out)") }
        }
    }

    @Test("The demo: --no-open prints the exact command and whom it opens as; a second run keeps your changes; --fresh rebuilds; plain coffer points to it",
          .enabled(if: StoreUnderTest.isSQLite, "the demo's own SQLite file (coffer/demo.sqlite: kept, --fresh, found by plain coffer), whatever store the suite runs on"))
    func demoKept() throws {
        let cli = try CofferCLI(now: "2026-11-21T12:00:00Z")
        cli.environment["COFFER_DB"] = nil
        let built = try cli.run("demo", "--records", "60", "--no-open")
        #expect(built.status == 0, "\(built.stderr)")
        let path = cli.folder.appendingPathComponent("coffer/demo.sqlite").path
        #expect(built.stdout.contains("Open it as ada@acme.test (the primary owner):"), "\(built.stdout)")
        let command = built.stdout.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        #expect(command == "\(CofferCLI.binary) --db \(path) --as ada@acme.test")
        // The printed command works: its options, with a subcommand, act on the demo as ada.
        let words = command.split(separator: " ").map(String.init)
        #expect(try cli.run(arguments: Array(words.dropFirst()) + ["members", "set-limit", "chen@acme.test", "5"]).status == 0)
        let again = try cli.run("demo", "--no-open")
        #expect(again.stdout.contains("kept as you left it"), "\(again.stdout)")
        #expect(try cli.run(arguments: Array(words.dropFirst()) + ["members", "list"]).stdout.contains("$5.000"))
        let asChen = try cli.run("demo", "--no-open", "--as", "chen@acme.test")
        #expect(asChen.stdout.contains("Open it as chen@acme.test:\n  \(CofferCLI.binary) --db \(path) --as chen@acme.test"), "\(asChen.stdout)")
        // Plain coffer, with no database of its own, says where the demo is.
        let plain = try cli.run("balance", "--as", "ada@acme.test")
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("The demo is in another file: \(command)"), "\(plain.stderr)")
        let fresh = try cli.run("demo", "--no-open", "--fresh", "--records", "30")
        #expect(fresh.stdout.contains("30 usage records"), "\(fresh.stdout)")
        #expect(!(try cli.run(arguments: Array(words.dropFirst()) + ["members", "list"]).stdout.contains("$5.000")))
    }
}
