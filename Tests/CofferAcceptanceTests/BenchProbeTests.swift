import Foundation
import Testing

/// The dashboard probe behind `coffer bench`'s dashboard figures (SPEC §11): it must really open
/// the dashboard, show data, press every kind of key and read its own memory. No timing is asserted.
@Suite("coffer bench-dashboard-probe (SPEC §11)")
struct BenchProbeTests {
    @Test("The probe reports a first frame, every kind of keystroke's frames, the rows it showed and its peak RSS")
    func probeReports() throws {
        let cli = try DashboardTmuxTests.demo()
        let result = try cli.run("bench-dashboard-probe", "--as", "ada@acme.test", "--scrolls", "3", "--pages", "2")
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

    @Test("The probe is hidden from help and fails like any command for an unknown user")
    func hiddenAndFailing() throws {
        let cli = try DashboardTmuxTests.demo()
        #expect(!(try cli.run("--help").stdout.contains("bench-dashboard-probe")))
        let result = try cli.run("bench-dashboard-probe", "--as", "nobody@acme.test")
        #expect(result.status == 1 && result.stderr.hasPrefix("coffer: "), "\(result.stderr)")
    }
}
