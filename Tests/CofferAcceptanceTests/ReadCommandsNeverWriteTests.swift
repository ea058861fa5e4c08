import Foundation
import StoreUnderTest
import Testing

/// R15a, issue #19.14: a read command never writes. With the clock in the future (a what-if,
/// as the README's tour does) it settles inside a transaction, shows that moment, and rolls it
/// back: the file is unchanged, and later commands at the real time see no clock behind them.
@Suite("Read commands never write (R15a, issue #19.14)")
struct ReadCommandsNeverWriteTests {
    /// Every command that only reads, as the owner sees it.
    static let reads: [[String]] = [
        ["balance"], ["balance", "--json"], ["subscription"], ["subscription", "show"], ["subscription", "show", "--json"],
        ["billing", "invoices"], ["billing", "invoices", "--json"], ["seats", "list"], ["seats", "list", "--json"],
        ["members", "list"], ["members", "list", "--json"], ["audit", "list"], ["keys", "list"], ["whitelist", "show"],
        ["usage", "list"], ["usage", "list", "--json"], ["usage", "summary", "--json"], ["usage", "show", "c-1"],
        ["usage", "export", "--format", "csv"], ["usage", "export", "--format", "json"], ["usage", "list", "--tab", "adjustments"],
        ["workspace", "list"], ["plans"], ["check"],
        ["balance", "--as", CofferCLI.member], ["usage", "list", "--as", CofferCLI.member],
    ]

    /// The ledger head and the rows of the tables settlement writes, as a line.
    static func ledgerState(_ cli: CofferCLI) throws -> String {
        if StoreUnderTest.isPostgres {
            let counts = try ["entries", "grants", "invoices", "adjustments", "audit_log"].map { try cli.value("SELECT count(*) FROM \($0)") ?? "-" }
            return "\(try cli.column("SELECT h::text FROM ledger_head h")) \(counts) \(try cli.column("SELECT value FROM meta WHERE key = 'settled_until'"))"
        }
        return try cli.python("""
            import sqlite3, sys
            db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            head = db.execute('SELECT * FROM ledger_head').fetchall()
            counts = [db.execute('SELECT count(*) FROM ' + t).fetchone()[0] for t in ['entries', 'grants', 'invoices', 'adjustments', 'audit_log']]
            print(head, counts, db.execute("SELECT value FROM meta WHERE key = 'settled_until'").fetchall())
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Five weeks ahead, every read command shows the settled present and leaves the file exactly as it was")
    func whatIfChangesNothing() throws {
        let cli = try CofferCLI(now: "2026-01-15T12:00:00Z")
        try cli.team()
        let journal = cli.folder.appendingPathComponent("gateway.jsonl").path
        cli.environment["COFFER_SANDBOX_JOURNAL"] = journal
        let (digest, state) = (try cli.digest(), try Self.ledgerState(cli))
        let invoicesNow = try cli.run("billing", "invoices", "--json").stdout
        cli.environment["COFFER_NOW"] = "2026-02-20T12:00:00Z"
        for arguments in Self.reads {
            let result = try cli.run(arguments: arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            #expect(try Self.ledgerState(cli) == state, "\(arguments) wrote to the ledger")
            #expect(try cli.digest() == digest, "\(arguments) changed the database")
        }
        // What the reads showed is the future: the trial ended on 01-29 and the first period was charged.
        let shown = try JSONSerialization.jsonObject(with: Data(try cli.run("subscription", "show", "--json").stdout.utf8)) as? [String: Any]
        #expect(shown?["status"] as? String == "active", "\(String(describing: shown))")
        #expect((shown?["next_refresh"] as? String ?? "") > "2026-02-20T12:00:00Z", "\(String(describing: shown))")
        let invoices = try cli.run("billing", "invoices", "--json").stdout
        #expect(invoices.components(separatedBy: "\"created_at\"").count > invoicesNow.components(separatedBy: "\"created_at\"").count,
                "the first period's charge, shown as a what-if: \(invoices)")
        // The gateway was only asked what it would do: nothing charged, nothing remembered.
        let remembered = (try? String(contentsOfFile: journal, encoding: .utf8)) ?? ""
        #expect(remembered.isEmpty, "\(remembered)")
        // Back at the real time, nothing is behind: no warning, and the present as it was.
        cli.environment["COFFER_NOW"] = "2026-01-15T13:00:00Z"
        let back = try cli.run("subscription", "show", "--json")
        #expect(back.stderr.isEmpty, "\(back.stderr)")
        #expect(back.stdout.contains("\"trialing\""), "\(back.stdout)")
        // A write in the future settles for good, as R15a says.
        cli.environment["COFFER_NOW"] = "2026-02-20T12:00:00Z"
        #expect(try cli.run("alerts", "set", "none").status == 0)
        #expect(try Self.ledgerState(cli) != state)
        #expect(try cli.run("subscription", "show", "--json").stdout.contains("\"active\""))
        try cli.expectSound()
    }

    @Test("A what-if behind the last settled time says so and changes nothing")
    func behind() throws {
        let cli = try CofferCLI(now: "2026-01-15T12:00:00Z")
        try cli.team()
        cli.environment["COFFER_NOW"] = "2026-02-20T12:00:00Z"
        #expect(try cli.run("alerts", "set", "none").status == 0, "a write settles the trial's end")
        cli.environment["COFFER_NOW"] = "2026-02-10T12:00:00Z"
        let digest = try cli.digest()
        let shown = try cli.run("balance")
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("is behind the last settled time"), "\(shown.stderr)")
        #expect(try cli.digest() == digest)
    }

    @Test("A pending member's read does not accept the seat: reading is not acting (R26), and never writes")
    func pendingRead() throws {
        let cli = try CofferCLI(now: "2026-01-15T12:00:00Z")
        try cli.team()
        #expect(try cli.run("seats", "add", "carol@acme.test").status == 0)
        let digest = try cli.digest()
        #expect(try cli.run("balance", "--as", "carol@acme.test").status == 0)
        #expect(try cli.digest() == digest)
        #expect(try cli.run("seats", "list").stdout.contains("pending"))
    }
}
