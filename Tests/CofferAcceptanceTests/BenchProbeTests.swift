import Foundation
import Testing

/// The benchmark harness is `coffer-bench`, a program of its own beside `coffer`. Its dashboard
/// probe, behind the dashboard figures (SPEC §11), must really open the dashboard, show data,
/// press every kind of key and read its own memory. No timing is asserted.
@Suite("coffer-bench dashboard-probe and coffer bench (SPEC §11)")
struct BenchProbeTests {
    /// The built `coffer-bench`, beside the `coffer` the other tests run.
    static let bench = URL(fileURLWithPath: CofferCLI.binary).deletingLastPathComponent().appendingPathComponent("coffer-bench").path

    /// Runs the built `coffer-bench` with `cli`'s environment.
    static func run(_ cli: CofferCLI, _ arguments: String...) throws -> CofferCLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = arguments
        process.environment = cli.environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CofferCLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test("The probe reports a first frame, every kind of keystroke's frames, the rows it showed and its peak RSS")
    func probeReports() throws {
        let cli = try DashboardTmuxTests.demo()
        let result = try Self.run(cli, "dashboard-probe", "--as", "ada@acme.test", "--scrolls", "3", "--pages", "2")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((report["firstFrame"] as? Double ?? 0) > 0)
        #expect((report["firstUsageFrame"] as? Double ?? 0) > 0)
        #expect((report["usageRows"] as? Int ?? 0) > 0, "the Usage tab showed records")
        let frames = try #require(report["frames"] as? [String: [Double]])
        #expect(frames["scroll"]?.count == 3 + 3 * 4, "3 on Conversations, then 3 on each records tab")
        #expect(frames["page"]?.count == 2)
        for kind in ["sort", "range", "tab", "type", "search", "tick"] {
            #expect(!(frames[kind] ?? []).isEmpty, "\(kind) frames")
        }
        let peak = report["peakResidentKiB"] as? Int ?? 0, resident = report["residentKiB"] as? Int ?? 0
        #expect(resident > 1_000 && peak >= resident, "VmHWM and VmRSS read from /proc/self/status")
    }

    @Test("The probe fails like any command for an unknown user")
    func failing() throws {
        let cli = try DashboardTmuxTests.demo()
        let result = try Self.run(cli, "dashboard-probe", "--as", "nobody@acme.test")
        #expect(result.status == 1 && result.stderr.hasPrefix("coffer-bench: "), "\(result.stderr)")
    }

    @Test("The product leaves the bench out: coffer's help has no probe, and `coffer bench` runs coffer-bench with its arguments")
    func outOfTheProduct() throws {
        let cli = try CofferCLI()
        let help = try cli.run("--help").stdout
        #expect(help.contains("bench") && !help.contains("probe"), "\(help)")
        let pointed = try cli.run("bench", "--help")
        #expect(pointed.status == 0 && pointed.stdout.contains("coffer-bench"), "\(pointed.stderr)")
        let passed = try cli.run("bench", "dashboard-probe", "--as", "nobody@acme.test")
        #expect(passed.status == 1 && passed.stderr.hasPrefix("coffer-bench: "), "the arguments reached coffer-bench: \(passed.stderr)")
    }
}
