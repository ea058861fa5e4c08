import ArgumentParser
import CofferCore
import CofferStore
import Foundation

/// `coffer demo`: builds a demo team with months of usage in its own database and shows it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a demo team with months of realistic usage, then show it.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Usage records to generate.") var records: Int = 20_000
    @Option(help: "Months of history.") var months: Int64 = 6
    @Flag(help: "Only build the demo database.") var noOpen = false

    /// The demo's own file, so a demo never touches a real database.
    private var demoPath: String { global.db ?? GlobalOptions.dataFolder() + "/demo.sqlite" }

    func validate() throws {
        guard (0...5_000_000).contains(records) else { throw ValidationError("--records takes 0 to 5,000,000") }
        guard (1...36).contains(months) else { throw ValidationError("--months takes 1 to 36") }
    }

    func run() throws {
        let path = demoPath
        if global.db == nil {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        } else if FileManager.default.fileExists(atPath: path) {
            throw CofferError("\(path) already exists: the demo builds a new database (choose another --db)")
        }
        let end = try global.clock()()
        let clock = SimulatedClock(end)
        let store = try CofferStore(path: path, catalog: global.loadCatalog(), create: true, clock: { clock.now })
        let started = Date()
        let outcome = try DemoData(store: store, clock: clock).build(months: months, records: records, end: end)
        let owner = outcome.owner
        try store.close()
        print("Demo database: \(path) (\(outcome.recorded) usage records over \(months) months, \(outcome.refused) refused, built in \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        guard !noOpen else { return }
        let reopened = try CofferStore(path: path, catalog: global.loadCatalog(), create: false, clock: global.clock())
        let viewer = try Workspaces(reopened).actor(email: global.actingUser ?? owner.email, workspace: nil)
        try DashboardRunner.run(store: reopened, viewer: viewer, mouse: true)
    }
}
