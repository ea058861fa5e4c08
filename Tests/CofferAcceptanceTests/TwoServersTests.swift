import Foundation
import StoreUnderTest
import Testing

/// Two `coffer serve` processes on one PostgreSQL ledger (SPEC §13, R42): what runs on many
/// hosts, on one machine. Runs in the PostgreSQL pass of the suites (`scripts/test`).
@Suite("Two servers, one PostgreSQL ledger (SPEC §13, R42)", .serialized, .enabled(if: StoreUnderTest.isPostgres, "needs the PostgreSQL test cluster"))
struct TwoServersTests {
    @Test("R42: events for one wallet posted to two servers at once: every acknowledged event charged once, no overdraft, check passes, replays charge nothing")
    func twoServersOneWallet() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        // $3.000 more in the pool (beside the free plan's credits): fewer events fit than the clients will try.
        #expect(try cli.run("operator", "adjust", "3", "--reason", "usage").status == 0)
        let pool = try #require(try cli.poolBalance(as: "ada@acme.test").flatMap { Int($0.replacingOccurrences(of: ".", with: "")) })
        let fit = pool / 15 // $0.015 an event, in millicredits
        let key = ServeTests.secret(in: try cli.run("keys", "create", "backend").stdout)
        let servers = [try CofferServe(cli), try CofferServe(cli)]
        let clientsPerServer = 6, perClient = 60
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: clientsPerServer * servers.count) { client in
            let server = servers[client % servers.count]
            for index in 0..<perClient {
                let id = "s\(client % servers.count)-c\(client)-\(index)"
                do {
                    let reply = try server.request("POST", "/v1/events", key: key, body: "{\"id\": \"\(id)\", \"service\": \"gpt-4o\"}")
                    let status = (reply.object["status"] as? String) ?? "HTTP \(reply.status) \(reply.body)"
                    outcomes.add(id, status)
                } catch { outcomes.add(id, "error \(error)") }
            }
        }
        let all = outcomes.all
        let charged = all.filter { $0.value == "charged" }.map(\.key)
        #expect(all.values.allSatisfy { $0 == "charged" || $0 == "refused" }, "\(all.values.filter { $0 != "charged" && $0 != "refused" }.prefix(3))")
        // The pool never goes below zero, and it runs out: exactly as many events as fit.
        #expect(fit < all.count)
        #expect(charged.count == fit, "charged \(charged.count) of \(all.count); \(fit) fit")
        #expect(try cli.poolBalance(as: "ada@acme.test") == String(format: "0.%03d", pool - fit * 15))
        // Replays of acknowledged events to the other server charge nothing.
        for id in charged.prefix(20) {
            let other = servers[id.hasPrefix("s0") ? 1 : 0]
            let reply = try other.request("POST", "/v1/events", key: key, body: "{\"id\": \"\(id)\", \"service\": \"gpt-4o\"}")
            #expect(reply.object["status"] as? String == "duplicate", "\(id): \(reply.body)")
        }
        for server in servers { #expect(server.stop().status == 0) }
        // Every acknowledged event is in the ledger once: one message each, and what they cost.
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.stdout)")
        let summary = try cli.run("usage", "summary", "--tab", "conversations", "--json")
        let totals = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        #expect((totals?["messages"] as? NSNumber)?.intValue == fit, "\(summary.stdout)")
        #expect(totals?["credits"] as? String == String(format: "%d.%03d", fit * 15 / 1000, fit * 15 % 1000), "\(summary.stdout)")
    }

    @Test("R42: two servers recording for two workspaces at the same moment: every event charged, once, to its own team; check passes")
    func twoWorkspacesAtOnce() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        var keys: [String] = []
        for (name, owner) in [("Acme", "ada@acme.test"), ("Bolt", "bo@bolt.test")] {
            #expect(try cli.run("workspace", "create", name, "--owner", owner).status == 0)
            #expect(try cli.run("operator", "adjust", "100", "--reason", "usage", "--workspace", name.lowercased()).status == 0)
            keys.append(ServeTests.secret(in: try cli.run("keys", "create", "backend", "--as", owner).stdout))
        }
        let servers = [try CofferServe(cli), try CofferServe(cli)], secrets = keys
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 12) { client in
            let team = client % 2
            for index in 0..<25 {
                let id = "t\(team)-c\(client)-\(index)"
                let body = index.isMultiple(of: 5)
                    ? "{\"events\": [{\"id\": \"\(id)\", \"service\": \"gpt-4o\"}, {\"id\": \"\(id)b\", \"service\": \"gpt-4o\"}]}"
                    : "{\"id\": \"\(id)\", \"service\": \"gpt-4o\"}"
                do {
                    let reply = try servers[team].request("POST", "/v1/events", key: secrets[team], body: body)
                    outcomes.add(id, reply.status == 200 ? "ok" : "HTTP \(reply.status) \(reply.body)")
                } catch { outcomes.add(id, "error \(error)") }
            }
        }
        #expect(outcomes.all.values.allSatisfy { $0 == "ok" }, "\(outcomes.all.values.filter { $0 != "ok" }.prefix(3))")
        for server in servers { #expect(server.stop().status == 0) }
        // 6 clients per team × 25 requests, every 5th a batch of two: 180 events of $0.015 each, per team.
        for owner in ["ada@acme.test", "bo@bolt.test"] {
            let summary = try cli.run("usage", "summary", "--tab", "conversations", "--json", "--as", owner)
            let totals = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
            #expect((totals?["messages"] as? NSNumber)?.intValue == 180 && totals?["credits"] as? String == "2.700", "\(owner): \(summary.stdout)")
        }
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.stdout)")
    }

    @Test("R42: writers of different workspaces do not wait for each other — while a writer holds workspace A, B's consume commits and A's waits")
    func workspacesDoNotWait() throws {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("workspace", "create", "Bolt", "--owner", "bo@bolt.test").status == 0)
        for owner in ["ada@acme.test", "bo@bolt.test"] {
            // The first spend creates the ledger's system accounts (a ledger-wide write); then only workspace writes follow.
            #expect(try cli.run("consume", "--as", owner, "--service", "gpt-4o", "--id", "warm-up").status == 0)
        }
        let socket = try #require(StoreUnderTest.postgresSocket)
        let database = try #require(cli.database.components(separatedBy: "@/").last?.split(separator: "?").first.map(String.init))
        // Another writer of workspace A (id 1), as a consume holds it: the ledger's lock shared, A's own exclusively,
        // for 4 s — long enough for B's consume, short enough that A's, started a second later, waits less than
        // the 5 s lock timeout (with 6 s it waited about 5 s and timed out when it reached the lock quickly).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        holder.arguments = ["-X", "-q", "-h", socket, "-U", "coffer", "-d", database, "-c", """
            BEGIN; SELECT pg_advisory_xact_lock_shared(\(0x436F_6666_6572)); SELECT pg_advisory_xact_lock(\(0x4357), 1);
            SELECT pg_sleep(4); COMMIT;
            """]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        Thread.sleep(forTimeInterval: 1)
        let waiting = Process()
        waiting.executableURL = URL(fileURLWithPath: CofferCLI.binary)
        waiting.arguments = ["consume", "--as", "ada@acme.test", "--service", "gpt-4o", "--id", "a-1"]
        waiting.environment = cli.environment
        waiting.standardOutput = FileHandle.nullDevice
        try waiting.run()
        let other = try cli.run("consume", "--as", "bo@bolt.test", "--service", "gpt-4o", "--id", "b-1")
        #expect(other.status == 0, "\(other.stderr)")
        #expect(holder.isRunning && waiting.isRunning, "workspace B's write committed while A's writer still held A, and A's consume waited")
        holder.waitUntilExit()
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(try cli.run("check").status == 0)
    }
}

/// Each event's outcome, as the clients saw it.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [String: String] = [:]
    func add(_ id: String, _ outcome: String) { lock.withLock { outcomes[id] = outcome } }
    var all: [String: String] { lock.withLock { outcomes } }
}
