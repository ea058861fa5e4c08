import ArgumentParser
import CofferCore
import CofferStore
import Foundation

/// `coffer demo`: builds a demo team with months of usage in its own database and shows it.
///
/// The demo file is kept: a second run opens it as it was left (changes made in the dashboard
/// stay), and `--fresh` builds it anew (issue #19.15).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a demo team with months of realistic usage, then show it.",
        discussion: """
            The demo lives in its own file ($XDG_DATA_HOME/coffer/demo.sqlite, or --db PATH for a new \
            file). A second run opens the demo as you left it; --fresh builds a new one in its place.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Usage records to generate.") var records: Int = 20_000
    @Option(help: "Months of history.") var months: Int64 = 6
    @Flag(help: "Only build the demo database, and print how to open it.") var noOpen = false
    @Flag(help: "Build a new demo even if one exists (the old one and any changes to it are lost).") var fresh = false

    /// The primary owner of the demo team, whom the demo opens as unless `--as` says otherwise.
    static let owner = DemoData.members[0]

    /// The demo's own file, so a demo never touches a real database.
    static var defaultPath: String { GlobalOptions.dataFolder() + "/demo.sqlite" }
    private var demoPath: String { global.db ?? Self.defaultPath }

    func validate() throws {
        guard (0...5_000_000).contains(records) else { throw ValidationError("--records takes 0 to 5,000,000") }
        guard (1...36).contains(months) else { throw ValidationError("--months takes 1 to 36") }
        if fresh, global.db != nil {
            throw ValidationError("--fresh replaces only the default demo file; with --db, name a file that does not exist yet")
        }
    }

    func run() throws {
        let path = demoPath
        let exists = try CofferStore.isOccupied(path)
        if exists, global.db != nil {
            let shown = CofferStore.shown(path)
            throw CofferError("\(shown) already exists: the demo builds a new database (choose another --db, or open it with coffer --db \(Self.shellQuoted(shown)))")
        }
        if exists, !fresh {
            print("Demo database: \(path) (kept as you left it; scripts/demo --fresh or coffer demo --fresh builds a new one)")
        } else {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try build(at: path)
        }
        let viewer = global.actingUser ?? Self.owner
        guard !noOpen else {
            print("Open it as \(viewer)\(viewer == Self.owner ? " (the primary owner)" : ""):")
            print("  \(Self.openCommand(path: path, as: viewer))")
            return
        }
        let store = try CofferStore(path: path, catalog: global.loadCatalog(), create: false, clock: global.clock())
        try DashboardRunner.run(store: store, viewer: Workspaces(store).actor(email: viewer, workspace: nil), mouse: true)
    }

    /// Builds the demo team's months of usage in a new file at `path`.
    private func build(at path: String) throws {
        let end = try global.clock()()
        let clock = SimulatedClock(end)
        let store = try CofferStore(path: path, catalog: global.loadCatalog(), create: true, clock: { clock.now })
        let started = Date()
        let outcome = try DemoData(store: store, clock: clock).build(months: months, records: records, end: end)
        try store.close()
        print("Demo database: \(path) (\(outcome.recorded) usage records over \(months) months, \(outcome.refused) refused, built in \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
    }

    /// The exact command that opens the demo at `path` as `email`, with this very binary (by its
    /// full path when it was run by one, so the command works from any folder).
    static func openCommand(path: String, as email: String) -> String {
        let binary = CommandLine.arguments.first.map { $0.contains("/") ? URL(fileURLWithPath: $0).standardized.path : "coffer" } ?? "coffer"
        // A PostgreSQL URL (SPEC §13) is no file's path: it is given as it is.
        let file = path.contains("://") ? path : URL(fileURLWithPath: path).standardized.path
        return [binary, "--db", file, "--as", email].map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a shell reads it back: quoted only when it must be.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "@%+=:,./-_".unicodeScalars.contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
