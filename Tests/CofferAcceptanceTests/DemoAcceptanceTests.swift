import Foundation
import Testing

/// Issue #18.4 (SPEC §9): `coffer demo` builds a team whose current period is well under way, read
/// as a user reads it — the CLI's JSON on the demo that `coffer demo --no-open` builds by default.
@Suite("The demo, mid-period (issue #18.4)")
struct DemoAcceptanceTests {
    static let now = "2026-11-21T12:00:00Z"

    /// A demo of `records` (nil: the default size) built at ``now``, and a CLI on it.
    static func demo(records: Int? = nil) throws -> CofferCLI {
        let cli = try CofferCLI(now: now)
        let built = try cli.buildDemo(records: records)
        #expect(built.status == 0, "\(built.stderr)")
        return cli
    }

    /// `coffer ARGS… --json` as the primary owner, parsed.
    static func json(_ cli: CofferCLI, _ arguments: String...) throws -> Any {
        let result = try cli.run(arguments: arguments + ["--as", "ada@acme.test", "--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    static func amount(_ value: Any?) -> Decimal { (value as? String).flatMap { Decimal(string: $0) } ?? -1 }
    static func time(_ value: Any?) -> Date { (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) } ?? .distantPast }

    @Test("Used this period for everyone on the pool, one member at 80–95% of their limit, credits expiring and the renewal within days, a low-balance alert this period; check ok")
    func midPeriod() throws {
        let cli = try Self.demo()
        let now = Self.time(Self.now), week = now.addingTimeInterval(7 * 86_400)
        let members = try Self.json(cli, "members", "list") as? [[String: Any]] ?? []
        #expect(members.count == 8)
        for member in members where member["access"] as? String != "personal" {
            #expect(Self.amount(member["used_this_period"]) > 0, "\(member["email"] ?? "?") has used credit this period")
        }
        let limited = members.filter { $0["limit"] != nil }
        #expect(limited.count == 1, "\(limited)")
        for member in limited {
            let share = Self.amount(member["used_this_period"]) / Self.amount(member["limit"])
            #expect(share >= 0.8 && share <= 0.95, "\(member["email"] ?? "?") is near their limit: \(share)")
        }
        let balance = try Self.json(cli, "balance") as? [String: Any] ?? [:]
        #expect(Self.amount(balance["expiring_next_7_days"]) > 0, "\(balance)")
        let refresh = Self.time(balance["next_refresh"])
        #expect(refresh > now && refresh <= week, "the period ends within days: \(refresh)")
        let periodStart = Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: refresh)!
        #expect(now.timeIntervalSince(periodStart) > 20 * 86_400, "well under way: it began \(periodStart)")
        let alerts = (balance["alerts"] as? [[String: Any]] ?? []).map { Self.time($0["time"]) }
        #expect(alerts.contains { $0 >= periodStart && $0 <= now }, "a low-balance alert fired this period: \(alerts)")
        let subscription = try Self.json(cli, "subscription", "show") as? [String: Any] ?? [:]
        #expect(subscription["status"] as? String == "active" && subscription["tier"] as? String == "pro")
        #expect(Self.time(subscription["period_end"]) == refresh, "the renewal falls when credits refresh: \(subscription)")
        let check = try cli.run("check")
        #expect(check.status == 0 && check.stdout.hasPrefix("ok:"), "\(check.stdout)")
    }

    @Test("Seeded: two demos built at the same moment hold the same records, members and balances")
    func deterministic() throws {
        let (first, second) = (try Self.demo(records: 1_500), try Self.demo(records: 1_500))
        var outputs: [[String]] = [[], []]
        for (index, cli) in [first, second].enumerated() {
            for arguments in [["members", "list", "--json"], ["balance", "--json"], ["subscription", "show", "--json"]]
                + ["conversations", "calls", "imports", "adjustments"].map({ ["usage", "export", "--tab", $0] }) {
                outputs[index].append(try cli.run(arguments: arguments + ["--as", "ada@acme.test"]).stdout)
            }
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].allSatisfy { $0.count > 100 }, "\(outputs[0].map(\.count))")
    }
}
