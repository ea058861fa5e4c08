import ArgumentParser
import CofferCore
import Foundation

/// `coffer bench` (SPEC §8): runs the performance harness, `coffer-bench`, a program of its own
/// built beside `coffer` — the product does not link the bench. The arguments go to it unchanged.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Coffer against raw SQLite on this machine (SPEC §11; runs coffer-bench).",
        discussion: "See `coffer-bench --help` for its options (--quick, --json, --records N, --folder PATH).")
    @Argument(parsing: .captureForPassthrough, help: "Passed to coffer-bench.") var arguments: [String] = []

    func run() throws {
        let folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        let bench = folder.appendingPathComponent("coffer-bench").path
        guard FileManager.default.isExecutableFile(atPath: bench) else {
            throw CofferError("The benchmark harness is a program of its own, coffer-bench, and there is none beside coffer (\(bench)): build it with `swift build` (`-c release` to measure)")
        }
        let argv = (["coffer-bench"] + arguments).map { strdup($0) } + [nil]
        execv(bench, argv)
        throw CofferError("Cannot run \(bench): \(String(cString: strerror(errno)))")
    }
}
