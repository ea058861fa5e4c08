import CofferStore
import CofferCore
import Foundation

/// A demo team (a month of usage) in a database file of its own, opened at its end as its
/// primary owner; the folder goes with it.
final class DemoDatabase {
    let folder: URL
    let path: String
    let end: Timestamp = Fixture.now
    let store: CofferStore
    let owner: Actor

    init(records: Int = 400) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("demo.sqlite").path
        let clock = SimulatedClock(end)
        let builder = try CofferStore(path: path, catalog: PolicyLadder.catalog, clock: { clock.now })
        try DemoData(store: builder, clock: clock).build(months: 1, records: records, end: end)
        try builder.close()
        store = try Self.open(path, at: end)
        owner = try Workspaces(store).actor(email: DemoData.members[0], workspace: nil)
    }

    /// Another connection to the same file (as another process would have), with the same clock.
    func open() throws -> CofferStore { try Self.open(path, at: end) }

    private static func open(_ path: String, at end: Timestamp) throws -> CofferStore {
        try CofferStore(path: path, catalog: PolicyLadder.catalog, create: false, clock: { end })
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }
}
