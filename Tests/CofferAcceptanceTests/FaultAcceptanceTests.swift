import Foundation
import StoreUnderTest
import Testing

/// SPEC §10 faults on the command line: each is one line naming the cause, exit 1, and the
/// database is left exactly as it was (a digest of every row, or the file's bytes).
/// The store-level versions are in CofferStoreTests/StoreSafetyTests.
@Suite("Faults on the command line (SPEC §10, issue #10)")
struct FaultAcceptanceTests {
    /// What a fault does to the database, and how the refusal names it.
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case diskFull, readOnlyFile, readOnlyFolder, lockedPastBusyTimeout, notADatabase, corruptPage, newerSchema
        var testDescription: String { rawValue }
        /// The faults every store can meet; the others are faults of the SQLite file itself.
        static let onEveryStore: [Fault] = [.lockedPastBusyTimeout, .newerSchema]
        static let ofTheFile = allCases.filter { !onEveryStore.contains($0) }
    }

    /// Writes that need new pages (so a full disk stops them): a consume with a 19,000-byte
    /// title, and a 2,000-line import in one transaction.
    static func writes(_ cli: CofferCLI) throws -> [[String]] {
        let file = cli.folder.appendingPathComponent("many.jsonl").path
        try (0..<2_000).map { #"{"id": "many-\#($0)", "service": "llama-3.1-70b", "title": "\#(String(repeating: "t", count: 200))", "conversation": "m"}"# }
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return [["consume", "--service", "gpt-4o", "--id", "big", "--conversation", "c-2", "--title", String(repeating: "x", count: 19_000)],
                ["usage", "import", file, "--batch", "5000"]]
    }

    @Test("SPEC §10: each fault → one line naming the cause, exit 1, nothing changed", arguments: Fault.onEveryStore)
    func fault(_ fault: Fault) throws {
        try Self.meet(fault)
    }

    @Test("SPEC §10: each fault of the file → one line naming the cause, exit 1, nothing changed",
          .enabled(if: StoreUnderTest.isSQLite, "faults of the SQLite file itself: a full disk (max_page_count), chmod, junk bytes, a corrupt page"),
          arguments: Fault.ofTheFile)
    func fileFault(_ fault: Fault) throws {
        try Self.meet(fault)
    }

    /// What the database holds, to prove a refusal changed nothing: the file's bytes on SQLite, the digest of every row on PostgreSQL.
    static func contents(_ cli: CofferCLI) throws -> Data {
        StoreUnderTest.isSQLite ? try cli.bytes() : Data(try cli.digest().utf8)
    }

    /// Meets `fault` with a small team's database: the refusals, and the database unchanged.
    static func meet(_ fault: Fault) throws {
        let cli = try CofferCLI()
        try cli.team()
        let writes = try Self.writes(cli)
        let digest = try cli.digest()
        let bytes = try Self.contents(cli)
        var cause = ""
        var holder: Process?
        var damagedRange: Range<Int>?
        switch fault {
        case .diskFull:
            let pages = try cli.python("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA page_count').fetchone()[0])")
            cli.environment["COFFER_MAX_PAGES"] = pages.trimmingCharacters(in: .whitespacesAndNewlines)
            cause = "The disk is full: nothing was written to \(cli.database)"
        case .readOnlyFile:
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: cli.database)
            cause = "The database is read-only: \(cli.database)"
        case .readOnlyFolder:
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cli.folder.path)
            cause = "The database is read-only: \(cli.database)"
        case .lockedPastBusyTimeout:
            holder = try Self.holdWriteLock(cli)
            cause = "The database is locked by another process (waited 5 s): nothing was written"
        case .notADatabase:
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: cli.database))
            cause = "\(cli.database) is not a database"
        case .corruptPage:
            damagedRange = try Self.corruptEntriesRoot(cli)
            cause = "\(cli.database) is corrupt"
        case .newerSchema:
            try cli.execute("INSERT INTO \(StoreUnderTest.isSQLite ? "grdb_migrations" : "coffer_migrations") VALUES ('v99-from-the-future')")
            cause = "was written by a newer Coffer (schema v99-from-the-future): upgrade Coffer to open it"
        }
        let damaged = try Self.contents(cli)
        let unrecoverable: Set<Fault> = [.notADatabase, .corruptPage, .newerSchema]
        // `coffer check` names a damaged file and never writes to it; under the other faults it reads fine.
        let check = try cli.run("check")
        #expect(check.signal == nil && check.status == (unrecoverable.contains(fault) ? 1 : 0), "\(fault): \(check.stdout)\(check.stderr)")
        if unrecoverable.contains(fault) {
            #expect((check.stdout + check.stderr).contains(cause), "\(check.stdout)\(check.stderr)")
            #expect(try Self.contents(cli) == damaged, "\(fault): check wrote to the file")
        }
        for arguments in fault == .lockedPastBusyTimeout ? [writes[0]] : writes {
            expectRefusal(try cli.run(arguments: arguments), cause, "\(fault) \(arguments[0])")
        }
        if unrecoverable.contains(fault) {
            // The damage is never written over (a refused write may still touch the header page).
            let after = try Self.contents(cli)
            let damagedRange = damagedRange ?? 0..<damaged.count
            #expect(after.count >= damagedRange.upperBound && after[damagedRange] == damaged[damagedRange], "\(fault): written over")
            return
        }
        // Reads still work (on a full disk too, unless the file has no free page, RELIABILITY.md),
        // and once the fault is gone the database is exactly as before.
        if fault != .diskFull { #expect(try cli.poolBalance(as: CofferCLI.owner) != nil, "\(fault): reading failed") }
        if let holder { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.folder.path)
        if StoreUnderTest.isSQLite { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: cli.database) }
        cli.environment["COFFER_MAX_PAGES"] = nil
        #expect(try cli.digest() == digest, "\(fault) changed the database")
        try cli.expectSound()
        #expect(try bytes.count <= Self.contents(cli).count)
    }

    /// A python3 process holding SQLite's write lock (BEGIN IMMEDIATE) until terminated, as a
    /// long transaction of another program would; on PostgreSQL, a psql session holding Coffer's
    /// writer lock (the advisory lock every write transaction takes, R42).
    static func holdWriteLock(_ cli: CofferCLI) throws -> Process {
        if let socket = StoreUnderTest.postgresSocket, let name = cli.postgresDatabase {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = ["-X", "-q", "-h", socket, "-U", "coffer", "-d", name,
                                 "-c", "SELECT pg_advisory_lock(\(0x436F_6666_6572))", "-c", "SELECT pg_sleep(60)"]
            // When the test kills psql, its server process notices within 0.1 s and lets the lock go.
            process.environment = ProcessInfo.processInfo.environment.merging(["PGOPTIONS": "-c client_connection_check_interval=100"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Held from the moment the server shows the lock granted.
            let deadline = Date().addingTimeInterval(10)
            while try cli.value("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """) != "1", Date() < deadline {
                usleep(20_000)
            }
            return process
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            # Committed frames in the WAL first (as any Coffer writer leaves), so readers need no lock.
            db.execute("INSERT INTO meta VALUES ('lock-test', '')")
            db.execute("DELETE FROM meta WHERE key = 'lock-test'")
            db.execute('BEGIN IMMEDIATE')
            print('locked', flush=True)
            time.sleep(60)
            """, cli.database]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        _ = out.fileHandleForReading.availableData // "locked": the lock is held from here on
        return process
    }

    /// The bytes of the `entries` table's root page that `corruptEntriesRoot` overwrites.
    static func damage(_ cli: CofferCLI) throws -> Range<Int> {
        let root = try cli.python("import sqlite3, sys; print(sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute(\"SELECT rootpage FROM sqlite_master WHERE name = 'entries'\").fetchone()[0])")
        let page = try #require(Int(root.trimmingCharacters(in: .whitespacesAndNewlines)))
        return ((page - 1) * 4096 + 8)..<((page - 1) * 4096 + 1_000)
    }

    /// Overwrites the cell pointers and cells of the `entries` table's root page with garbage
    /// (the page header is left, so only reading the cells shows the damage); returns where.
    static func corruptEntriesRoot(_ cli: CofferCLI) throws -> Range<Int> {
        let range = try damage(cli)
        var bytes = try cli.bytes()
        for offset in range { bytes[offset] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: cli.database))
        return range
    }

    @Test("SPEC §10: a database cannot be created in a read-only folder; nothing is left behind",
          .enabled(if: StoreUnderTest.isSQLite, "a folder that cannot hold a new SQLite file"))
    func createInReadOnlyFolder() throws {
        let cli = try CofferCLI()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cli.folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.folder.path) }
        expectRefusal(try cli.run("workspace", "create", "Acme", "--owner", CofferCLI.owner),
                      "Cannot create \(cli.database): the folder \(cli.folder.path) is read-only")
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test("SPEC §10, R33: the disk fills mid-import → the committed batches stand, the message says so; the same import again finishes",
          .enabled(if: StoreUnderTest.isSQLite, "fills the SQLite file (COFFER_MAX_PAGES, PRAGMA max_page_count)"))
    func diskFillsMidImport() throws {
        let cli = try CofferCLI()
        try cli.team()
        let file = try Self.writes(cli)[1][2]
        let pages = try cli.python("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA page_count').fetchone()[0])")
        cli.environment["COFFER_MAX_PAGES"] = String(try #require(Int(pages.trimmingCharacters(in: .whitespacesAndNewlines))) + 60)
        let stopped = try cli.run("usage", "import", file, "--batch", "100")
        expectRefusal(stopped, "The disk is full")
        let line = try #require(stopped.stderr.firstMatch(of: /Stopped at line (\d+): .* Lines 1–\d+ stand \(inserted (\d+), duplicate 0, rejected 0\): import the same file again to finish/))
        #expect(Int(line.1) == Int(line.2)! + 1, "\(stopped.stderr)")
        try cli.expectSound()
        cli.environment["COFFER_MAX_PAGES"] = nil
        let finished = try cli.run("usage", "import", file, "--batch", "100", "--json")
        #expect(finished.stdout.contains("\"duplicate\" : \(line.2)") && finished.stdout.contains("\"inserted\" : \(2_000 - Int(line.2)!)"), "\(finished.stdout)")
        try cli.expectSound()
    }
}
