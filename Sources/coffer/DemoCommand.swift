import ArgumentParser
import CofferCore
import CofferStore
import Foundation

/// `coffer demo`: builds a demo workspace in its own database and shows it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a demo workspace in a fresh database and show it.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only build the demo database.") var noOpen = false

    /// The demo's own file, so a demo never touches a real database.
    private var demoPath: String { global.db ?? GlobalOptions.dataFolder() + "/demo.sqlite" }

    func run() throws {
        let path = demoPath
        if global.db == nil {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        } else if FileManager.default.fileExists(atPath: path) {
            throw CofferError("\(path) already exists: the demo builds a new database (choose another --db)")
        }
        let store = try CofferStore(path: path, catalog: global.loadCatalog(), create: true, clock: global.clock())
        let owner = "ada@acme.test"
        let workspace = try Workspaces(store).create(name: "Acme Robotics", owner: owner)
        let ref = workspace.ref
        try OperatorActions(store).adjust(workspace: ref, amount: .whole(250), reason: "Welcome credit from the account team")
        try OperatorActions(store).adjust(workspace: ref, amount: Credits(millicredits: 12_480), reason: "Refund for a failed import")
        print("Demo database: \(path)")
        guard !noOpen else { return }
        print("The dashboard is not built yet; here is the demo workspace's balance as \(owner):\n")
        let report = try Balances(store).report(for: Workspaces(store).actor(email: owner, workspace: nil))
        Output.table(["Wallet", "Holder", "Asset", "Balance"], report.wallets.map {
            [$0.kind.title, $0.holder, $0.asset.code, BalanceJSON.amount($0, display: true)]
        }, rightAligned: [3])
        print("\nTry: coffer --db \(path) balance --as \(owner)   (or coffer check --db \(path))")
    }
}
