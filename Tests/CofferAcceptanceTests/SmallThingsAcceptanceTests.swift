import Foundation
import Testing

/// Issue #14, point 8 (and point 6 as the command line shows it): small things a user of the real
/// `coffer` binary sees, each fixed where it is printed.
@Suite("Small things on the command line (R4, R12, R21, R26, R33, SPEC §8)", .serialized)
struct SmallThingsAcceptanceTests {
    /// A workspace on Pro (trialing, 2 seats) whose primary owner is the acting user.
    static func pro(now: String = "2026-01-10T10:00:00Z") throws -> CofferCLI {
        let cli = try CofferCLI(now: now)
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("billing", "card", "4242424242424242").status == 0)
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "2").status == 0)
        return cli
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("SPEC §8: `demo --db` refuses a location that already holds a ledger (a file, or a PostgreSQL database) and changes nothing")
    func demoRefusesATakenLocation() throws {
        let cli = try Self.pro()
        #expect(try cli.run("consume", "--service", "gpt-4o", "--id", "before-demo").status == 0)
        let before = try cli.run("check")
        let demo = try cli.run("demo", "--no-open", "--records", "10", "--db", cli.database)
        #expect(demo.status == 1, "\(demo.stdout)")
        #expect(demo.stderr.contains("already exists: the demo builds a new database"), "\(demo.stderr)")
        let after = try cli.run("check")
        #expect(after.status == 0 && after.stdout == before.stdout, "\(before.stdout) → \(after.stdout)")
        #expect(try cli.run("workspace", "list").stdout.components(separatedBy: "\n").filter { $0.contains("Acme") }.count == 1)
    }

    @Test("R4, R33: a consume that rounds to $0.000 says so, instead of `Charged  to ` with empty fields")
    func zeroCharge() throws {
        let cli = try Self.pro()
        // llama-3.1-70b costs $0.004 a message: 0.01 of one is $0.00004, which rounds to $0.000.
        let tiny = try cli.run("consume", "--service", "llama-3.1-70b", "--id", "tiny", "--quantity", "0.01")
        #expect(tiny.status == 0, "\(tiny.stderr)")
        #expect(tiny.stdout == "Charged $0.000 (nothing drawn): this use of llama-3.1-70b rounds to $0.000\nBalance: $205.000\n")
        let again = try cli.run("consume", "--service", "llama-3.1-70b", "--id", "tiny", "--quantity", "0.01")
        #expect(again.stdout.hasPrefix("Already recorded (event tiny): nothing charged now. First result:\nCharged $0.000 (nothing drawn)"))
        #expect(!again.stdout.contains("Charged  to"))
        #expect(try cli.run("check").status == 0)
    }

    @Test("R12: a canceled subscription does not also read `cancels at period end` (text and JSON)")
    func canceledReadsCanceled() throws {
        let cli = try Self.pro()
        #expect(try cli.run("subscription", "cancel").status == 0)
        let pending = try cli.run("subscription", "show")
        #expect(pending.stdout.contains("Trialing, cancels at period end"), "before the period end it is still to come")
        let ended = CofferCLI(sharing: cli)
        ended.environment["COFFER_NOW"] = "2026-03-01T00:00:00Z"
        let show = try ended.run("subscription", "show")
        #expect(show.status == 0)
        let status = show.stdout.split(separator: "\n").first { $0.hasPrefix("Status") }.map(String.init)
        #expect(status == "Status           Canceled", "\(show.stdout)")
        let json = try Self.json(ended.run("subscription", "show", "--json").stdout) as? [String: Any]
        #expect(json?["status"] as? String == "canceled")
        #expect(json?["cancel_at_period_end"] as? Bool == false)
    }

    @Test("R33, R9a: after an upgrade to unlimited tickets, balance lists event-ticket once, as unlimited")
    func unlimitedOnce() throws {
        let cli = try Self.pro()
        let upgraded = try cli.with(environment: ["COFFER_NOW": "2026-01-11T10:00:00Z"]).run("subscription", "change", "--plan", "scale", "--yes")
        #expect(upgraded.status == 0, "\(upgraded.stderr)")
        let later = cli.with(environment: ["COFFER_NOW": "2026-01-11T10:00:00Z"])
        let table = try later.run("balance")
        let ticketRows = table.stdout.split(separator: "\n").filter { $0.contains("event-ticket") }
        #expect(ticketRows.count == 1, "\(table.stdout)")
        #expect(ticketRows.first?.hasSuffix("unlimited") == true)
        let wallets = (try Self.json(later.run("balance", "--json").stdout) as? [String: Any])?["wallets"] as? [[String: Any]] ?? []
        let tickets = wallets.filter { $0["asset"] as? String == "event-ticket" }
        #expect(tickets.count == 1)
        #expect(tickets.first?["unlimited"] as? Bool == true)
    }

    @Test("R26, SPEC §8: seats list --json gives multiplier as a number, as members list --json does")
    func multiplierIsANumber() throws {
        let cli = try Self.pro()
        #expect(try cli.run("seats", "add", "bob@acme.test").status == 0)
        let seats = try Self.json(cli.run("seats", "list", "--json").stdout) as? [[String: Any]] ?? []
        let members = try Self.json(cli.run("members", "list", "--json").stdout) as? [[String: Any]] ?? []
        #expect(seats.count == 2 && members.count == 2)
        for row in seats + members {
            #expect(row["multiplier"] is NSNumber && !(row["multiplier"] is String), "\(row)")
            #expect((row["multiplier"] as? NSNumber)?.int64Value == 1)
        }
    }

    @Test("SPEC §8: a bad --sort or --last is a usage error (exit 64) whose first line names the valid values; nothing on stdout")
    func badSortAndLast() throws {
        let cli = try Self.pro()
        let cases: [([String], String)] = [
            (["usage", "list", "--sort", "bogus"], "coffer: Conversations sort by updated, messages, credits (optionally :asc or :desc), not bogus"),
            (["usage", "list", "--tab", "adjustments", "--sort", "amount:sideways"],
             "coffer: Credit Adjustments sort by created, amount (optionally :asc or :desc), not amount:sideways"),
            (["usage", "export", "--sort", "title"], "coffer: Conversations sort by updated, messages, credits (optionally :asc or :desc), not title"),
            (["usage", "list", "--last", "2w"], "coffer: Quick picks are 7d, 30d or 3m (not 2w)"),
            (["usage", "summary", "--last", "14d"], "coffer: Quick picks are 7d, 30d or 3m (not 14d)"),
            (["usage", "list", "--after", "page-two"], "coffer: --after takes a cursor printed by a previous page"),
        ]
        for (arguments, first) in cases {
            let result = try cli.run(arguments: arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").first.map(String.init) == first, "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
        #expect(try cli.run("usage", "list", "--sort", "credits:asc", "--last", "7d").status == 0, "valid values still work")
    }

    @Test("SPEC §8: the next page is offered in words on stderr (`add --after …`), so a pipe of stdout gets rows only")
    func nextPageHint() throws {
        let cli = try Self.pro()
        for index in 1...3 {
            #expect(try cli.run("consume", "--service", "gpt-4o", "--id", "m\(index)", "--conversation", "c\(index)", "--title", "T\(index)").status == 0)
        }
        let first = try cli.run("usage", "list", "--limit", "2")
        #expect(first.status == 0)
        #expect(first.stdout.split(separator: "\n").count == 3, "a header and two rows: \(first.stdout)")
        #expect(!first.stdout.contains("--after"))
        let hint = first.stderr.trimmingCharacters(in: .newlines)
        #expect(hint.hasPrefix("More rows: add --after ") && hint.hasSuffix(" to see the next page"), "\(first.stderr)")
        let cursor = hint.dropFirst("More rows: add --after ".count).split(separator: " ").first.map(String.init) ?? ""
        let second = try cli.run("usage", "list", "--limit", "2", "--after", cursor)
        #expect(second.status == 0)
        #expect(second.stdout.split(separator: "\n").count == 2, "the last row: \(second.stdout)")
        #expect(second.stderr.isEmpty, "no further page")
    }

    @Test("R21, SPEC §9: balance's `Expiring in 7 days` (text and --json) equals the Credit expiration recorded at the refresh (Pro, 50%)")
    func expiringMatchesAdjustments() throws {
        let cli = try Self.pro()
        let before = cli.with(environment: ["COFFER_NOW": "2026-02-06T10:00:00Z"])
        #expect(try before.run("consume", "--service", "gpt-4o", "--id", "spend", "--credits", "20").status == 0)
        let balance = try Self.json(before.run("balance", "--json").stdout) as? [String: Any]
        // $180 left of the $200 grant: $100 (50% of it) rolls over, $80 expires at the 2026-02-10 refresh.
        #expect(balance?["expiring_next_7_days"] as? String == "80.000")
        #expect(try before.run("balance").stdout.contains("Expiring in 7 days: $80.000 (first on 2026-02-10)"))
        let after = cli.with(environment: ["COFFER_NOW": "2026-02-10T11:00:00Z"])
        #expect(try after.run("operator", "adjust", "1", "--reason", "settle").status == 0)
        let rows = try Self.json(after.run("usage", "list", "--tab", "adjustments", "--type", "credit_expiration", "--json").stdout)
            as? [String: Any]
        let amounts = (rows?["rows"] as? [[String: Any]] ?? []).compactMap { $0["amount"] as? String }
        #expect(amounts == ["-80.000"], "\(String(describing: rows))")
    }
}
