import Foundation
import StoreUnderTest
import Testing
import TmuxHarness

/// What only a PostgreSQL ledger does (SPEC §13): a copy from a file (R43), and a dashboard that
/// sees another host's writes. Runs in the PostgreSQL pass of the suites (`scripts/test`).
@Suite("PostgreSQL store end to end (SPEC §13, R43)", .serialized, .enabled(if: StoreUnderTest.isPostgres, "needs the PostgreSQL test cluster"))
struct PostgresAcceptanceTests {
    /// Reads `coffer check`'s chain head.
    static func head(_ check: CofferCLI.Result) -> String? {
        check.stdout.firstMatch(of: /chain head ([0-9a-f]{16})/).map { String($0.1) }
    }

    @Test("R43: migrate --to copies a file's ledger whole (same chain head, same answers, writes go on); a non-empty target is refused untouched")
    func migrateCopiesWhole() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        let file = cli.folder.appendingPathComponent("ledger.sqlite").path
        let target = cli.database
        let onFile = { (arguments: [String]) throws -> CofferCLI.Result in try cli.run(arguments: ["--db", file] + arguments) }
        #expect(try onFile(["workspace", "create", "Acme", "--owner", "ada@acme.test"]).status == 0)
        #expect(try onFile(["operator", "adjust", "50", "--reason", "usage"]).status == 0)
        for index in 0..<30 {
            let consumed = try onFile(["consume", "--service", index.isMultiple(of: 3) ? "claude-sonnet-4" : "gpt-4o", "--id", "e-\(index)",
                                       "--conversation", "c-\(index % 7)", "--title", "Thread \(index % 7)"])
            #expect(consumed.status == 0, "\(consumed.stderr)")
        }
        let fileCheck = try onFile(["check"])
        let fileHead = try #require(Self.head(fileCheck), "\(fileCheck.stdout)")

        let copied = try cli.run("--db", file, "migrate", "--to", target)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("check ok on both") && copied.stdout.contains(fileHead), "\(copied.stdout)")
        // The copy has its planner statistics at once (the copy ends with VACUUM (ANALYZE)): a
        // table never analysed has reltuples -1.
        #expect(try cli.value("SELECT reltuples FROM pg_class WHERE relname = 'usage_events'") == "30")
        let copyCheck = try cli.run("check")
        #expect(Self.head(copyCheck) == fileHead, "\(copyCheck.stdout)")
        for command in [["balance", "--json"], ["usage", "list", "--tab", "conversations", "--json"], ["usage", "summary", "--json"],
                        ["members", "list"], ["audit"], ["usage", "list", "--tab", "adjustments"]] {
            let a = try onFile(command), b = try cli.run(arguments: command)
            #expect(a.status == 0 && a.stdout == b.stdout, "\(command): \(a.stdout) ≠ \(b.stdout)")
        }
        // The copy takes new writes, with ids after the copied ones, and a replay stays a duplicate (R33).
        #expect(try cli.run("consume", "--service", "gpt-4o", "--id", "after-copy").status == 0)
        let replay = try cli.run("consume", "--service", "gpt-4o", "--id", "e-1", "--conversation", "c-1", "--title", "Thread 1")
        #expect(replay.stdout.contains("Already recorded"), "\(replay.stdout)\(replay.stderr)")
        let after = try cli.run("check")
        #expect(after.status == 0 && Self.head(after) != fileHead, "\(after.stdout)")

        // A second copy into the same (now non-empty) database is refused and changes nothing.
        let again = try cli.run("--db", file, "migrate", "--to", target)
        #expect(again.status == 1 && again.stderr.contains("is not empty"), "\(again.stderr)")
        #expect(Self.head(try cli.run("check")) == Self.head(after))
    }

    @Test("SPEC §13: the dashboard on PostgreSQL shows another host's write within a second, without a key")
    func dashboardSeesOtherHosts() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        let session = try TmuxSession(command: [CofferCLI.binary], width: 110, height: 30,
                                      environment: ["COFFER_DB": cli.database, "COFFER_NOW": "2026-02-01T10:00:00Z",
                                                    "COFFER_USER": "ada@acme.test"],
                                      directory: cli.folder.path)
        defer { session.kill() }
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "3")
        try session.waitFor("Conversation ID")
        let consumed = try cli.run("consume", "--service", "gpt-4o", "--id", "live-pg", "--conversation", "c-live",
                                   "--title", "Written by another host")
        #expect(consumed.status == 0, "\(consumed.stderr)")
        try session.waitFor("Written by another host", timeout: .seconds(2))
    }
}
