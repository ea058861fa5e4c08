@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import GRDBSQLite
import StoreUnderTest
import Testing

/// SPEC §10 and §11: the SQLite writer's commits stay durable (`synchronous = FULL`) but never
/// checkpoint; a connection of the store's own does, off the writer's thread.
@Suite("WAL checkpoints off the writer (SPEC §10, §11)",
       .enabled(if: StoreUnderTest.isSQLite, "PostgreSQL has no WAL file of Coffer's to checkpoint"))
struct WALCheckpointTests {
    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// A store with an empty `filler` table to grow the WAL with.
    private struct Filled {
        let fixture: StoreFixture, store: CofferStore, sqlite: SQLiteStore, pageSize: Int
        var checkpointer: WALCheckpointer { sqlite.checkpointer }

        init() throws {
            fixture = try StoreFixture()
            store = try fixture.open()
            sqlite = try #require(store.sqlite)
            try sqlite.database.write { try $0.execute(sql: "CREATE TABLE filler (bytes BLOB)") }
            pageSize = try sqlite.database.read { try Int.fetchOne($0, sql: "PRAGMA page_size") ?? 4_096 }
        }

        /// Commits one row of `bytes` zero bytes.
        func commit(bytes: Int) throws {
            try sqlite.database.write { try $0.execute(sql: "INSERT INTO filler VALUES (zeroblob(?))", arguments: [bytes]) }
        }
    }

    @Test("commits past the threshold ask; the checkpoint runs once, on its own thread, and the file holds the pages")
    func checkpointsOffTheWriter() throws {
        let filled = try Filled()
        let (fixture, store, checkpointer) = (filled.fixture, filled.store, filled.checkpointer)
        let workspace = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        #expect(checkpointer.isAttached)
        let before = Self.size(fixture.path), done = checkpointer.checkpoints.load(ordering: .relaxed)

        // The checkpoint thread is held: whatever checkpoints now is a commit.
        let held = DispatchSemaphore(value: 0), holding = DispatchSemaphore(value: 0)
        checkpointer.queue.async { holding.signal(); held.wait() }
        holding.wait()
        var released = false
        defer { if !released { held.signal() } } // a failed write must not leave close() waiting
        for _ in 0..<12 { // 12 commits of 512 KiB: about 1,600 pages, past the threshold several times
            try filled.commit(bytes: 524_288)
        }
        #expect(Self.size(fixture.path) == before, "a commit checkpointed: the database file grew")
        #expect(Self.size(fixture.path + "-wal") > 6_000_000)

        held.signal()
        released = true
        checkpointer.queue.sync {} // the one checkpoint the commits asked for has run
        #expect(checkpointer.checkpoints.load(ordering: .relaxed) == done + 1, "asks while one was queued are folded into it")
        #expect(Self.size(fixture.path) > before + 6_000_000, "the checkpoint copied the pages into the file")

        // The ledger is whole, before and after the store closes (closing truncates the WAL).
        try OperatorActions(store).adjust(workspace: workspace.ref, amount: .whole(5), reason: "after")
        #expect(try LedgerCheck(store).run().isSound)
        try store.close()
        #expect(!checkpointer.isAttached)
        #expect(Self.size(fixture.path + "-wal") == 0)
        #expect(try LedgerCheck(fixture.open()).run().isSound)
    }

    @Test("past the ceiling the commit checkpoints itself, so a writer that never pauses keeps the WAL bounded")
    func ceilingBoundsTheWAL() throws {
        let filled = try Filled()
        let (fixture, store, checkpointer) = (filled.fixture, filled.store, filled.checkpointer)
        let before = Self.size(fixture.path)

        // The checkpoint thread is held, as if its passes never let the WAL start over.
        let held = DispatchSemaphore(value: 0), holding = DispatchSemaphore(value: 0)
        checkpointer.queue.async { holding.signal(); held.wait() }
        holding.wait()
        var released = false
        defer { if !released { held.signal() } }
        let ceiling = Int(WALCheckpointer.ceiling) * filled.pageSize
        for _ in 0..<(3 * ceiling / 524_288) { // three ceilings' worth, in commits of 512 KiB
            try filled.commit(bytes: 524_288)
        }
        #expect(checkpointer.writerCheckpoints.load(ordering: .relaxed) >= 2)
        #expect(Self.size(fixture.path) > before + ceiling, "the commits' checkpoints copied the pages into the file")
        #expect(Self.size(fixture.path + "-wal") < 2 * ceiling, "the WAL started over instead of growing")
        held.signal()
        released = true
        try store.close()
    }

    @Test("a store whose last reference goes inside a write lets go of its checkpointer there (GRDB's write is not reentrant)")
    func releasedInsideAWrite() throws {
        let fixture = try StoreFixture()
        var store: CofferStore? = try fixture.open()
        let pool = try #require(store?.sqlite?.database as? DatabasePool)
        let checkpointer = try #require(store?.sqlite?.checkpointer)
        #expect(checkpointer.isAttached)
        pool.writeWithoutTransaction { _ in store = nil }
        #expect(store == nil && !checkpointer.isAttached)
        try pool.close()
    }

    @Test("small commits past the threshold ask once per threshold's worth of growth, not once a commit (durable debits)")
    func smallCommitsAskOncePerThreshold() throws {
        let filled = try Filled()
        let (fixture, store, checkpointer) = (filled.fixture, filled.store, filled.checkpointer)
        // A reader keeps its snapshot, so the WAL cannot start over however its checkpoints go: as
        // when commits come faster than checkpoints finish.
        var reader: OpaquePointer?
        defer { sqlite3_close_v2(reader) }
        try #require(sqlite3_open_v2(fixture.path, &reader, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        try #require(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM filler", nil, nil, nil) == SQLITE_OK)
        let done = checkpointer.checkpoints.load(ordering: .relaxed)
        var commits = 0
        // Commits of a few pages each, until the WAL has 2.5 thresholds' worth (below the ceiling);
        // each waits for the checkpoint it may have asked for.
        while Self.size(fixture.path + "-wal") < 5 * Int(WALCheckpointer.threshold) * filled.pageSize / 2 {
            try filled.commit(bytes: 8_192)
            checkpointer.queue.sync {}
            commits += 1
        }
        let ran = checkpointer.checkpoints.load(ordering: .relaxed) - done
        #expect(commits > 300, "each commit adds a few pages")
        #expect((1...2).contains(ran), "\(ran) checkpoints for \(commits) commits")
        #expect(checkpointer.writerCheckpoints.load(ordering: .relaxed) == 0)
        try store.close()
    }

    @Test("a read-only file gets no checkpointer; closing twice is harmless")
    func readOnlyAndClose() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        try store.close()
        let reader = try CofferStore(path: fixture.path, catalog: StoreFixture.catalog, readOnly: true, clock: { fixture.now })
        #expect(reader.sqlite?.checkpointer.isAttached == false)
        try reader.close()
        try reader.close()
    }
}
