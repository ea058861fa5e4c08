import Foundation
import StoreUnderTest

/// Runs the real, built `coffer` binary against a database in a temporary folder (or a fresh
/// PostgreSQL database when the suites run on PostgreSQL: `StoreUnderTest`).
final class CofferCLI: @unchecked Sendable {
    /// What one run printed and how it exited.
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// The signal that ended the process (SIGKILL, or a trap's SIGILL/SIGTRAP), if one did.
        var signal: Int32? = nil
    }

    let folder: URL
    let database: String
    var environment: [String: String]
    /// Whether this CLI made the folder (and removes it when done).
    private let ownsFolder: Bool

    /// The built binary: beside the test bundle, or in the package's `.build/debug`.
    static let binary: String = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("coffer").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/coffer").standardized.path
    }()

    init(now: String? = "2026-01-15T12:00:00Z") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try StoreUnderTest.freshLocation(sqlitePath: folder.appendingPathComponent("coffer.sqlite").path)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("COFFER_") }
        environment["COFFER_DB"] = database
        environment["XDG_DATA_HOME"] = folder.path
        if let now { environment["COFFER_NOW"] = now }
        self.environment = environment
        ownsFolder = true
    }

    /// Another CLI on the same folder and database (its environment can differ).
    init(sharing other: CofferCLI) {
        folder = other.folder
        database = other.database
        environment = other.environment
        ownsFolder = false
    }

    deinit { if ownsFolder { try? FileManager.default.removeItem(at: folder) } }

    /// Runs `coffer ARGS…` and waits for it.
    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil) throws -> Result {
        try run(arguments: arguments, stdin: stdin)
    }

    /// Runs `coffer` with an argument array and waits for it.
    func run(arguments: [String], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }

    /// Builds a demo team (`coffer demo --no-open`, of `records` usage records or the default
    /// size) and points `COFFER_DB` at it: the demo's own SQLite file; on PostgreSQL, this CLI's
    /// fresh database (`--db`), so the tests that read the demo read it through PostgreSQL.
    @discardableResult
    func buildDemo(records: Int? = nil) throws -> Result {
        let size = records.map { ["--records", "\($0)"] } ?? []
        guard StoreUnderTest.isSQLite else { return try run(arguments: ["demo", "--no-open", "--db", database] + size) }
        let built = try run(arguments: ["demo", "--no-open"] + size)
        environment["COFFER_DB"] = folder.appendingPathComponent("coffer/demo.sqlite").path
        return built
    }

    /// The team pool's credit balance as `coffer balance --json` reports it.
    func poolBalance(as user: String) throws -> String? {
        let result = try run("balance", "--as", user, "--json")
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let wallets = object["wallets"] as? [[String: Any]] else { return nil }
        return wallets.first { $0["kind"] as? String == "team_pool" && $0["asset"] as? String == "credits" }?["balance"] as? String
    }
}
