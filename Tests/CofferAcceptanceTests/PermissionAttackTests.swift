import Foundation
import Testing

/// Permissions under attack (R7, issue #10): a member tries every owner-only command, an owner
/// every primary-owner-only one, both through `usage import` lines naming other users and other
/// workspaces too. Each is refused with the rule's message, and every row of the database —
/// ledger, grants, settings, seats, audit log — is as it was.
@Suite("Permissions under attack (R7)")
struct PermissionAttackTests {
    static let carol = "carol@acme.test"
    static let changeSubscription = "Only the primary owner can change the subscription"
    static let manageTeam = "Only the owner can manage team"
    static let manageCredits = "Only the primary owner can manage credits, alerts and auto-recharge"
    static let billing = "Only the primary owner can manage billing"
    static let roles = "Only the primary owner can change roles"

    /// Primary-owner-only commands (R7), and the refusal each gives.
    static let primaryOnly: [([String], String)] = [
        (["subscribe", "--plan", "scale"], changeSubscription),
        (["subscription", "change", "--plan", "scale", "--yes"], changeSubscription),
        (["subscription", "change", "--plan", "free", "--yes"], changeSubscription),
        (["subscription", "cancel"], changeSubscription),
        (["subscription", "cancel", "--now"], changeSubscription),
        (["subscription", "pause"], changeSubscription),
        (["subscription", "resume"], changeSubscription),
        (["subscription", "retry"], changeSubscription),
        (["subscription", "assign"], changeSubscription),
        (["subscription", "unassign"], changeSubscription),
        (["seats", "buy", "1"], changeSubscription),
        (["billing", "card", "4242424242424242"], billing),
        (["billing", "invoices"], billing),
        (["packs", "buy", "10"], "Only the team creator can purchase credit packs"),
        (["packs", "buy", "1000", "--count", "100"], "Only the team creator can purchase credit packs"),
        (["recharge", "set", "--enabled", "true", "--threshold", "10", "--amount", "20"], manageCredits),
        (["alerts", "set", "5"], manageCredits),
        (["members", "set-role", carol, "member"], roles),
        (["members", "set-role", CofferCLI.member, "owner"], roles),
        (["members", "transfer-ownership", carol], roles),
    ]

    /// Owner commands (R7) that a member may not run.
    static let ownerOnly: [([String], String)] = [
        (["seats", "add", "mallory@acme.test"], manageTeam),
        (["seats", "replace", carol, "mallory@acme.test"], manageTeam),
        (["seats", "remove", carol], manageTeam),
        (["members", "set-access", carol, "personal"], manageTeam),
        (["members", "set-limit", carol, "5"], manageTeam),
        (["members", "set-limit", CofferCLI.member, "none"], manageTeam),
        (["members", "set-multiplier", carol, "2"], manageTeam),
        (["keys", "create", "stolen"], manageTeam),
        (["whitelist", "set", "gpt-4o"], manageTeam),
        (["whitelist", "clear"], manageTeam),
        (["audit", "list"], manageTeam),
        (["consume", "--service", "gpt-4o", "--id", "for-carol", "--for", carol], manageTeam),
        (["consume", "--service", "gpt-4o", "--id", "for-ada", "--for", CofferCLI.owner], manageTeam),
        (["consume", "--service", "gpt-4o", "--id", "elsewhere", "--workspace", "globex"], "is not a member of globex"),
        (["balance", "--workspace", "globex"], "is not a member of globex"),
    ]

    /// Import lines an attacker writes: usage for others, into another workspace.
    static let importLines = [
        #"{"id": "i-1", "service": "gpt-4o", "for": "carol@acme.test"}"#,
        #"{"id": "i-2", "service": "gpt-4o", "for": "ada@acme.test"}"#,
        #"{"id": "i-3", "service": "gpt-4o", "workspace": "globex"}"#,
        #"{"id": "i-4", "service": "gpt-4o", "workspace": "globex", "for": "gil@globex.test"}"#,
        #"{"id": "i-5", "service": "gpt-4o", "for": "gil@globex.test"}"#,
    ]

    /// The team of `CofferCLI.team()`, carol an owner, and a second workspace (gil's Globex).
    static func attacked() throws -> CofferCLI {
        let cli = try CofferCLI()
        try cli.team()
        for arguments in [["seats", "add", carol], ["invite", "accept", "--as", carol], ["members", "set-role", carol, "owner"],
                          ["workspace", "create", "Globex", "--owner", "gil@globex.test"]] {
            #expect(try cli.run(arguments: arguments).status == 0, "\(arguments)")
        }
        return cli
    }

    @Test("A member tries every owner and primary-owner command, and imports lines for others and for another workspace: all refused, nothing changes")
    func member() throws {
        let cli = try Self.attacked()
        try Self.attack(cli, as: CofferCLI.member, with: Self.primaryOnly + Self.ownerOnly, importing: Self.importLines)
    }

    @Test("An owner tries every primary-owner command, and imports into another workspace: all refused, nothing changes")
    func owner() throws {
        let cli = try Self.attacked()
        // Owners may record usage for members (R7): only the other workspace's lines are attacks.
        try Self.attack(cli, as: Self.carol, with: Self.primaryOnly, importing: Array(Self.importLines.dropFirst(2)))
    }

    /// Runs every command as `user`, expecting each refusal; then imports `lines`; compares digests.
    static func attack(_ cli: CofferCLI, as user: String, with commands: [([String], String)], importing lines: [String]) throws {
        let before = try cli.digest()
        for (arguments, refusal) in commands {
            expectRefusal(try cli.run(arguments: arguments + ["--as", user]), refusal, "\(user): \(arguments.joined(separator: " "))")
        }
        let file = cli.folder.appendingPathComponent("attack.jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try cli.run("usage", "import", file.path, "--as", user, "--json")
        #expect(imported.status == 1 && imported.signal == nil)
        let report = try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        #expect(report?["inserted"] as? Int == 0 && report?["rejected"] as? Int == lines.count, "\(imported.stdout)")
        let reasons = (report?["errors"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons.filter { $0.contains("globex is not the one being imported into") }.count == 2, "\(reasons)")
        #expect(reasons.filter { $0.contains(manageTeam) || $0.contains("is not a member") }.count == lines.count - 2, "\(reasons)")
        #expect(try cli.digest() == before, "\(user)'s refused attempts changed the database")
        try cli.expectSound()
    }
}
