import Foundation
import StoreUnderTest
import Testing

/// The foundation end to end, on the built binary (SPEC §8, R2–R3, R9, SPEC §10).
@Suite("Foundation end to end")
struct FoundationAcceptanceTests {
    @Test("R2/R3: create, adjust by 12.48, balance shows $12.480 more; 1.2345 is refused; check passes")
    func createAdjustBalanceCheck() throws {
        let cli = try CofferCLI()
        let created = try cli.run("workspace", "create", "Acme Robotics", "--owner", " Ada@Acme.TEST ")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("acme-robotics"))
        // R9: the Free workspace grant arrives on creation ($5.000 in the shipped catalog).
        #expect(try cli.poolBalance(as: "ada@acme.test") == "5.000")
        let adjusted = try cli.run("operator", "adjust", "12.48", "--reason", "welcome")
        #expect(adjusted.status == 0, "\(adjusted.stderr)")
        let balance = try cli.run("balance", "--as", "ada@acme.test")
        #expect(balance.status == 0)
        #expect(balance.stdout.contains("$17.480"), "\(balance.stdout)")
        let refused = try cli.run("operator", "adjust", "1.2345", "--reason", "too precise")
        #expect(refused.status == 1)
        #expect(refused.stderr == "coffer: Amounts have at most three decimals: 1.2345\n")
        #expect(refused.stdout.isEmpty)
        #expect(try cli.poolBalance(as: "ada@acme.test") == "17.480")
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.hasPrefix("ok: "))
    }

    @Test("R9: with a catalog whose Free plan grants nothing, the balance is exactly $12.480")
    func exactlyTwelveFortyEight() throws {
        let cli = try CofferCLI()
        let shipped = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../assets/plans.json"), encoding: .utf8)
        let catalog = cli.folder.appendingPathComponent("ops-plans.json")
        try shipped.replacingOccurrences(of: #""workspace_grant": "5.000""#, with: #""workspace_grant": "0""#)
            .write(to: catalog, atomically: true, encoding: .utf8)
        cli.environment["COFFER_CATALOG"] = catalog.path
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("operator", "adjust", "12.48", "--reason", "welcome").status == 0)
        let balance = try cli.run("balance", "--as", "ada@acme.test")
        #expect(balance.stdout.contains("$12.480"), "\(balance.stdout)")
        #expect(try cli.run("check").status == 0)
    }

    @Test("SPEC §8: global options before or after the subcommand, env vars, JSON, exit codes")
    func globalOptions() throws {
        let cli = try CofferCLI()
        let other = try StoreUnderTest.freshLocation(sqlitePath: cli.folder.appendingPathComponent("other.sqlite").path)
        #expect(try cli.run("--db", other, "workspace", "create", "Beta", "--owner", "b@beta.test").status == 0)
        if StoreUnderTest.isSQLite { #expect(FileManager.default.fileExists(atPath: other)) }
        let listed = try cli.run("workspace", "list", "--db", other, "--json")
        #expect(listed.stdout.contains("\"slug\" : \"beta\""))
        cli.environment["COFFER_USER"] = "b@beta.test"
        cli.environment["COFFER_DB"] = other
        let json = try cli.run("balance", "--json")
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"next_refresh\" : null"))
        #expect(json.stdout.contains("\"balance\" : \"5.000\""))
        #expect(try cli.run("balance", "--no-such-flag").status == 64)
        #expect(try cli.run("frobnicate").status == 64)
        let stranger = try cli.run("balance", "--as", "nobody@beta.test")
        #expect(stranger.status == 1)
        #expect(stranger.stderr == "coffer: nobody@beta.test is not a member of any workspace\n")
        let badEmail = try cli.run("workspace", "create", "Gamma", "--owner", "not-an-email")
        #expect(badEmail.status == 1)
        #expect(badEmail.stderr == "coffer: Invalid email: not-an-email\n")
        cli.environment["COFFER_NOW"] = "tomorrow"
        #expect(try cli.run("balance").stderr.hasPrefix("coffer: COFFER_NOW: Not a date"))
    }

    @Test("SPEC §8: a negative admin adjustment cannot overdraw the pool, and nothing changes")
    func negativeAdjustment() throws {
        let cli = try CofferCLI()
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("operator", "adjust", "-2", "--reason", "correction").status == 0)
        #expect(try cli.poolBalance(as: "ada@acme.test") == "3.000")
        let refused = try cli.run("operator", "adjust", "-3.5", "--reason", "too much")
        #expect(refused.stderr == "coffer: Insufficient credits: balance $3.000, needed $3.500\n")
        #expect(try cli.poolBalance(as: "ada@acme.test") == "3.000")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R9: coffer plans prints the catalog; --json too; a broken catalog names file and field")
    func plans() throws {
        let cli = try CofferCLI()
        let table = try cli.run("plans")
        #expect(table.status == 0)
        for name in ["Free", "Starter", "Pro", "Scale", "Business", "Enterprise", "$99.00", "mentorship-hour"] {
            #expect(table.stdout.contains(name), "missing \(name)")
        }
        let json = try cli.run("plans", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["plans"] as? [Any])?.count == 6)
        let broken = cli.folder.appendingPathComponent("broken.json")
        try #"{"services": [], "plans": [{"tier": "free"}]}"#.write(to: broken, atomically: true, encoding: .utf8)
        let refused = try cli.run("plans", "--catalog", broken.path)
        #expect(refused.status == 1)
        #expect(refused.stderr == "coffer: Catalog \(broken.path): plans[0].name: missing\n")
    }

    @Test("SPEC §10: check exits 1 and names an entry edited behind Coffer's back")
    func checkFindsTampering() throws {
        let cli = try CofferCLI()
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("operator", "adjust", "10", "--reason", "x").status == 0)
        try cli.execute(StoreUnderTest.isSQLite ? "DROP TRIGGER entries_no_update" : "ALTER TABLE entries DISABLE TRIGGER USER",
                        "UPDATE entries SET amount = amount * 2 WHERE id = 2")
        let check = try cli.run("check")
        #expect(check.status == 1)
        #expect(check.stdout.contains("entry 2 was altered"), "\(check.stdout)")
    }

    @Test("The demo builds its own database with months of usage, and shows the balance",
          .enabled(if: StoreUnderTest.isSQLite, "the demo's own SQLite file (coffer/demo.sqlite), whatever store the suite runs on"))
    func demo() throws {
        let cli = try CofferCLI(now: "2026-11-21T12:00:00Z")
        let demo = try cli.run("demo", "--records", "400", "--no-open")
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("400 usage records over 6 months"), "\(demo.stdout)")
        let path = cli.folder.appendingPathComponent("coffer/demo.sqlite").path
        #expect(try cli.run("balance", "--db", path, "--as", "ada@acme.test").stdout.contains("Team pool  Acme Robotics  credits"))
        #expect(!FileManager.default.fileExists(atPath: cli.database), "the demo never touches the real database")
        #expect(try cli.run("check", "--db", path).status == 0)
        let members = try cli.run("members", "list", "--db", path, "--as", "ada@acme.test", "--json").stdout
        #expect(members.components(separatedBy: "\"email\"").count - 1 == 8)
        let summary = try cli.run("usage", "summary", "--db", path, "--as", "ada@acme.test", "--json").stdout
        let count = (try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["count"] as? Int
        #expect((count ?? 0) > 0, "\(summary)")
    }
}
