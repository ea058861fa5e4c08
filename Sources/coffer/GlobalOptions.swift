import ArgumentParser
import CofferCore
import CofferStore
import Foundation

/// The options every command takes (SPEC §8), and the environment variables behind them.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The database: a file, or postgres://USER@HOST/DB (else $COFFER_DB, else $XDG_DATA_HOME/coffer/coffer.sqlite).")
    var db: String?

    @Option(name: .customLong("as"), help: "The acting user's email (else $COFFER_USER).")
    var actingUser: String?

    @Option(name: .long, help: "The workspace slug (else the acting user's only workspace).")
    var workspace: String?

    @Option(name: .long, help: "A plan catalog to use instead of the shipped one (else $COFFER_CATALOG).")
    var catalog: String?

    /// The global options' flags, each followed by a value.
    static let names: Set<String> = ["--db", "--as", "--workspace", "--catalog"]

    /// Moves global options written before the subcommand (`coffer --db X balance`) to after it,
    /// where every subcommand parses them (before any `--`).
    static func hoisted(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard names.contains(name) else { break }
            leading.append(first)
            rest = rest.dropFirst()
            if !first.contains("="), let value = rest.first {
                leading.append(value)
                rest = rest.dropFirst()
            }
        }
        var result = Array(rest)
        result.insert(contentsOf: leading, at: result.firstIndex(of: "--") ?? result.endIndex)
        return result
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The database path in force.
    var databasePath: String {
        if let db { return db }
        if let path = environment["COFFER_DB"], !path.isEmpty { return path }
        return Self.dataFolder() + "/coffer.sqlite"
    }

    /// `$XDG_DATA_HOME/coffer` (else `~/.local/share/coffer`), created when missing.
    static func dataFolder() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        let folder = base + "/coffer"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The clock: `COFFER_NOW` when set (ISO-8601), else the system clock.
    func clock() throws -> @Sendable () -> Timestamp {
        if let text = environment["COFFER_NOW"], !text.isEmpty {
            do {
                let fixed = try UTC.parse(text)
                return { fixed }
            } catch let error as CofferError {
                throw CofferError("COFFER_NOW: \(error.message)")
            }
        }
        return { Int64(Date().timeIntervalSince1970) }
    }

    /// The catalog in force: `--catalog`, `$COFFER_CATALOG`, or the shipped `plans.json`.
    func loadCatalog() throws -> Catalog {
        let path = catalog ?? environment["COFFER_CATALOG"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.shippedCatalogPath()
        guard let path else {
            throw CofferError("The shipped plan catalog is missing: pass --catalog PATH or set COFFER_CATALOG")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CofferError("Cannot read the catalog \(path)")
        }
        return try Catalog.load(json: data, source: path)
    }

    /// The `plans.json` that ships beside the executable.
    private static func shippedCatalogPath() -> String? {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent()
        let candidates = [
            folder?.appendingPathComponent("Coffer_coffer.resources/plans.json").path,
            folder?.appendingPathComponent("../share/coffer/plans.json").path,
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Opens the database for a command that writes; `create` lets a missing file be created.
    /// Whatever time has made due is settled first (R15a), so every command acts on the present,
    /// unless `readOnly`: then the file is opened without writing anything to it (`coffer check`, SPEC §10).
    func openStore(create: Bool = false, readOnly: Bool = false) throws -> CofferStore {
        try openStore(create: create, readOnly: readOnly, whatIf: false)
    }

    /// Opens the database for a command that only reads (R15a): it never writes. With the clock
    /// past something due (`COFFER_NOW` in the future, a what-if), each read settles inside a
    /// transaction that is rolled back, so the command shows that moment and the file is unchanged.
    func openStoreForReading() throws -> CofferStore {
        try openStore(create: false, readOnly: false, whatIf: true)
    }

    private func openStore(create: Bool, readOnly: Bool, whatIf: Bool) throws -> CofferStore {
        try pointToTheDemo(create: create)
        let store = try CofferStore(path: databasePath, catalog: loadCatalog(), ledgerKey: environment["COFFER_LEDGER_KEY"],
                                    create: create, readOnly: readOnly, whatIf: whatIf, maxPages: maxPages(), gateway: sandbox(),
                                    warn: { Output.warn($0) }, clock: clock())
        try store.settle()
        return store
    }

    /// With no database of one's own yet (no `--db`, no `$COFFER_DB`, no default file) but a demo
    /// built, says how to open the demo rather than only that nothing is there (issue #19.15).
    private func pointToTheDemo(create: Bool) throws {
        let files = FileManager.default
        guard !create, db == nil, (environment["COFFER_DB"] ?? "").isEmpty, !files.fileExists(atPath: databasePath),
              files.fileExists(atPath: DemoCommand.defaultPath) else { return }
        throw CofferError("""
            No database at \(databasePath) yet (coffer workspace create NAME --owner EMAIL makes one). \
            The demo is in another file: \(DemoCommand.openCommand(path: DemoCommand.defaultPath, as: DemoCommand.owner))
            """)
    }

    /// `COFFER_MAX_PAGES`: a cap on the database's size in pages (a quota; past it, writes are
    /// refused as on a full disk).
    func maxPages() throws -> Int? {
        guard let text = environment["COFFER_MAX_PAGES"], !text.isEmpty else { return nil }
        guard let pages = Int(text), pages > 0 else {
            throw CofferError("COFFER_MAX_PAGES: not a number of pages: \(CofferError.quote(text))")
        }
        return pages
    }

    /// The sandbox gateway (R10): `COFFER_SANDBOX_JOURNAL` gives it a memory of charges across
    /// processes; `COFFER_SANDBOX_FAULT=die-after-charge` kills the process between a charge and
    /// its commit (fault injection for the reliability tests, RELIABILITY.md).
    func sandbox() throws -> SandboxGateway {
        let fault = environment["COFFER_SANDBOX_FAULT"].flatMap { $0.isEmpty ? nil : $0 }
        guard fault == nil || fault == "die-after-charge" else {
            throw CofferError("COFFER_SANDBOX_FAULT: no fault named \(CofferError.quote(fault ?? "")) (die-after-charge)")
        }
        return SandboxGateway(journal: environment["COFFER_SANDBOX_JOURNAL"].flatMap { $0.isEmpty ? nil : $0 },
                              dieAfterCharge: fault != nil)
    }

    /// The acting user's email: `--as`, else `$COFFER_USER`.
    func actingEmail() throws -> String {
        if let actingUser { return actingUser }
        if let user = environment["COFFER_USER"], !user.isEmpty { return user }
        throw CofferError("Say who you are with --as EMAIL or COFFER_USER")
    }

    /// The acting user in the chosen workspace. A pending invitation is accepted by the user's
    /// first act in the workspace (R26), unless `acceptInvitation` is false or the command only
    /// reads (a read is not an act, and never writes).
    func actor(in store: CofferStore, acceptInvitation: Bool = true) throws -> Actor {
        let actor = try Workspaces(store).actor(email: actingEmail(), workspace: workspace)
        guard actor.pending, acceptInvitation, !store.isReadOnly, !store.isWhatIf else { return actor }
        try Members(store).acceptInvite(actor: actor)
        return try Workspaces(store).actor(email: actor.email, workspace: actor.workspaceSlug)
    }
}
