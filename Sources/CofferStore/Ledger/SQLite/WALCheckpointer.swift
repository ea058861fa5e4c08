import Dispatch
import GRDBSQLite
import Synchronization

/// Checkpoints the WAL mostly on a connection and a thread of its own, so that few commits copy
/// pages into the database file or wait for its fsyncs. SQLite's automatic checkpoint runs inside
/// the commit that takes the WAL past 1,000 pages: an import or a `coffer serve` group paid it
/// about once in three commits (two fsyncs and the copy; the database file's fsync took ~6 ms).
///
/// The writer's WAL hook asks for a checkpoint each time the WAL has grown by `threshold` pages
/// since the last ask (or since it started over); asks that come while one is queued or running
/// are folded into it. Asking after every commit past the threshold, as a first version did, ran
/// a checkpoint — two fsyncs — after most one-debit commits once the WAL had 1,000 pages: 4,300
/// fsyncs beside the commits' own 3,050 for 3,000 debits, each slowing the next commit's.
///
/// The checkpoint is PASSIVE: it never waits for, or blocks, a reader or the writer, and copies
/// what no reader still needs. But the WAL starts over only when a writer begins after everything
/// in it was copied, and a writer that keeps appending while the checkpoint runs never sees that:
/// under a steady load the WAL grew by 55 MB a second. So past `ceiling` pages the commit
/// checkpoints itself, as SQLite would (copying only what the last background pass left), and the
/// next transaction starts the WAL over. A crash during either is SQLite's own case (the WAL is
/// replayed on the next open).
final class WALCheckpointer: Sendable {
    /// The WAL's growth, in pages, at which a checkpoint is asked for (SQLite's own default size).
    static let threshold: Int32 = 1_000
    /// The WAL's size, in pages, past which the writer's commit checkpoints itself (~16 MB).
    static let ceiling: Int32 = 4 * threshold

    private let path: String
    /// Where checkpoints run, one at a time (tests hold it to see that commits do not checkpoint).
    let queue = DispatchQueue(label: "coffer.wal-checkpoint")
    /// True from an ask until its checkpoint starts.
    private let asked = Atomic<Bool>(false)
    /// The WAL's size, in pages, at the last ask; read and written only by the writer's hook.
    private let askedAt = Atomic<Int32>(0)
    /// True while `writer`'s hook holds this checkpointer.
    private let attached = Atomic<Bool>(false)
    /// The checkpointing connection, opened by `attach`; used only on `queue`.
    private let connection = Mutex<OpaquePointer?>(nil)
    /// True once closed: later asks are ignored.
    private let closed = Atomic<Bool>(false)
    /// Checkpoints run so far on the checkpointer's thread, and by the writer's commits past
    /// `ceiling` (tests).
    let checkpoints = Atomic<Int>(0), writerCheckpoints = Atomic<Int>(0)

    init(path: String) { self.path = path }

    /// Opens the checkpointing connection and takes over `writer`'s WAL hook, which turns its
    /// automatic checkpoint off; the hook holds this checkpointer until `detach(from:)`. When the
    /// connection cannot be opened, leaves `writer` as it is (it checkpoints in its commits).
    func attach(to writer: OpaquePointer) {
        let opened = connection.withLock { open -> Bool in
            open = open ?? Self.connect(path)
            return open != nil
        }
        guard opened, !attached.exchange(true, ordering: .acquiringAndReleasing) else { return }
        sqlite3_wal_hook(writer, { context, writer, name, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            guard checkpointer.grewEnough(pages) else { return SQLITE_OK }
            if pages >= WALCheckpointer.ceiling {
                // Within the hook, as SQLite's own automatic checkpoint runs.
                if sqlite3_wal_checkpoint_v2(writer, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                    checkpointer.writerCheckpoints.add(1, ordering: .relaxed)
                }
            } else {
                checkpointer.ask()
            }
            return SQLITE_OK
        }, Unmanaged.passRetained(self).toOpaque())
    }

    /// Whether a commit that left `pages` in the WAL checkpoints (and the ask is noted): past the
    /// ceiling always; else when the WAL has grown by `threshold` pages since the last ask, or
    /// since it started over.
    private func grewEnough(_ pages: Int32) -> Bool {
        let last = askedAt.load(ordering: .relaxed)
        let since = pages < last ? 0 : last // smaller than at the last ask: the WAL started over
        guard pages >= Self.ceiling || pages - since >= Self.threshold else { return false }
        askedAt.store(pages, ordering: .relaxed)
        return true
    }

    /// True while `writer`'s hook holds this checkpointer.
    var isAttached: Bool { attached.load(ordering: .acquiring) }

    /// Gives `writer` SQLite's automatic checkpoint back (should the connection outlive the store,
    /// its WAL must not grow unchecked) and lets go of the reference the hook held; then waits for
    /// a checkpoint under way and closes the connection.
    func detach(from writer: OpaquePointer) {
        if attached.exchange(false, ordering: .acquiringAndReleasing) {
            sqlite3_wal_autocheckpoint(writer, Self.threshold) // replaces this hook with SQLite's own
            Unmanaged.passUnretained(self).release()
        }
        close()
    }

    /// Waits for a checkpoint under way, then closes the connection; later asks are ignored.
    func close() {
        closed.store(true, ordering: .sequentiallyConsistent)
        queue.sync {
            connection.withLock { open in
                if let open { sqlite3_close_v2(open) }
                open = nil
            }
        }
    }

    /// Queues a checkpoint unless one is queued already. Called on the writer's thread, right after
    /// its commit: it only sets a flag and queues.
    private func ask() {
        guard !closed.load(ordering: .relaxed),
              asked.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.async { self.checkpoint() }
    }

    private func checkpoint() {
        asked.store(false, ordering: .releasing) // a commit from now on asks again
        guard !closed.load(ordering: .acquiring) else { return }
        connection.withLock { open in
            guard let open else { return }
            // Each page it copies is already durable in the WAL; what a reader still needs stays.
            _ = sqlite3_wal_checkpoint_v2(open, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            checkpoints.add(1, ordering: .relaxed)
        }
    }

    /// A read-write connection that only checkpoints: with `synchronous = FULL`, a checkpoint
    /// syncs the WAL before it copies, and the database file after. It reads the schema once:
    /// until a connection has read something it has not opened the WAL, and its checkpoints do
    /// nothing.
    private static func connect(_ path: String) -> OpaquePointer? {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let connection,
              sqlite3_exec(connection, "PRAGMA synchronous = FULL; SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else {
            sqlite3_close_v2(connection)
            return nil
        }
        return connection
    }
}
