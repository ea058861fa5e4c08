import Foundation
import Testing

/// R10–R15 and R23 end to end: every R12 transition driven through the binary with COFFER_NOW
/// and the sandbox's three test cards.
@Suite("Subscriptions end to end (R10–R15, R23)")
struct SubscriptionAcceptanceTests {
    static let pays = "4242424242424242", declined = "4000000000000002", failsCharges = "4000000000000341"

    /// A workspace whose primary owner is ada@acme.test, at `now`.
    static func workspace(now: String = "2026-01-31T10:00:00Z") throws -> CofferCLI {
        let cli = try CofferCLI(now: now)
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        return cli
    }

    static func status(_ cli: CofferCLI) throws -> String {
        let result = try cli.run("subscription", "show", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["status"] as? String ?? "?(\(result.stderr))"
    }

    static func at(_ cli: CofferCLI, _ time: String) { cli.environment["COFFER_NOW"] = time }

    @Test("R10/R12: first time → Trialing; trial end with a working card → Active")
    func trialThenActive() throws {
        let cli = try Self.workspace()
        let subscribed = try cli.run("subscribe", "--plan", "pro", "--seats", "3")
        #expect(subscribed.status == 0, "\(subscribed.stderr)")
        #expect(try Self.status(cli) == "trialing")
        #expect(try cli.run("billing", "card", Self.pays).status == 0)
        Self.at(cli, "2026-02-14T10:00:01Z")
        let before = try cli.run("check")
        #expect(before.status == 0 && before.stdout.contains("entries"), "check never settles (R15a)")
        #expect(try Self.status(cli) == "active", "the trial's end settled before the command ran")
        #expect(try cli.run("packs", "buy", "10").status == 0)
        let invoices = try cli.run("billing", "invoices").stdout
        #expect(invoices.contains("$297.00") && invoices.contains("paid"), "\(invoices)")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R12: trial end without a working card → Past due → retries at +1, +3, +7 days → Unpaid; then subscribe again")
    func trialEndFailsToUnpaid() throws {
        let cli = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "pro").status == 0)
        #expect(try cli.run("billing", "card", Self.failsCharges).status == 0)
        for (time, expected) in [("2026-02-14T10:00:00Z", "past_due"), ("2026-02-15T10:00:00Z", "past_due"),
                                 ("2026-02-17T10:00:00Z", "past_due"), ("2026-02-21T09:59:59Z", "past_due"),
                                 ("2026-02-21T10:00:00Z", "unpaid")] {
            Self.at(cli, time)
            #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
            #expect(try Self.status(cli) == expected, "at \(time)")
        }
        let failed = try cli.run("billing", "invoices", "--json").stdout
        #expect(failed.components(separatedBy: "\"failed\"").count - 1 == 4, "trial end + 3 retries")
        let packs = try cli.run("packs", "buy", "10")
        #expect(packs.stderr == "coffer: Your subscription is Unpaid: packs can be bought again once it is active\n")
        #expect(try cli.run("billing", "card", Self.pays).status == 0) // a new card that pays → Active (R12)
        #expect(try Self.status(cli) == "active")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R12: Past due → retry with a new card → Active; `subscription retry` on a failing card exits 1 and records it")
    func pastDueRetry() throws {
        let cli = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "scale", "--card", Self.failsCharges).status == 0)
        Self.at(cli, "2026-02-14T10:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "past_due")
        let retry = try cli.run("subscription", "retry")
        #expect(retry.status == 1)
        #expect(retry.stderr == "coffer: The payment failed: Your card was declined\n")
        #expect(try Self.status(cli) == "past_due")
        #expect(try cli.run("billing", "card", Self.pays).status == 0)
        #expect(try Self.status(cli) == "active")
        let retryActive = try cli.run("subscription", "retry")
        #expect(retryActive.stderr == "coffer: There is no failed payment to retry (the subscription is Active)\n")
    }

