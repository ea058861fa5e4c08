import ArgumentParser
import CofferCore
import CofferStore
import CSQLiteConfig
import Foundation

/// `coffer-bench`: the performance harness of SPEC §11, a program of its own beside the `coffer`
/// it measures (the product does not link it). `coffer bench` runs it.
///
/// Errors go to stderr as one line with exit status 1; usage errors exit 64.
@main
struct CofferBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coffer-bench",
        abstract: "Measure Coffer against raw SQLite (and, with --postgres, raw PostgreSQL) on this machine (SPEC §11).",
        discussion: """
            Measures the `coffer` executable beside this one and the code it is built from. Build with \
            `scripts/swift-build -c release` first; a debug build measures the debugger's speed, not Coffer's.
            """,
        subcommands: [RunBench.self, DashboardProbeCommand.self, LoadCommand.self],
        defaultSubcommand: RunBench.self
    )

    /// Runs the command line, mapping domain errors to one stderr line and exit 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CofferError {
            FileHandle.standardError.write(Data("coffer-bench: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// `coffer-bench [run]`: every figure, each beside a baseline measured in the same run.
struct RunBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Build the reference database and measure (the default).")
    @Flag(help: "A small reference database and few runs: a smoke test, not a measurement.") var quick = false
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Usage records in the reference database (default 1,000,000; 20,000 with --quick).") var records: Int?
    @Option(help: "Where to build the databases (default: a temporary folder, removed afterwards).") var folder: String?
    @Option(help: ArgumentHelp("A reference database an earlier run kept (--folder): measured again instead of generating one.",
                               discussion: "Its records and end time are its own (--records is ignored); the debits scenario writes to it."))
    var reference: String?
    @Option(help: "A plan catalog to use instead of the one shipped beside coffer (else $COFFER_CATALOG).") var catalog: String?
    @Option(help: ArgumentHelp(
        "Measure only these scenarios, comma-separated: \(Bench.Scenario.allCases.map(\.rawValue).joined(separator: ", ")) (default: all but postgres).",
        discussion: "postgres (SPEC §13) starts a throwaway PostgreSQL cluster of its own (scripts/pg-cluster) and runs for minutes; it runs only when named here or with --postgres, and is skipped with a note when no PostgreSQL server is installed."))
    var only: String?
    @Flag(help: "Also measure PostgreSQL (SPEC §13): coffer serve, raw libpq, queries at --records and pgbench on a throwaway cluster (not in the default set).")
    var postgres = false

    func run() throws {
        // The raw SQLite baselines in this process get the settings Coffer's store makes (before
        // any connection opens): no memory statistics.
        _ = coffer_sqlite_disable_memory_statistics()
        let count = records ?? (quick ? 20_000 : 1_000_000)
        let catalog = try Measured.catalog(catalog)
        try Measured.requireCoffer()
        let work = URL(fileURLWithPath: folder ?? NSTemporaryDirectory()).appendingPathComponent("coffer-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: work) } }
        var scenarios = Bench.Scenario.defaults
        if let only {
            scenarios = try Set(only.split(separator: ",").map { name in
                guard let scenario = Bench.Scenario(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("No scenario named \(name) (\(Bench.Scenario.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return scenario
            })
        }
        if postgres { scenarios.insert(.postgres) }
        var bench = Bench(work: work, catalog: catalog, quick: quick, scenarios: scenarios, reference: reference,
                          log: json ? { _ in } : { print($0) })
        let report = try bench.run(records: count)
        if json { return try printJSON(report) }
        report.printTable()
    }
}

/// What the bench measures: the `coffer` executable beside it, and the plan catalog shipped with it.
enum Measured {
    /// The folder of this executable (and of the `coffer` it measures).
    static var folder: URL {
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
    }

    /// This executable (the dashboard probe runs in a process of its own).
    static var bench: String { Bundle.main.executablePath ?? CommandLine.arguments[0] }

    /// The `coffer` executable beside this one (the CLI and the real dashboard are measured through it).
    static var coffer: String { folder.appendingPathComponent("coffer").path }

    /// Refuses to start when there is no `coffer` to measure.
    static func requireCoffer() throws {
        guard FileManager.default.isExecutableFile(atPath: coffer) else {
            throw CofferError("no coffer executable beside coffer-bench (\(coffer)): build both with `scripts/swift-build -c release`")
        }
    }

    /// `path`, else `$COFFER_CATALOG`, else the `plans.json` shipped beside `coffer` (its resource
    /// bundle in a build folder, or `../share/coffer` when installed).
    static func catalog(_ path: String?) throws -> Catalog {
        let environment = ProcessInfo.processInfo.environment["COFFER_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
        let shipped = ["Coffer_coffer.resources/plans.json", "../share/coffer/plans.json"]
            .map { folder.appendingPathComponent($0).standardized.path }.first { FileManager.default.fileExists(atPath: $0) }
        guard let file = path ?? environment ?? shipped else {
            throw CofferError("no plan catalog beside coffer: pass --catalog PATH or set COFFER_CATALOG")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw CofferError("Cannot read the catalog \(file)") }
        return try Catalog.load(json: data, source: file)
    }
}

/// Prints a value as JSON (sorted keys).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
