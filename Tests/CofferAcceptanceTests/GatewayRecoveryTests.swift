import Foundation
import Testing

/// R10: a process that dies after the gateway charged and before its transaction committed is
/// recovered by the idempotency key on the next run: the gateway replays the first outcome,
/// the ledger records the payment once. The sandbox's journal (`COFFER_SANDBOX_JOURNAL`) is
/// the gateway's own memory; `COFFER_SANDBOX_FAULT=die-after-charge` SIGKILLs the process there.
@Suite("Gateway failure between charge and commit (R10)")
struct GatewayRecoveryTests {
    /// A team whose sandbox gateway keeps a journal.
    static func team() throws -> (CofferCLI, URL) {
        let cli = try CofferCLI()
        let journal = cli.folder.appendingPathComponent("gateway.jsonl")
        cli.environment["COFFER_SANDBOX_JOURNAL"] = journal.path
        try cli.team()
        return (cli, journal)
    }

    /// The journal's lines for one idempotency key: "charge" or "replay", in order.
    static func events(_ journal: URL, key: String) throws -> [String] {
        let text = (try? String(contentsOf: journal, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                  object["key"] == key else { return nil }
            return object["event"]
        }
    }

    /// Runs `arguments` with the fault on: the process must die by SIGKILL, the database unchanged.
    static func dieAfterCharge(_ cli: CofferCLI, _ arguments: [String]) throws {
        let before = try cli.digest()
        cli.environment["COFFER_SANDBOX_FAULT"] = "die-after-charge"
        defer { cli.environment["COFFER_SANDBOX_FAULT"] = nil }
        let died = try cli.run(arguments: arguments)
        #expect(died.signal == SIGKILL, "\(arguments): exit \(died.status) \(died.stderr)")
        cli.environment["COFFER_SANDBOX_FAULT"] = nil
        #expect(try cli.digest() == before, "the charge's transaction was not rolled back")
        try cli.expectSound()
    }

    @Test("R10/R12: the trial-end charge is made, the process dies before commit; the next run replays it → Active, one invoice, one charge")
    func trialEndCharge() throws {
        let (cli, journal) = try Self.team()
        cli.environment["COFFER_NOW"] = "2026-02-01T00:00:00Z" // after the trial's end (Jan 29)
        // A read command only previews the charge (R15a, issue #19.14): a write settles, and charges.
        let preview = try cli.run("subscription", "show", "--json")
        #expect(preview.stdout.contains("\"status\" : \"active\""), "\(preview.stdout)\(preview.stderr)")
        #expect(try Self.events(journal, key: "sub1:trial-end") == [])
        try Self.dieAfterCharge(cli, ["alerts", "set", "none"])
        #expect(try Self.events(journal, key: "sub1:trial-end") == ["charge"])
        #expect(try cli.run("alerts", "set", "none").status == 0)
        let shown = try cli.run("subscription", "show", "--json")
        #expect(shown.stdout.contains("\"status\" : \"active\""), "\(shown.stdout)\(shown.stderr)")
        #expect(try Self.events(journal, key: "sub1:trial-end") == ["charge", "replay"])
        let invoices = try cli.run("billing", "invoices", "--json").stdout
        #expect(invoices.components(separatedBy: "first period after the trial").count == 2, "\(invoices)")
        #expect(try Self.events(journal, key: "sub1:trial-end") == ["charge", "replay"])
        try cli.expectSound()
    }

    @Test("R10/R35: an auto-recharge is charged, the consume dies before commit; the same --id again replays the charge → one recharge, one debit")
    func rechargeCharge() throws {
        let (cli, journal) = try Self.team()
        #expect(try cli.run("recharge", "set", "--enabled", "true", "--threshold", "1000000", "--amount", "20").status == 0)
        let before = try #require(try cli.poolBalance(as: CofferCLI.owner))
        let consume = ["consume", "--service", "gpt-4o", "--id", "evt-9", "--credits", "4"]
        try Self.dieAfterCharge(cli, consume)
        #expect(try Self.events(journal, key: "recharge:1:0:evt-9") == ["charge"])
        #expect(try cli.poolBalance(as: CofferCLI.owner) == before)
        let again = try cli.run(arguments: consume + ["--json"])
        #expect(again.status == 0 && again.stdout.contains("\"duplicate\" : false"), "\(again.stdout)\(again.stderr)")
        #expect(try Self.events(journal, key: "recharge:1:0:evt-9") == ["charge", "replay"])
        let third = try cli.run(arguments: consume + ["--json"])
        #expect(third.stdout.contains("\"duplicate\" : true"))
        #expect(try Self.events(journal, key: "recharge:1:0:evt-9") == ["charge", "replay"], "a replayed event reached the gateway")
        let after = try #require(try cli.poolBalance(as: CofferCLI.owner))
        #expect(Int(after.filter(\.isNumber))! == Int(before.filter(\.isNumber))! + 16_000, "+$20 recharged, -$4 used: \(before) → \(after)")
        let invoices = try cli.run("billing", "invoices", "--json").stdout
        #expect(invoices.components(separatedBy: "Auto-recharge").count == 2, "\(invoices)")
        try cli.expectSound()
    }

    @Test("R10/R23: packs buy --id is charged, the process dies before commit; the same --id again replays the charge → one pack, one charge; other terms are refused")
    func packCharge() throws {
        let (cli, journal) = try Self.team()
        let before = try #require(try cli.poolBalance(as: CofferCLI.owner))
        let buy = ["packs", "buy", "25", "--id", "order-7"]
        try Self.dieAfterCharge(cli, buy)
        #expect(try Self.events(journal, key: "packs:1:id:order-7") == ["charge"])
        #expect(try cli.run(arguments: buy).status == 0)
        #expect(try Self.events(journal, key: "packs:1:id:order-7") == ["charge", "replay"])
        let again = try cli.run(arguments: buy)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.events(journal, key: "packs:1:id:order-7") == ["charge", "replay"], "a bought pack reached the gateway again")
        let after = try #require(try cli.poolBalance(as: CofferCLI.owner))
        #expect(Int(after.filter(\.isNumber))! == Int(before.filter(\.isNumber))! + 25_000, "one $25 pack: \(before) → \(after)")
        let other = try cli.run("packs", "buy", "50", "--id", "order-7")
        #expect(other.status == 1 && other.stderr.contains("Purchase order-7 was 1 × $25.00 credit pack, not 1 × $50.00 credit pack"), "\(other.stderr)")
        #expect(try cli.poolBalance(as: CofferCLI.owner) == after)
        try cli.expectSound()
    }

    @Test("R10: an unknown sandbox fault is refused cleanly")
    func unknownFault() throws {
        let cli = try CofferCLI()
        cli.environment["COFFER_SANDBOX_FAULT"] = "explode"
        expectRefusal(try cli.run("workspace", "create", "Acme", "--owner", CofferCLI.owner),
                      "COFFER_SANDBOX_FAULT: no fault named explode (die-after-charge)")
    }
}
