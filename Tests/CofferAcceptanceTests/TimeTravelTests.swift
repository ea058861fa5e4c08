import CofferCore
import Foundation
import StoreUnderTest
import Testing

/// Time (R4a, R15a, issue #10): the clock jumps forwards and backwards (COFFER_NOW), credit
/// periods anchored on the 29th, 30th, 31st and on a leap day, a year and more at once. After
/// every step `coffer check` passes and the next refresh is the one an independent calendar
/// (Foundation's Gregorian, UTC) predicts; a database that walked there step by step, back and
/// forth, ends with exactly the ledger of one that jumped.
@Suite("Time jumps, month ends and leap days (R4a, R15a)")
struct TimeTravelTests {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The credit refreshes (R4a) from `anchor`: the anchor's day, or the month's last day in
    /// shorter months — always counted from the anchor, so the day returns after February.
    static func refreshes(from anchor: Date, through end: Date) -> [Date] {
        (1...40).map { calendar.date(byAdding: .month, value: $0, to: anchor)! }.filter { $0 <= end }
    }

    /// What both databases do, at these offsets (days, hours) from the anchor: backwards too.
    static let shared: [(days: Double, command: [String])] = [
        (1, ["consume", "--service", "gpt-4o", "--id", "e1", "--credits", "1"]),
        (45, ["consume", "--service", "gpt-4o", "--id", "e2", "--credits", "1"]),
        (20, ["consume", "--service", "gpt-4o", "--id", "e3", "--credits", "1"]),       // 25 days back
        (100, ["packs", "buy", "10"]),
        (60, ["consume", "--service", "gpt-4o", "--id", "e4", "--credits", "1"]),       // 40 days back
        (400, ["consume", "--service", "gpt-4o", "--id", "e5", "--credits", "1"]),      // 11 months at once
        (399.5, ["consume", "--service", "gpt-4o", "--id", "e6", "--credits", "1"]),    // half a day back
        (430, ["alerts", "set", "none"]),                                               // a write: it settles (R15a)
    ]

    @Test("Forward and back across month ends and leap days: check passes at every step; walking equals jumping",
          arguments: ["2027-12-29T23:59:59Z", "2028-01-30T00:00:00Z", "2028-01-31T12:00:00Z", "2028-02-29T06:30:00Z", "2027-03-31T00:00:01Z"])
    func travel(anchor: String) throws {
        let start = Self.date(anchor)
        let jumper = try CofferCLI(now: anchor), walker = try CofferCLI(now: anchor)
        for cli in [jumper, walker] {
            cli.environment["COFFER_USER"] = CofferCLI.owner
            #expect(try cli.run("workspace", "create", "Acme", "--owner", CofferCLI.owner).status == 0)
            #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "2", "--card", "4242424242424242").status == 0)
        }
        let seed = ProcessInfo.processInfo.environment["COFFER_TIME_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        var random = SeededRandom(seed: seed)
        var latest = start, previous = 0.0
        for (days, command) in Self.shared {
            // The walker visits moments in between, forwards and backwards, before each shared step —
            // never past the later of the two steps: a write behind what the walker already settled
            // would be stamped before events the jumper settles after it (same entries, other order).
            for _ in 0..<2 {
                let moment = Double.random(in: min(previous, days) - 10...max(previous, days), using: &random)
                try Self.step(walker, at: start.addingTimeInterval(max(0, moment) * 86_400), latest: &latest, start: start)
            }
            for cli in [jumper, walker] {
                let now = start.addingTimeInterval(days * 86_400)
                cli.environment["COFFER_NOW"] = Self.iso(now)
                let run = try cli.run(arguments: command)
                #expect(run.status == 0, "\(command) at \(Self.iso(now)): \(run.stderr)")
                try cli.expectSound()
            }
            latest = max(latest, start.addingTimeInterval(days * 86_400))
            previous = days
        }
        let end = start.addingTimeInterval(430 * 86_400)
        for cli in [jumper, walker] {
            try Self.expectNextRefresh(cli, latest: end, start: start)
            let grants = try cli.value("SELECT count(*) FROM adjustments WHERE type = 'subscription_renewal'")
            #expect(grants.flatMap { Int($0) } == 1 + Self.refreshes(from: start, through: end).count)
        }
        let (walked, jumped) = (try Self.ledger(walker), try Self.ledger(jumper))
        let w = walked.split(separator: "\n"), j = jumped.split(separator: "\n")
        let first = (0..<min(w.count, j.count)).first { w[$0] != j[$0] } ?? min(w.count, j.count)
        #expect(walked == jumped, """
            walking back and forth (seed \(seed), COFFER_TIME_SEED replays it) settled differently from jumping, from line \(first + 1):
            walked: \(first < w.count ? w[first] : "<end>")
            jumped: \(first < j.count ? j[first] : "<end>")
            """)
    }

    /// One walker step: a command that writes, so settles first (or, with the clock behind, says
    /// it did not); a read command never settles for good (R15a, issue #19.14).
    static func step(_ cli: CofferCLI, at now: Date, latest: inout Date, start: Date) throws {
        cli.environment["COFFER_NOW"] = iso(now)
        let settled = try cli.value("SELECT coalesce(max(value), '0') FROM meta WHERE key = 'settled_until'") ?? "0"
        let behind = now.timeIntervalSince1970 < Double(settled) ?? 0
        let shown = try cli.run("alerts", "set", "none")
        #expect(shown.status == 0, "\(shown.stderr)")
        // R15a: behind the last settled time, nothing is settled and the command says so.
        #expect(behind ? shown.stderr.contains("is behind the last settled time") : shown.stderr.isEmpty, "\(iso(now)): \(shown.stderr)")
        latest = max(latest, now)
        try cli.expectSound()
        try expectNextRefresh(cli, latest: latest, start: start)
    }

    /// `next_refresh` is the first refresh after the latest settled moment (R14, R4a).
    static func expectNextRefresh(_ cli: CofferCLI, latest: Date, start: Date, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let json = try cli.run("subscription", "show", "--json").stdout
        let shown = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["next_refresh"] as? String
        let expected = (1...40).map { calendar.date(byAdding: .month, value: $0, to: start)! }.first { $0 > latest }
        #expect(shown == expected.map(iso), "after \(iso(latest))", sourceLocation: sourceLocation)
    }

    /// The ledger and what hangs on it: entries, grants, adjustments, invoices, usage.
    static func ledger(_ cli: CofferCLI) throws -> String {
        if StoreUnderTest.isPostgres {
            return try ["entries", "grants", "adjustments", "invoices", "usage_events", "accounts"].flatMap { table in
                try cli.column("SELECT '\(table) ' || r::text FROM \(table) r ORDER BY id").map { $0 ?? "" }
            }.joined(separator: "\n")
        }
        return try cli.python("""
            import sqlite3, sys
            db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            for table in ['entries', 'grants', 'adjustments', 'invoices', 'usage_events', 'accounts']:
                for row in db.execute('SELECT * FROM ' + table + ' ORDER BY id'):
                    print(table, row)
            """)
    }
}
