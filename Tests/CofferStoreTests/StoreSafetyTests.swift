@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import StoreUnderTest
import Testing

/// SPEC §10: the ledger is append-only, tamper-evident, and the store refuses files it must not touch.
@Suite("Store safety (R16, SPEC §10)")
struct StoreSafetyTests {
    /// A database with a workspace and a couple of adjustments.
    static func populated(key: String? = nil) throws -> (StoreFixture, CofferStore) {
        let fixture = try StoreFixture()
        let store = try fixture.open(key: key)
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        try OperatorActions(store).adjust(workspace: workspace.ref, amount: .whole(20), reason: "top up")
        try OperatorActions(store).adjust(workspace: workspace.ref, amount: Credits(millicredits: -2_500), reason: "fix")
        return (fixture, store)
    }

    @Test("R16: the database itself (SQLite, or PostgreSQL) refuses to update or delete a ledger entry")
    func appendOnly() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        for sql in ["UPDATE entries SET amount = amount + 1 WHERE id = 1", "DELETE FROM entries WHERE id = 1",
                    "UPDATE adjustments SET amount = 0", "DELETE FROM audit_log"] {
            let error = #expect(throws: (any Error).self, "\(sql) was allowed") { try fixture.rawWrite { try $0.run(sql) } }
            #expect(error is DatabaseError || error is PostgresError, "\(sql): \(String(describing: error))")
        }
    }

    /// Lets a raw connection edit ledger entries (as a tamperer with the database's own access would).
    static func allowEditingEntries(_ sql: any StorageConnection) throws {
        switch sql.dialect {
        case .sqlite: try sql.run("DROP TRIGGER entries_no_update")
        case .postgres: try sql.run("ALTER TABLE entries DISABLE TRIGGER USER")
        }
    }

    @Test("SPEC §10: an entry edited behind Coffer's back is reported by check")
    func tamperDetected() throws {
        let (fixture, store) = try Self.populated()
        #expect(try LedgerCheck(store).run().isSound)
        try store.close()
        try fixture.rawWrite { sql in
            try Self.allowEditingEntries(sql)
            try sql.run("UPDATE entries SET amount = amount + 1000 WHERE id = 2")
        }
        let report = try LedgerCheck(fixture.open()).run()
        #expect(!report.isSound)
        #expect(report.violations.contains { $0.contains("entry 2 was altered") })
        #expect(report.violations.contains { $0.contains("balance") })
    }

    @Test("SPEC §10: a forger who recomputes the whole chain cannot fool a keyed (HMAC) ledger")
    func hmacChain() throws {
        let (fixture, store) = try Self.populated(key: "s3cret")
        #expect(try LedgerCheck(store).run().isSound)
        try store.close()
        #expect(throws: CofferError("This ledger is sealed with a key: set COFFER_LEDGER_KEY")) { try fixture.open() }
        #expect(throws: CofferError("COFFER_LEDGER_KEY does not match the key this ledger was sealed with")) {
            try fixture.open(key: "guess")
        }
        // Forge: change an entry and recompute every hash as plain SHA-256, head included.
        try fixture.rawWrite { sql in
            try Self.allowEditingEntries(sql)
            try sql.run("UPDATE entries SET to_account = to_account WHERE id = 1")
            var previous = LedgerSeal.genesis
            let plain = LedgerSeal(key: nil)
            let entries = try sql.all("SELECT id, batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at FROM entries ORDER BY id") { row in
                EntryFields(id: row.int(0), batch: row.int(1), asset: row.text(2), from: row.int(3), to: row.int(4), amount: row.int(5),
                            grant: row.optionalInt(6), kind: row.text(7), usage: row.optionalInt(8), createdAt: row.int(9))
            }
            for fields in entries {
                let hash = plain.hash(previous: previous, entry: fields)
                try sql.run("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", .blob(Array(previous)), .blob(Array(hash)), .int(fields.id))
                previous = hash
            }
            try sql.run("UPDATE ledger_head SET hash = ?", .blob(Array(previous)))
        }
        let report = try LedgerCheck(fixture.open(key: "s3cret")).run()
        #expect(report.violations.contains { $0.contains("was altered") })
    }

    @Test("SPEC §10: text bound through the seam ends at a NUL, as SQLite's C strings always did; the text around it is whole",
          .enabled(if: StoreUnderTest.isSQLite, "PostgreSQL refuses a NUL in text"))
    func textEndsAtNul() throws {
        let (fixture, _) = try Self.populated()
        let stored = try fixture.rawWrite { sql -> [String] in
            for (key, value) in [("nul", "ab\u{0}cd"), ("plain", "ünïcode ✓ 😀"), ("empty", "")] {
                try sql.run("INSERT INTO meta(key, value) VALUES (?, ?)", .text("test-" + key), .text(value))
            }
            return try sql.all("SELECT value || '|' || length(value) FROM meta WHERE key LIKE 'test-%' ORDER BY key") { $0.text(0) }
        }
        #expect(stored == ["|0", "ab|2", "ünïcode ✓ 😀|11"])
    }

    @Test("SPEC §10: the writer's statements, found by a slot without hashing their SQL, each answer their own text; a call with fewer values than parameters leaves the rest NULL",
          .enabled(if: StoreUnderTest.isSQLite, "the SQLite writer's statement shortcuts"))
    func writerStatementShortcuts() throws {
        let (_, store) = try Self.populated()
        guard let backend = store.sqlite else { Issue.record("not an SQLite store"); return }
        // More texts than slots, of equal and of different lengths, so slots are shared and reused.
        let texts = (0..<300).map { "SELECT ? + \($0)" } + (0..<40).map { "SELECT ? + \(String(repeating: " ", count: $0))7" }
        for order in [Array(texts.indices), Array(texts.indices.reversed()), Array(texts.indices.shuffled())] {
            let answers = try backend.write(.ledger) { sql in try order.map { try sql.int(texts[$0], .int(1_000)) } }
            #expect(answers == order.map { $0 < 300 ? Int64(1_000 + $0) : 1_007 })
        }
        let nulls = try backend.write(.ledger) { sql -> [Int64?] in
            let both = "SELECT coalesce(?1, -1) * 10 + coalesce(?2, -1)"
            return [try sql.int(both, .int(1), .int(2)), try sql.int(both, [.int(3)]), try sql.int(both, .int(4), .int(5))]
        }
        #expect(nulls == [12, 29, 45])
    }

    @Test("SPEC §10: writes are FULL-synchronous in WAL mode; the writer journals statements in memory", .enabled(if: StoreUnderTest.isSQLite, "SQLite's journal and sync PRAGMAs"))
    func durability() throws {
        let (_, store) = try Self.populated()
        let (mode, sync) = try store.database.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 2)
        // The writer's statement journals stay in memory (a 32-row INSERT would spill them to a
        // temporary file, a write per page); readers keep the default, so a large sort can spill.
        #expect(try store.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try store.database.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 0)
    }

    @Test("SPEC §10: a database from a newer Coffer is refused and left unchanged")
    func newerSchema() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        let migrations = StoreUnderTest.isSQLite ? "grdb_migrations" : "coffer_migrations"
        try fixture.rawWrite { try $0.run("INSERT INTO \(migrations)(identifier) VALUES ('v99-from-the-future')") }
        let before = try Self.unchangedWitness(fixture)
        #expect(throws: CofferError("\(fixture.path) was written by a newer Coffer (schema v99-from-the-future): upgrade Coffer to open it")) {
            try fixture.open()
        }
        #expect(try Self.unchangedWitness(fixture) == before)
    }

    /// What must not change when a database is refused: the file's bytes on SQLite; on PostgreSQL,
    /// every table's name and row count (and the migrations recorded, when there are any).
    static func unchangedWitness(_ fixture: StoreFixture) throws -> String {
        guard StoreUnderTest.isPostgres else { return try fixture.bytes().base64EncodedString() }
        return try fixture.rawWrite { sql in
            let tables = try sql.all("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename") { $0.text(0) }
            var witness = try tables.map { "\($0): \(try sql.int("SELECT count(*) FROM \($0)") ?? -1)" }
            if tables.contains("coffer_migrations") {
                witness += try sql.all("SELECT identifier FROM coffer_migrations ORDER BY identifier") { $0.text(0) }
            }
            return witness.joined(separator: "\n")
        }
    }

    @Test("SPEC §10: a file that is not a database is refused and left unchanged", .enabled(if: StoreUnderTest.isSQLite, "writes junk bytes into the SQLite file"))
    func notADatabase() throws {
        let fixture = try StoreFixture()
        let junk = Data(repeating: 0x41, count: 8192)
        try junk.write(to: URL(fileURLWithPath: fixture.path))
        #expect(throws: CofferError("\(fixture.path) is not a database")) { try fixture.open() }
        #expect(try fixture.bytes() == junk)
    }

    @Test("SPEC §10: another application's database (an SQLite file, or a PostgreSQL database) is refused and left unchanged")
    func foreignDatabase() throws {
        let fixture = try StoreFixture()
        try fixture.rawWrite { sql in
            try sql.run("CREATE TABLE notes(body TEXT)")
            try sql.run("INSERT INTO notes VALUES ('hi')")
        }
        let before = try Self.unchangedWitness(fixture)
        #expect(throws: CofferError("\(fixture.path) is not a Coffer database")) { try fixture.open() }
        #expect(try Self.unchangedWitness(fixture) == before)
    }

    @Test("SPEC §13: a PostgreSQL database holding only a sequence is not Coffer's either (its name would shift the identity's)",
          .enabled(if: StoreUnderTest.isPostgres, "SQLite files hold no sequences"))
    func strayPostgresSequence() throws {
        let fixture = try StoreFixture()
        try fixture.rawWrite { try $0.run("CREATE SEQUENCE usage_events_id_seq") }
        #expect(throws: CofferError("\(fixture.path) is not a Coffer database")) { try fixture.open() }
        #expect(try CofferStore.isOccupied(fixture.path))
    }

    @Test("SPEC §10: a corrupt page is reported, never written over", .enabled(if: StoreUnderTest.isSQLite, "overwrites a page of the SQLite file"))
    func corruptPage() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        var bytes = try fixture.bytes()
        let pageSize = 4096
        #expect(bytes.count > pageSize * 4)
        for offset in (pageSize * 2)..<(pageSize * 2 + 600) { bytes[offset] = 0xFF }
        try bytes.write(to: URL(fileURLWithPath: fixture.path))
        do {
            let report = try LedgerCheck(fixture.open()).run()
            #expect(!report.isSound, "corruption went unnoticed")
        } catch let error as CofferError {
            #expect(error.message.contains("corrupt") || error.message.contains("malformed"), "\(error)")
        }
        var after = try fixture.bytes()
        after = after.prefix(bytes.count)
        #expect(after[(pageSize * 2)..<(pageSize * 2 + 600)] == bytes[(pageSize * 2)..<(pageSize * 2 + 600)])
    }

    @Test("SPEC §10: a read-only file can be read but refuses writes, unchanged", .enabled(if: StoreUnderTest.isSQLite, "makes the SQLite file read-only (chmod)"))
    func readOnlyFile() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: fixture.path)
        let before = try fixture.bytes()
        let readOnly = try fixture.open()
        #expect(readOnly.isReadOnly)
        let workspace = try Workspaces(readOnly).workspace(nil)
        #expect(try Balances(readOnly).teamPoolCredits(workspace: workspace.id) == Credits(millicredits: 22_500))
        #expect(throws: CofferError("The database is read-only: \(fixture.path)")) {
            try OperatorActions(readOnly).adjust(workspace: workspace, amount: .whole(1), reason: "nope")
        }
        #expect(try LedgerCheck(readOnly).run().isSound)
        #expect(try fixture.bytes() == before)
    }

    @Test("SPEC §10: a read-only folder refuses to create a database", .enabled(if: StoreUnderTest.isSQLite, "a folder that cannot hold a new SQLite file"))
    func readOnlyFolder() throws {
        let fixture = try StoreFixture()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: fixture.folder.path)
        #expect(throws: CofferError("Cannot create \(fixture.path): the folder \(fixture.folder.path) is read-only")) {
            try fixture.open()
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test("SPEC §10: a full disk is a clear error and nothing is written", .enabled(if: StoreUnderTest.isSQLite, "fills the SQLite file with PRAGMA max_page_count"))
    func diskFull() throws {
        let (fixture, store) = try Self.populated()
        let workspace = try Workspaces(store).workspace(nil)
        let pages = try store.database.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        let before = try Balances(store).teamPoolCredits(workspace: workspace.id)
        try store.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        #expect(throws: CofferError("The disk is full: nothing was written to \(fixture.path)")) {
            try OperatorActions(store).adjust(workspace: workspace, amount: .whole(1), reason: String(repeating: "x", count: 400))
            for n in 0..<2_000 { _ = try Workspaces(store).create(name: "Filler \(n)", owner: "u\(n)@fill.test") }
        }
        #expect(try LedgerCheck(store).run().isSound)
        #expect(try Balances(store).teamPoolCredits(workspace: workspace.id) >= before)
    }
}
