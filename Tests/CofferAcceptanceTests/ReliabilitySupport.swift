import Foundation
import Testing

/// Shared steps of the reliability tests (issue #10, SPEC §10): a small team to attack, a
/// digest of every row in the database, and the shape of a clean refusal.
extension CofferCLI {
    static let owner = "ada@acme.test"
    static let member = "bob@acme.test"

    /// A Pro team in its trial (from `now`): ada primary owner with card 4242, bob a member
    /// holding a seat, one conversation recorded, an API key.
    func team() throws {
        environment["COFFER_USER"] = Self.owner
        for arguments in [["workspace", "create", "Acme", "--owner", Self.owner],
                          ["subscribe", "--plan", "pro", "--seats", "3", "--card", "4242424242424242"],
                          ["seats", "add", Self.member], ["invite", "accept", "--as", Self.member],
                          ["keys", "create", "ci"],
                          ["consume", "--service", "gpt-4o", "--id", "seed-1", "--quantity", "2", "--conversation", "c-1", "--title", "Seed"]] {
            let result = try run(arguments: arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    /// A python3 snippet run with the database path as `sys.argv[1]`; its stdout.
    func python(_ code: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code, database] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A SHA-256 of every row of every table, schema included (`sqlite3 .dump`): equal digests
    /// mean nothing in the database changed (ledger, grants, usage, audit log, settings).
    func digest() throws -> String {
        try python("""
            import hashlib, sqlite3, sys
            db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            print(hashlib.sha256('\\n'.join(db.iterdump()).encode()).hexdigest())
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The raw bytes of the database file.
    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: database)) }

    /// `coffer check` passes.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let check = try run("check")
        #expect(check.status == 0, "coffer check: \(check.stdout)\(check.stderr)", sourceLocation: sourceLocation)
    }
}

/// A clean refusal (SPEC §8): exit 1 from the program itself (never a signal or a trap), and
/// exactly one line on stderr, `coffer: …`, containing `cause`.
func expectRefusal(_ result: CofferCLI.Result, _ cause: String, _ what: String = "",
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.signal == nil, "\(what): killed by signal \(result.signal ?? 0)", sourceLocation: sourceLocation)
    #expect(result.status == 1, "\(what): exit \(result.status), stderr \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("coffer: ") && result.stderr.filter { $0 == "\n" }.count == 1,
            "\(what): not one line: \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(cause), "\(what): \(result.stderr) does not say \(cause)", sourceLocation: sourceLocation)
}
