import Foundation
import StoreUnderTest
import Testing

/// Crash trials (SPEC §10, issue #10): `scripts/crash-trials` runs processes that consume,
/// import, buy packs and settle renewals against one database, SIGKILLs one or all of them at
/// random moments, and verifies that everything reported done is in the ledger exactly once and
/// nothing is half-written. CI runs 25 trials with a fresh seed each time (the seed of a
/// failing trial is printed, to replay it); RELIABILITY.md has the large runs.
@Suite("Crash trials (SPEC §10)",
       .enabled(if: StoreUnderTest.isSQLite, "scripts/crash-trials builds and checks SQLite files of its own (python's sqlite3), whatever store the suite runs on"))
struct CrashTrialsTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/crash-trials").standardized.path

    /// Runs a trials script with `count` trials on the built binary; its exit status and output.
    static func run(script: String, count: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, count, "--coffer", CofferCLI.binary]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("25 trials: SIGKILL at random moments loses nothing a process reported done, doubles nothing, half-writes nothing")
    func trials() throws {
        let (status, output) = try Self.run(script: Self.script, count: ProcessInfo.processInfo.environment["COFFER_CRASH_TRIALS"] ?? "25")
        #expect(status == 0, "\(output)")
        #expect(output.contains("every trial held"), "\(output)")
        // The trials must have killed something mid-way, or they proved nothing.
        let killed = output.firstMatch(of: /(\d+) killed mid-way/).flatMap { Int($0.1) } ?? 0
        #expect(killed > 0, "\(output)")
        print(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Crash trials through `coffer serve` (SPEC §12, R40–R41, issue #16): clients post events and
/// batches over HTTP while the server is SIGKILLed; every acknowledged event must be in the
/// ledger once, `check` must pass and a replay must charge nothing. `scripts/serve-crash-trials`
/// runs 200 (BENCHMARKS.md and RELIABILITY.md have the large runs); CI runs a short set.
@Suite("Crash trials through coffer serve (SPEC §12)",
       .enabled(if: StoreUnderTest.isSQLite, "scripts/serve-crash-trials builds and checks SQLite files of its own, whatever store the suite runs on"))
struct ServeCrashTrialsTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/serve-crash-trials").standardized.path

    @Test("10 trials: a SIGKILLed server loses no acknowledged event and charges none twice")
    func trials() throws {
        let (status, output) = try CrashTrialsTests.run(script: Self.script,
                                                        count: ProcessInfo.processInfo.environment["COFFER_SERVE_CRASH_TRIALS"] ?? "10")
        #expect(status == 0 && output.contains("all held"), "\(output)")
        // The clients must have had events acknowledged, or the trials proved nothing.
        let acknowledged = output.firstMatch(of: /(\d+) events acknowledged/).flatMap { Int($0.1) } ?? 0
        #expect(acknowledged > 0, "\(output)")
        print(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
