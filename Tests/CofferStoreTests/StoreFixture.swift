@testable import CofferStore
import CofferCore
import Foundation
import GRDB

/// A real database file in a fresh temporary folder, with the shipped catalog and a settable clock.
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
        path = folder.appendingPathComponent("coffer.sqlite").path
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
