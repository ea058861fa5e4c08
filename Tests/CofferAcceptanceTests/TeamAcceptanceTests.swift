import Foundation
import Testing

/// R6–R7, R25–R26, R31–R32 and the audit log end to end on the built binary.
@Suite("Team end to end (R6–R7, R25–R26, R31–R32)")
struct TeamAcceptanceTests {
    /// A Pro team of 3 paid seats: ada (primary owner), olga (owner), max (member).
    static func team() throws -> CofferCLI {
        let cli = try CofferCLI(now: "2026-01-10T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "3", "--card", "4242424242424242").status == 0)
        #expect(try cli.run("seats", "add", "olga@acme.test", "max@acme.test").status == 0)
        #expect(try cli.run("members", "set-role", "olga@acme.test", "owner").status == 0)
        return cli
    }

    @Test("R7: a representative subset of the matrix through the binary; refusals name who may act and change nothing")
    func permissions() throws {
        let cli = try Self.team()
        let refusals: [([String], String, String)] = [
            (["subscription", "cancel"], "olga@acme.test", "Only the primary owner can change the subscription"),
            (["billing", "invoices"], "olga@acme.test", "Only the primary owner can manage billing"),
            (["packs", "buy", "10"], "olga@acme.test", "Only the team creator can purchase credit packs"),
            (["members", "set-role", "max@acme.test", "owner"], "olga@acme.test", "Only the primary owner can change roles"),
            (["subscription", "unassign"], "olga@acme.test", "Only the primary owner can change the subscription"),
            (["seats", "add", "x@acme.test"], "max@acme.test", "Only the owner can manage team"),
            (["members", "set-limit", "olga@acme.test", "5"], "max@acme.test", "Only the owner can manage team"),
            (["audit", "list"], "max@acme.test", "Only the owner can manage team"),
            (["subscription", "pause"], "max@acme.test", "Only the primary owner can change the subscription"),
        ]
        let before = try cli.run("audit", "list", "--json").stdout
        for (arguments, user, message) in refusals {
            let result = try cli.run(arguments: arguments + ["--as", user])
            #expect(result.status == 1, "\(arguments) as \(user)")
            #expect(result.stderr == "coffer: \(message)\n", "\(arguments) as \(user)")
        }
        // max's and olga's first acts accepted their invitations (R26) — the only writes allowed.
        let after = try cli.run("audit", "list", "--json").stdout
        #expect(after.components(separatedBy: "invite.accept").count - 1 == 2)
        #expect(after.count > before.count)
        #expect(try cli.run("seats", "add", "x@acme.test", "--as", "olga@acme.test").status == 1, "no room: 4 > 3")
        #expect(try cli.run("members", "set-limit", "max@acme.test", "25", "--as", "olga@acme.test").status == 0)
        #expect(try cli.run("check").status == 0)
    }

    @Test("R26: a mixed batch applies the valid items, reports the rest and exits 1")
    func mixedBatch() throws {
        let cli = try CofferCLI(now: "2026-01-10T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("subscribe", "--plan", "scale", "--seats", "3").status == 0)
        let batch = try cli.run("seats", "add", "bob@acme.test", "BOB@acme.test", "bad@", "carol@acme.test", "dan@acme.test")
        #expect(batch.status == 1)
        #expect(batch.stdout == """
            bob@acme.test: added (pending until accepted)
            BOB@acme.test: User already has a seat for this team
            bad@: Invalid email: bad@
            carol@acme.test: added (pending until accepted)
            dan@acme.test: Seats limit exceeded: 4 > 3

            """)
        let members = try cli.run("members", "list", "--json").stdout
        #expect(members.components(separatedBy: "\"pending\" : true").count - 1 == 2)
    }

    @Test("R31: a member switches to Personal, opts back in, and members list agrees")
    func switchToPersonalAndBack() throws {
        let cli = try Self.team()
        #expect(try cli.run("access", "personal", "--as", "max@acme.test").stdout == "You are on Personal access\n")
        let table = try cli.run("members", "list").stdout.split(separator: "\n").first { $0.contains("max@acme.test") } ?? ""
        #expect(table.contains("Personal"), "\(table)")
        #expect(try cli.run("access", "team", "--as", "max@acme.test").stdout == "You are on Seat access\n")
        let json = try cli.run("members", "list", "--json").stdout
        let members = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(members?.first { $0["email"] as? String == "max@acme.test" }?["access"] as? String == "seat")
    }

    @Test("R32: unassign then assign, through the binary")
    func unassignAssign() throws {
        let cli = try Self.team()
        #expect(try cli.run("subscription", "unassign").status == 0)
        #expect(try cli.run("seats", "list").stdout.split(separator: "\n").count == 1, "only the header: no seats")
        #expect(try cli.run("subscription", "assign").status == 0)
        #expect(try cli.run("seats", "list").stdout.contains("ada@acme.test"))
        let audit = try cli.run("audit", "list").stdout
        #expect(audit.contains("subscription.unassign") && audit.contains("subscription.assign"))
        #expect(try cli.run("check").status == 0)
    }
}
