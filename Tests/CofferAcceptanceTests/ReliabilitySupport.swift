import Foundation
import StoreUnderTest
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
    /// On PostgreSQL: each table's rows (as text, in order) and the schema's columns, indexes,
    /// constraints and triggers. Sequences are left out: a transaction rolled back still advances
    /// them (an identity column's next value is no row of the ledger).
    func digest() throws -> String {
        guard let socket = StoreUnderTest.postgresSocket, let name = postgresDatabase else {
            return try python("""
                import hashlib, sqlite3, sys
                db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
                print(hashlib.sha256('\\n'.join(db.iterdump()).encode()).hexdigest())
                """).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let tables = try StoreUnderTest.psqlOutput(socket: socket, database: name,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            .split(separator: "\n").map(String.init)
        let rows = tables.map { table in
            "SELECT '\(table) ' || count(*) || ' ' || md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM \(table) r"
        }
        let schema = [
            """
            SELECT 'columns ' || count(*) || ' ' || md5(string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
                || coalesce(column_default, '') || ' ' || is_identity, E'\\n' ORDER BY table_name, ordinal_position))
            FROM information_schema.columns WHERE table_schema = current_schema()
            """,
            "SELECT 'indexes ' || count(*) || ' ' || md5(string_agg(indexdef, E'\\n' ORDER BY indexname)) FROM pg_indexes WHERE schemaname = current_schema()",
            """
            SELECT 'constraints ' || count(*) || ' ' || md5(string_agg(conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid), E'\\n'
                ORDER BY conrelid::regclass::text, conname)) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
            """,
            """
            SELECT 'triggers ' || count(*) || ' ' || md5(string_agg(pg_get_triggerdef(oid) || ' ' || tgenabled::text, E'\\n' ORDER BY tgrelid::regclass::text, tgname))
            FROM pg_trigger WHERE NOT tgisinternal
            """,
        ]
        return try StoreUnderTest.psqlOutput(socket: socket, database: name, """
            SELECT md5(string_agg(part, E'\\n' ORDER BY part)) FROM (\((rows + schema).joined(separator: " UNION ALL "))) AS parts(part)
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The PostgreSQL database's name when the suites run on PostgreSQL; nil on SQLite.
    var postgresDatabase: String? { StoreUnderTest.databaseName(database) }

    /// The first column of each row `sql` returns, as text (NULL as nil), read outside Coffer on
    /// either store: python's sqlite3 on the SQLite file (read-only), psql on PostgreSQL. The
    /// values travel as JSON, so every character arrives as stored.
    func column(_ sql: String) throws -> [String?] {
        let json: String
        if let socket = StoreUnderTest.postgresSocket, let name = postgresDatabase {
            json = try StoreUnderTest.psqlOutput(socket: socket, database: name,
                                                 "SELECT coalesce(json_agg(q.c::text), '[]') FROM (\(sql)) AS q(c)")
        } else {
            json = try python("""
                import json, sqlite3, sys
                rows = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute(sys.argv[2]).fetchall()
                print(json.dumps([None if r[0] is None else str(r[0]) for r in rows]))
                """, [sql])
        }
        return try JSONDecoder().decode([String?].self, from: Data(json.utf8))
    }

    /// The first column of the first row `sql` returns, as text (`column`).
    func value(_ sql: String) throws -> String? { try column(sql).first ?? nil }

    /// Runs `statements` in one transaction outside Coffer (to tamper): python's sqlite3 on the
    /// SQLite file, psql on PostgreSQL.
    func execute(_ statements: String...) throws {
        if let socket = StoreUnderTest.postgresSocket, let name = postgresDatabase {
            try StoreUnderTest.psql(socket: socket, database: name, statements.joined(separator: "; "))
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for statement in sys.argv[2:]:
                c.execute(statement)
            c.commit()
            """, database] + statements
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
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
