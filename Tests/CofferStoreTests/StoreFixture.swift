@testable import CofferStore
import CofferCore
import Foundation
import GRDB
import StoreUnderTest

/// A real database in a fresh temporary folder (or, when the suites run on PostgreSQL, a fresh
/// database on the test cluster: `StoreUnderTest`), with the shipped catalog and a settable clock.
final class StoreFixture: @unchecked Sendable {
    let folder: URL
    let path: String
    private let lock = NSLock()
    private var currentTime: Timestamp

    static let catalog: Catalog = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../assets/plans.json").standardized
        return try! Catalog.load(json: Data(contentsOf: url), source: url.path)
    }()

    init(now: String = "2026-01-15T12:00:00Z") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = try StoreUnderTest.freshLocation(sqlitePath: folder.appendingPathComponent("coffer.sqlite").path)
        currentTime = try UTC.parse(now)
    }

    deinit {
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        try? FileManager.default.removeItem(at: folder)
    }

    /// The clock the stores of this fixture read.
    var now: Timestamp {
        get { lock.withLock { currentTime } }
        set { lock.withLock { currentTime = newValue } }
    }

    /// Opens the fixture's database.
    func open(key: String? = nil, create: Bool = true) throws -> CofferStore {
        try CofferStore(path: path, catalog: Self.catalog, ledgerKey: key, create: create, clock: { [self] in now })
    }

    /// A raw connection that bypasses Coffer (to tamper with the SQLite file, or to look at it).
    /// SQLite only: tests that run on both stores use `rawWrite`.
    func raw() throws -> DatabaseQueue {
        precondition(StoreUnderTest.isSQLite, "raw() opens an SQLite file; use rawWrite on PostgreSQL")
        return try DatabaseQueue(path: path)
    }

    /// Runs `body` in one transaction on a connection of its own that bypasses Coffer (no chain, no
    /// checks: to tamper, or to look), through the storage seam on either store: a GRDB queue on the
    /// SQLite file, a libpq connection to the PostgreSQL database. Committed when it returns.
    func rawWrite<T>(_ body: (any StorageConnection) throws -> T) throws -> T {
        guard StoreUnderTest.isPostgres else {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.write { try body($0.storage) }
        }
        let connection = try PostgresConnection(url: path, shownAs: path)
        try connection.execute("BEGIN")
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The file's bytes (to prove a refusal changed nothing). SQLite only.
    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

extension StoreFixture {
    /// Sets the clock from ISO-8601 text.
    func at(_ text: String) throws { now = try UTC.parse(text) }

    /// Adds a member with `role` straight into the table (until the team commands exist in a test's scope),
    /// in one write transaction through the storage seam (either store).
    func addMember(_ email: String, role: Role, to store: CofferStore, workspace: Int64) throws {
        try store.backend.write(.ledger) { sql in
            try sql.run("INSERT INTO users(email, created_at) VALUES (?, 0) ON CONFLICT(email) DO NOTHING", .text(email))
            try sql.run("""
                INSERT INTO members(workspace_id, user_id, role, access, joined_at)
                SELECT ?, id, ?, 'seat', 0 FROM users WHERE email = ?
                """, .int(workspace), .text(role.rawValue), .text(email))
        }
    }
}

extension CofferStore {
    /// Everything that must come out the same however time is settled: entries, adjustments,
    /// invoices, subscriptions and the chain head.
    func ledgerFingerprint() throws -> String {
        try snapshot { sql in
            var lines: [String] = []
            try sql.each("SELECT id, asset, from_account, to_account, amount, grant_id, kind, created_at FROM entries ORDER BY id", []) { row in
                lines.append("E \(row.int(0)) \(row.text(1)) \(row.int(2))→\(row.int(3)) \(row.int(4)) g\(row.optionalInt(5) ?? 0) \(row.text(6)) @\(row.int(7))")
                return true
            }
            try sql.each("SELECT type, amount, detail, created_at FROM adjustments ORDER BY id", []) { row in
                lines.append("A \(row.text(0)) \(row.int(1)) \(row.text(2)) @\(row.int(3))")
                return true
            }
            try sql.each("SELECT description, amount_cents, status, created_at FROM invoices ORDER BY id", []) { row in
                lines.append("I \(row.text(0)) \(row.int(1)) \(row.text(2)) @\(row.int(3))")
                return true
            }
            try sql.each("SELECT id, plan, status, ended_at, next_due_at, credit_index, billing_index FROM subscriptions ORDER BY id", []) { row in
                let optional = { (column: Int32) in row.optionalInt(column).map(String.init) ?? "NULL" }
                lines.append("S \(row.int(0)) \(row.text(1)) \(row.text(2)) \(optional(3)) \(optional(4)) \(optional(5)) \(optional(6))")
                return true
            }
            let head = try sql.first("SELECT hash FROM ledger_head", []) { $0.bytes(0).hex }
            lines.append("H \(head ?? "-")")
            return lines.joined(separator: "\n")
        }
    }
}


extension StorageConnection {
    /// Makes the database refuse each insert into `table` whose new row meets `condition` (SQL on
    /// `NEW`), as a constraint would (the store sees a `StorageRefusal` saying `message`): a trigger
    /// in the connection's own dialect. `temporary` (SQLite) keeps it to this connection; PostgreSQL
    /// has no temporary triggers, so there it lasts until `stopRefusing` drops it.
    func refuseInserts(_ name: String, into table: String, when condition: String? = nil, message: String,
                       temporary: Bool = false) throws {
        switch dialect {
        case .sqlite:
            try run("""
                CREATE \(temporary ? "TEMP " : "")TRIGGER \(name) BEFORE INSERT ON \(table)\(condition.map { " WHEN \($0)" } ?? "")
                BEGIN SELECT RAISE(ABORT, '\(message)'); END
                """)
        case .postgres:
            try run("""
                CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(message)' USING ERRCODE = 'check_violation'; END $$
                """)
            try run("CREATE TRIGGER \(name) BEFORE INSERT ON \(table) FOR EACH ROW\(condition.map { " WHEN (\($0))" } ?? "") EXECUTE FUNCTION \(name)()")
        }
    }

    /// Drops a trigger `refuseInserts` made.
    func stopRefusing(_ name: String, on table: String, temporary: Bool = false) throws {
        switch dialect {
        case .sqlite: try run("DROP TRIGGER IF EXISTS \(temporary ? "temp." : "")\(name)")
        case .postgres:
            try run("DROP TRIGGER IF EXISTS \(name) ON \(table)")
            try run("DROP FUNCTION IF EXISTS \(name)()")
        }
    }
}
