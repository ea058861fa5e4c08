import CofferCore
import Foundation
import Testing
import TmuxHarness

/// The dashboard end to end: the real binary on a demo database, driven under tmux (SPEC §9).
@Suite("Dashboard under tmux (SPEC §9)", .serialized)
struct DashboardTmuxTests {
    static let now = "2026-11-21T12:00:00Z"

    /// A demo database and a CLI pointed at it.
    static func demo() throws -> CofferCLI {
        let cli = try CofferCLI(now: now)
        let built = try cli.buildDemo(records: 1500)
        #expect(built.status == 0, "\(built.stderr)")
        return cli
    }

    /// From the first screen to the Usage tab's date menu (Last 30 days selected).
    static func openDateMenu(_ session: TmuxSession) throws {
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "3")
        try session.waitFor("Last 30 days")
        try session.send(keys: "d")
        try session.waitFor("Custom days")
    }

    /// The dashboard as `user`, started in the CLI's temporary folder (where `e` writes its exports).
    static func open(_ cli: CofferCLI, as user: String, width: Int = 110, height: Int = 32) throws -> TmuxSession {
        try TmuxSession(command: [CofferCLI.binary], width: width, height: height,
                        environment: ["COFFER_DB": cli.environment["COFFER_DB"]!, "COFFER_NOW": now, "COFFER_USER": user],
                        directory: cli.folder.path)
    }

    @Test("(a) the owner opens Billing: the balance to three decimals, the status named and coloured")
    func ownerBilling() throws {
        let cli = try Self.demo()
        let session = try Self.open(cli, as: "ada@acme.test")
        defer { session.kill() }
        let screen = try session.waitFor("Credit balance")
        #expect(screen.range(of: #"Credit balance\s+\$[0-9,]+\.[0-9]{3}"#, options: .regularExpression) != nil, "\(screen)")
        #expect(screen.range(of: #"Status\s+● Active"#, options: .regularExpression) != nil, "\(screen)")
        let colored = try session.capture(colors: true)
        let status = colored.split(separator: "\n").first { $0.contains("Status") && $0.contains("Active") } ?? ""
        #expect(status.contains("\u{1B}["), "the status carries a colour as well as its name")
        try session.send(keys: "q")
        try session.waitUntil("exit") { _ in try !session.isRunning() }
    }

    @Test("(b) a member switches to Personal and opts back in; coffer members list agrees")
    func memberSwitches() throws {
        let cli = try Self.demo()
        let session = try Self.open(cli, as: "chen@acme.test")
        defer { session.kill() }
        try session.waitFor("Billing │ Team │ Usage")
        try session.send(keys: "2")
        try session.waitFor("You are on Seat access")
        try session.send(keys: "p")
        try session.waitFor("You are on Personal access")
        let personal = try cli.run("members", "list", "--as", "ada@acme.test", "--json").stdout
        #expect(Self.access(of: "chen@acme.test", in: personal) == "personal")
        try session.send(keys: "o")
        try session.waitFor("You are on Seat access")
        let back = try cli.run("members", "list", "--as", "ada@acme.test", "--json").stdout
        #expect(Self.access(of: "chen@acme.test", in: back) == "seat")
    }

    static func access(of email: String, in json: String) -> String? {
        let members = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        return members?.first { $0["email"] as? String == email }?["access"] as? String
    }

    @Test("(c) Usage → Conversations → last 7 days: the summary bar equals coffer usage summary --last 7d; (d) another process's consume shows up without a key")
    func usageSummaryAndLive() throws {
        let cli = try Self.demo()
        let session = try Self.open(cli, as: "ada@acme.test")
        defer { session.kill() }
        try Self.openDateMenu(session)
        try session.send(keys: "Up", "Enter")
        let screen = try session.waitUntil("the 7-day summary") { screen in
            screen.contains("Last 7 days") && !screen.contains("Custom days") && screen.split(separator: "\n").contains { $0.hasPrefix(" Messages ") }
        }
        let bar = screen.split(separator: "\n").first { $0.hasPrefix(" Messages ") }.map(String.init) ?? ""
        let cli7 = try cli.run("usage", "summary", "--last", "7d", "--as", "ada@acme.test").stdout
        #expect(bar.replacingOccurrences(of: "  ·  ", with: "  ").trimmingCharacters(in: .whitespaces)
                == cli7.trimmingCharacters(in: .whitespacesAndNewlines), "dashboard: \(bar) — CLI: \(cli7)")
        let consumed = try cli.run("consume", "--as", "olga@acme.test", "--service", "claude-sonnet-4", "--id", "live-1",
                                   "--quantity", "2", "--conversation", "live-c", "--title", "Shown without a key press")
        #expect(consumed.status == 0, "\(consumed.stderr)")
        try session.waitFor("Shown without a key", timeout: .seconds(3))
    }

    @Test("#18.2: Billing at 120×40 — the 30-day sparkline's total equals coffer usage summary over conversations, calls and imports for the same 30 UTC days; the next events show with their dates")
    func spendingAndEvents() throws {
        let cli = try Self.demo()
        let session = try Self.open(cli, as: "ada@acme.test", width: 120, height: 40)
        defer { session.kill() }
        let screen = try session.waitFor("Spent 30 days")
        let spent = screen.split(separator: "\n").first { $0.contains("Spent 30 days") }.map(String.init) ?? ""
        let shown = try #require(spent.firstMatch(of: /Spent 30 days\s+(\$[0-9,]+\.[0-9]{3}) · peak/)?.1, "\(screen)")
        // The same 30 UTC days: the day of COFFER_NOW and the 29 before it, whole days as --from/--to take them.
        let today = try #require(ISO8601DateFormatter().date(from: Self.now))
        let day = { (back: Double) in String(ISO8601DateFormatter().string(from: today.addingTimeInterval(-back * 86_400)).prefix(10)) }
        var total = Credits.zero
        for tab in ["conversations", "calls", "imports"] {
            let json = try cli.run("usage", "summary", "--tab", tab, "--from", day(29), "--to", day(0), "--json", "--as", "ada@acme.test").stdout
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
            total = try total.adding(Credits.parse(try #require(object["credits"] as? String, "\(json)")))
        }
        let cli30 = total.description
        #expect(String(shown) == cli30, "dashboard: \(spent) — CLI: \(cli30)")
        #expect(screen.contains { "▁▂▃▄▅▆▇█".contains($0) }, "the sparkline, in block characters")
        #expect(screen.range(of: #"Next due\s+2026-[0-9]{2}-[0-9]{2} "#, options: .regularExpression) != nil, "\(screen)")
    }

    @Test("(e) resize to 40×12 mid-dialog and back: the dialog survives, Cancel still has focus; q leaves the terminal restored")
    func resize() throws {
        let cli = try Self.demo()
        let session = try Self.open(cli, as: "ada@acme.test")
        defer { session.kill() }
        try session.waitFor("Credit balance")
        let before = try cli.run("balance", "--json", "--as", "ada@acme.test").stdout
        try session.send(keys: "b")
        try session.waitFor("Buy credits")
        try session.resize(width: 40, height: 12)
        try session.waitUntil("a 40-column frame with the dialog") { screen in
            screen.split(separator: "\n").allSatisfy { $0.count <= 40 } && screen.contains("Cancel")
        }
        try session.resize(width: 110, height: 32)
        try session.waitFor("Buy credits")
        #expect(try session.isRunning())
        try session.send(keys: "Enter") // Cancel is the default: nothing is charged
        try session.waitUntil("the dialog closed") { !$0.contains("Buy credits") }
        #expect(try cli.run("balance", "--json", "--as", "ada@acme.test").stdout == before)
        try session.send(keys: "q")
        try session.waitUntil("exit") { _ in try !session.isRunning() }
        #expect(try session.format("#{alternate_on}") == "0")
    }
}
