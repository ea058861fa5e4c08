@testable import CofferStore
import CofferCore
import Foundation
import GRDB
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

    @Test("R16: SQLite itself refuses to update or delete a ledger entry")
    func appendOnly() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        let raw = try fixture.raw()
        for sql in ["UPDATE entries SET amount = amount + 1 WHERE id = 1", "DELETE FROM entries WHERE id = 1",
                    "UPDATE adjustments SET amount = 0", "DELETE FROM audit_log"] {
            #expect(throws: DatabaseError.self, "\(sql) was allowed") { try raw.write { try $0.execute(sql: sql) } }
        }
    }

    @Test("SPEC §10: an entry edited behind Coffer's back is reported by check")
    func tamperDetected() throws {
        let (fixture, store) = try Self.populated()
        #expect(try LedgerCheck(store).run().isSound)
        try store.close()
        try fixture.raw().write { db in
            try db.execute(sql: "DROP TRIGGER entries_no_update")
            try db.execute(sql: "UPDATE entries SET amount = amount + 1000 WHERE id = 2")
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
        try fixture.raw().write { db in
            try db.execute(sql: "DROP TRIGGER entries_no_update")
            try db.execute(sql: "UPDATE entries SET to_account = to_account WHERE id = 1")
            var previous = LedgerSeal.genesis
            let plain = LedgerSeal(key: nil)
            for row in try Row.fetchAll(db, sql: "SELECT id, batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at FROM entries ORDER BY id") {
                let fields = EntryFields(id: row[0], batch: row[1], asset: row[2], from: row[3], to: row[4], amount: row[5],
                                         grant: row[6], kind: row[7], usage: row[8], createdAt: row[9])
                let hash = plain.hash(previous: previous, entry: fields)
                try db.execute(sql: "UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", arguments: [Data(previous), Data(hash), fields.id])
                previous = hash
            }
            try db.execute(sql: "UPDATE ledger_head SET hash = ?", arguments: [Data(previous)])
        }
        let report = try LedgerCheck(fixture.open(key: "s3cret")).run()
        #expect(report.violations.contains { $0.contains("was altered") })
    }

    @Test("SPEC §10: writes are FULL-synchronous in WAL mode")
    func durability() throws {
        let (_, store) = try Self.populated()
        let (mode, sync) = try store.database.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 2)
    }

    @Test("SPEC §10: a database from a newer Coffer is refused and left unchanged")
    func newerSchema() throws {
        let (fixture, store) = try Self.populated()
        try store.close()
        try fixture.raw().write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')")
        }
        let before = try fixture.bytes()
        #expect(throws: CofferError("\(fixture.path) was written by a newer Coffer (schema v99-from-the-future): upgrade Coffer to open it")) {
            try fixture.open()
        }
        #expect(try fixture.bytes() == before)
    }

    @Test("SPEC §10: a file that is not a database is refused and left unchanged")
    func notADatabase() throws {
        let fixture = try StoreFixture()
        let junk = Data(repeating: 0x41, count: 8192)
        try junk.write(to: URL(fileURLWithPath: fixture.path))
        #expect(throws: CofferError("\(fixture.path) is not a database")) { try fixture.open() }
        #expect(try fixture.bytes() == junk)
    }

    @Test("SPEC §10: another application's SQLite file is refused and left unchanged")
    func foreignDatabase() throws {
        let fixture = try StoreFixture()
        try fixture.raw().write { try $0.execute(sql: "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('hi')") }
        let before = try fixture.bytes()
        #expect(throws: CofferError("\(fixture.path) is not a Coffer database")) { try fixture.open() }
        #expect(try fixture.bytes() == before)
    }

    @Test("SPEC §10: a corrupt page is reported, never written over")
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

    @Test("SPEC §10: a read-only file can be read but refuses writes, unchanged")
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

    @Test("SPEC §10: a read-only folder refuses to create a database")
    func readOnlyFolder() throws {
        let fixture = try StoreFixture()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: fixture.folder.path)
        #expect(throws: CofferError("Cannot create \(fixture.path): the folder \(fixture.folder.path) is read-only")) {
            try fixture.open()
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test("SPEC §10: a full disk is a clear error and nothing is written")
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
