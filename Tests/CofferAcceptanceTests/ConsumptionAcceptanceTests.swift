import Foundation
import Testing

/// R29–R33 end to end, and concurrent writers on one database (SPEC §10).
@Suite("Consumption end to end (R29–R33, SPEC §10)", .serialized)
struct ConsumptionAcceptanceTests {
    @Test("SPEC §10: 4 processes × 2,000 consumes against a pool that affords exactly 5,000 → exactly 5,000 succeed")
    func concurrentProcesses() throws {
        let cli = try CofferCLI(now: "2026-01-10T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        // llama-3.1-70b costs $0.004 a message: $20.000 pays for exactly 5,000 (the $5 Free grant + $15).
        #expect(try cli.run("operator", "adjust", "15", "--reason", "exactly 5,000 messages").status == 0)
        let files = try (0..<4).map { process -> String in
            let path = cli.folder.appendingPathComponent("p\(process).jsonl").path
            let lines = (0..<2_000).map { #"{"id": "p\#(process)-\#($0)", "service": "llama-3.1-70b", "quantity": "1"}"# }
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let results = try files.map { file -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CofferCLI.binary)
            process.arguments = ["usage", "import", file, "--batch", "1", "--json"]
            process.environment = cli.environment
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            return process
        }
        for process in results { process.waitUntilExit() }
        let counts = try cli.run("balance", "--json")
        #expect(counts.stdout.contains("\"balance\" : \"0.000\""), "\(counts.stdout)")
        let inserted = try cli.run("operator", "adjust", "1", "--reason", "after")
        #expect(inserted.status == 0)
        #expect(try cli.value("select count(*) from usage_events") == "5000")
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.stdout)")
    }

    @Test("R29/R33: consume prints what was charged, from which wallet and grants; --json; a duplicate id charges nothing")
    func consumeOutput() throws {
        let cli = try CofferCLI(now: "2026-01-10T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        let first = try cli.run("consume", "--service", "gpt-4o", "--id", "m1", "--quantity", "3", "--conversation", "c-1",
                                "--title", "Plan the launch", "--type", "message")
        #expect(first.stdout == "Charged $0.045 to team pool\nGrants: #1 $0.045\nBalance: $4.955\n", "\(first.stderr)")
        let again = try cli.run("consume", "--service", "gpt-4o", "--id", "m1", "--quantity", "3", "--conversation", "c-1",
                                "--title", "Plan the launch", "--type", "message", "--json")
        #expect(again.stdout.contains("\"duplicate\" : true") && again.stdout.contains("\"credits\" : \"0.045\""))
        #expect(try cli.poolBalance(as: "ada@acme.test") == "4.955")
        let conflict = try cli.run("consume", "--service", "gpt-4o", "--id", "m1", "--quantity", "4")
        #expect(conflict.status == 1)
        #expect(conflict.stderr == "coffer: Usage event m1 was already recorded with a different payload\n")
        let call = try cli.run("consume", "--service", "mcp-http-call", "--id", "k1", "--api-key", "ci")
        #expect(call.stderr == "coffer: No API key named ci: create it with coffer keys create\n")
        #expect(try cli.run("keys", "create", "ci").status == 0)
        #expect(try cli.run("consume", "--service", "mcp-http-call", "--id", "k1", "--api-key", "ci", "--call", "call-1").status == 0)
        let bad = try cli.run("consume", "--service", "gpt-4o", "--id", "m2", "--quantity", "1.2345")
        #expect(bad.stderr == "coffer: Amounts have at most three decimals: 1.2345\n")
        #expect(try cli.run("check").status == 0)
    }
}
