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

    /// A raw connection that bypasses Coffer (to tamper, or to look).
    func raw() throws -> DatabaseQueue { try DatabaseQueue(path: path) }

    /// The file's bytes (to prove a refusal changed nothing).
    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

extension StoreFixture {
    /// Sets the clock from ISO-8601 text.
    func at(_ text: String) throws { now = try UTC.parse(text) }

    /// Adds a member with `role` straight into the table (until the team commands exist in a test's scope).
    func addMember(_ email: String, role: Role, to store: CofferStore, workspace: Int64) throws {
        try store.database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO users(email, created_at) VALUES (?, 0)", arguments: [email])
            try db.execute(sql: """
                INSERT INTO members(workspace_id, user_id, role, access, joined_at)
                SELECT ?, id, ?, 'seat', 0 FROM users WHERE email = ?
                """, arguments: [workspace, role.rawValue, email])
        }
    }
}

extension CofferStore {
    /// Everything that must come out the same however time is settled: entries, adjustments,
    /// invoices, subscriptions and the chain head.
    func ledgerFingerprint() throws -> String {
        try read { db in
            var lines: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, asset, from_account, to_account, amount, grant_id, kind, created_at FROM entries ORDER BY id") {
                lines.append("E \(row[0] as Int64) \(row[1] as String) \(row[2] as Int64)→\(row[3] as Int64) \(row[4] as Int64) g\(row[5] as Int64? ?? 0) \(row[6] as String) @\(row[7] as Int64)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT type, amount, detail, created_at FROM adjustments ORDER BY id") {
                lines.append("A \(row[0] as String) \(row[1] as Int64) \(row[2] as String) @\(row[3] as Int64)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT description, amount_cents, status, created_at FROM invoices ORDER BY id") {
                lines.append("I \(row[0] as String) \(row[1] as Int64) \(row[2] as String) @\(row[3] as Int64)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, plan, status, ended_at, next_due_at, credit_index, billing_index FROM subscriptions ORDER BY id") {
                lines.append("S \(row.description)")
            }
            lines.append("H \(try Row.fetchOne(db, sql: "SELECT hex(hash) FROM ledger_head")?.description ?? "-")")
            return lines.joined(separator: "\n")
        }
    }
}