    @Test("R10/R12: with billing history, Proceed to payment; a failing first payment → Incomplete → Incomplete expired after 23 h")
    func incompleteExpires() throws {
        let cli = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "pro", "--card", Self.pays).status == 0)
        #expect(try cli.run("subscription", "cancel", "--now").status == 0)
        #expect(try Self.status(cli) == "canceled")
        #expect(try cli.run("billing", "card", Self.failsCharges).status == 0)
        #expect(try cli.run("subscribe", "--plan", "pro").status == 0)
        #expect(try Self.status(cli) == "incomplete", "no second trial: the workspace has billing history")
        Self.at(cli, "2026-02-01T08:59:59Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "incomplete")
        Self.at(cli, "2026-02-01T09:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "incomplete_expired")
        #expect(try cli.run("billing", "card", Self.pays).status == 0)
        let again = try cli.run("subscribe", "--plan", "pro")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.status(cli) == "active")
    }

    @Test("R12: Incomplete → a new card that pays → Active")
    func incompleteToActive() throws {
        let cli = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "business", "--card", Self.failsCharges).status == 0) // no trial on Business
        #expect(try Self.status(cli) == "incomplete")
        #expect(try cli.run("billing", "card", Self.pays).status == 0)
        #expect(try Self.status(cli) == "active")
    }

    @Test("R10: card 4000000000000002 is declined and cannot be saved; nothing changes")
    func declinedCard() throws {
        let cli = try Self.workspace()
        let refused = try cli.run("billing", "card", Self.declined)
        #expect(refused.status == 1)
        #expect(refused.stderr == "coffer: Your card was declined\n")
        let subscribe = try cli.run("subscribe", "--plan", "business", "--card", Self.declined)
        #expect(subscribe.stderr == "coffer: Your card was declined\n")
        #expect(try cli.run("subscription", "show").stdout.contains("Free (free)"))
    }

    @Test("R12: renewal failure → Past due; pause and resume; cancel at period end; one-time plans end")
    func renewalPauseCancelOneTime() throws {
        let cli = try Self.workspace(now: "2026-03-31T00:00:00Z")
        #expect(try cli.run("subscribe", "--plan", "business", "--card", Self.pays).status == 0)
        #expect(try cli.run("billing", "card", Self.failsCharges).status == 0)
        Self.at(cli, "2026-04-30T00:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "past_due")
        #expect(try cli.run("billing", "card", Self.pays).status == 0)
        #expect(try cli.run("subscription", "pause").stdout == "Status: Paused\n")
        #expect(try cli.run("subscription", "pause").stderr == "coffer: A subscription that is Paused cannot be paused\n")
        #expect(try cli.run("subscription", "resume").stdout == "Status: Active\n")
        #expect(try cli.run("subscription", "cancel").status == 0)
        Self.at(cli, "2026-05-30T23:59:59Z") // anchored on March 31st: the period ends May 31st (R4a)
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "active")
        Self.at(cli, "2026-05-31T00:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "canceled")
        #expect(try cli.run("subscription", "show").stdout.contains("ended; the workspace is on the Free plan"))
        // One-time: Enterprise sold one-time ends at its period end.
        #expect(try cli.run("subscribe", "--plan", "enterprise", "--interval", "one-time").status == 0)
        #expect(try Self.status(cli) == "active")
        Self.at(cli, "2026-06-30T00:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == "canceled", "a one-time plan ends at its period end")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R15: every change between paid plans needs --yes (exit 1, says what and when, writes nothing); upgrade now with proration and compensation; downgrades wait for the period end")
    func changePlans() throws {
        let cli = try Self.workspace(now: "2026-01-01T00:00:00Z")
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "2", "--card", Self.pays).status == 0)
        #expect(try cli.run("subscription", "cancel", "--now").status == 0)
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "2").status == 0) // history: charged, Active
        Self.at(cli, "2026-01-16T12:00:00Z") // exactly half of January left
        let unconfirmed = try cli.run("subscription", "change", "--plan", "scale")
        #expect(unconfirmed.status == 1)
        // Scale 2 × $199 − unused half of Pro 2 × $99 = $398 − $99 = $299.
        #expect(unconfirmed.stderr == "coffer: Changing from Pro, monthly to Scale, monthly takes effect now and charges $299.00 (prorated): run again with --yes to confirm\n")
        let upgraded = try cli.run("subscription", "change", "--plan", "scale", "--yes")
        #expect(upgraded.stdout == "Upgraded to scale: charged $299.00; $100.000 of unused credits compensated\n", "\(upgraded.stderr)")
        #expect(try cli.run("subscription", "show").stdout.contains("Scale"))
        let audit = try cli.run("audit", "list", "--json").stdout
        let unconfirmedDown = try cli.run("subscription", "change", "--plan", "pro")
        #expect(unconfirmedDown.status == 1)
        #expect(unconfirmedDown.stderr == "coffer: Changing from Scale, monthly to Pro, monthly takes effect at the end of the current period, "
                + "on 2026-02-16; nothing is charged now: run again with --yes to confirm\n")
        #expect(try cli.run("audit", "list", "--json").stdout == audit, "nothing written")
        let down = try cli.run("subscription", "change", "--plan", "pro", "--yes")
        #expect(down.stdout == "Changes to pro at the end of the current period (2026-02-16 12:00)\n", "\(down.stderr)")
        Self.at(cli, "2026-02-16T12:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        let shown = try cli.run("subscription", "show", "--json").stdout
        #expect(shown.contains("\"tier\" : \"pro\""), "\(shown)")
        #expect(try cli.run("subscription", "change", "--plan", "free").stdout.hasPrefix("Changes to free at the end"))
        Self.at(cli, "2026-03-16T12:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try cli.run("subscription", "show").stdout.contains("ended; the workspace is on the Free plan"))
        #expect(try cli.run("check").status == 0)
    }

    @Test("R13 on the command line: in Canceled, Unpaid and Incomplete expired, consume and import are refused with the status, and nothing moves",
          arguments: ["canceled", "unpaid", "incomplete_expired"])
    func teamSpendingRefused(status: String) throws {
        let cli = try Self.workspace(now: "2026-01-01T00:00:00Z")
        #expect(try cli.run("operator", "adjust", "50", "--reason", "float").status == 0)
        switch status {
        case "canceled":
            #expect(try cli.run("subscribe", "--plan", "pro", "--card", Self.pays).status == 0)
            #expect(try cli.run("subscription", "cancel", "--now").status == 0)
        case "unpaid":
            #expect(try cli.run("subscribe", "--plan", "pro", "--card", Self.failsCharges).status == 0)
            Self.at(cli, "2026-01-23T00:00:00Z") // trial end (14 days) fails, then the three retries
        default:
            #expect(try cli.run("subscribe", "--plan", "pro", "--card", Self.pays).status == 0)
            #expect(try cli.run("subscription", "cancel", "--now").status == 0)
            #expect(try cli.run("billing", "card", Self.failsCharges).status == 0)
            #expect(try cli.run("subscribe", "--plan", "pro").status == 0)
            Self.at(cli, "2026-01-02T00:00:00Z")
        }
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try Self.status(cli) == status)
        let balance = try cli.run("balance", "--json").stdout
        let title = ["canceled": "Canceled", "unpaid": "Unpaid", "incomplete_expired": "Incomplete expired"][status]!
        let consumed = try cli.run("consume", "--service", "gpt-4o", "--id", "e-1", "--quantity", "2")
        #expect(consumed.status == 1)
        #expect(consumed.stderr == "coffer: Your team's subscription is \(title): team credits cannot be spent\n")
        let file = cli.folder.appendingPathComponent("usage.jsonl")
        try Data(#"{"id": "e-2", "service": "gpt-4o", "quantity": 2}"#.utf8).write(to: file)
        let imported = try cli.run("usage", "import", file.path)
        #expect(imported.stdout.contains("Your team's subscription is \(title): team credits cannot be spent"), "\(imported.stdout)")
        #expect(try cli.run("balance", "--json").stdout == balance, "nothing moved")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R4a: anchored on January 31st across February of a leap year and of a common year", arguments: [
        ("2024-01-31T09:00:00Z", "2024-02-29T09:00:00Z"), ("2025-01-31T09:00:00Z", "2025-02-28T09:00:00Z"),
    ])
    func januaryThirtyFirst(start: String, february: String) throws {
        let cli = try Self.workspace(now: start)
        #expect(try cli.run("subscribe", "--plan", "starter", "--card", Self.pays).status == 0)
        let show = try cli.run("subscription", "show", "--json").stdout
        #expect(show.contains("\"next_refresh\" : \"\(february)\""), "\(show)")
        let year = String(start.prefix(4))
        Self.at(cli, february)
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try cli.run("subscription", "show", "--json").stdout.contains("\"next_refresh\" : \"\(year)-03-31T09:00:00Z\""))
        Self.at(cli, "\(year)-03-31T09:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        #expect(try cli.run("subscription", "show", "--json").stdout.contains("\"next_refresh\" : \"\(year)-04-30T09:00:00Z\""))
        #expect(try cli.run("check").status == 0)
    }

    @Test("R15a: a clock behind the last settled time says so and settles nothing")
    func clockBehind() throws {
        let cli = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "pro", "--card", Self.pays).status == 0)
        Self.at(cli, "2026-03-05T00:00:00Z")
        #expect(try cli.run("operator", "adjust", "1", "--reason", "tick").status == 0)
        Self.at(cli, "2026-03-01T00:00:00Z")
        let behind = try cli.run("operator", "adjust", "1", "--reason", "tick")
        #expect(behind.stderr == "coffer: warning: The clock (2026-03-01T00:00:00Z) is behind the last settled time (2026-03-05T00:00:00Z): nothing was settled\n")
        #expect(try cli.run("check").status == 0)
    }
}
