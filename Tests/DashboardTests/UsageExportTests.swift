@testable import Dashboard
import CofferCore
import CofferPresentation
@testable import CofferStore
import Foundation
import Testing
import TerminalUI

/// Issue #18.3 (SPEC §9): `e` on the Usage tab writes the filtered view as CSV to a file it names.
@Suite("Usage export from the dashboard (issue #18.3)")
struct UsageExportTests {
    typealias F = Fixture

    @Test("e asks for the export of the view on screen — tab, range, search, type and sort — and the answer names the file")
    func reducer() {
        var state = F.loaded(F.owner, tab: .usage)
        _ = reduce(&state, .key(.char("l"))) // MCP-HTTP Calls
        _ = reduce(&state, .key(.char("c")))
        _ = reduce(&state, .key(.ctrl("u")))
        for c in "2026-11-15 2026-11-17" { _ = reduce(&state, .key(.char(c))) }
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .key(.char("S")))
        _ = reduce(&state, .choicesLoaded(.typeFilter(.calls, values: ["backend", "ci"])))
        _ = reduce(&state, .key(.down))
        _ = reduce(&state, .key(.enter))
        _ = reduce(&state, .usageLoaded(state.usage.view, UsagePage(rows: F.rows, next: nil), nil))
        state.loading = 0
        let days = (try! UTC.parse("2026-11-15"), try! UTC.parse("2026-11-17"))
        var view = UsageView(tab: .calls, window: .days(from: days.0, to: days.1))
        (view.type, view.descending) = ("backend", false)
        #expect(reduce(&state, .key(.char("e"))) == [.exportUsage(view)] && state.loading == 1)
        #expect(reduce(&state, .exported(rows: 20_604, path: "/tmp/coffer-calls-2026-11-18.csv")).isEmpty && state.loading == 0)
        #expect(state.status == StatusLine("Exported 20,604 rows to /tmp/coffer-calls-2026-11-18.csv", level: .success))
        _ = reduce(&state, .exported(rows: 1, path: "/tmp/x.csv"))
        #expect(state.status.message == "Exported 1 row to /tmp/x.csv")

        var searching = F.loaded(F.member, tab: .usage)
        _ = reduce(&searching, .key(.char("/")))
        _ = reduce(&searching, .key(.char("q")))
        _ = reduce(&searching, .key(.enter))
        var searched = UsageView()
        searched.search = "q"
        #expect(reduce(&searching, .key(.char("e"))) == [.exportUsage(searched)], "a member exports too (R7: without the User column)")
        _ = reduce(&searching, .usageLoaded(searched, UsagePage(rows: [], next: nil), UsageSummary(count: 0, messages: .zero, credits: .zero)))
        #expect(reduce(&searching, .key(.char("e"))).isEmpty && searching.status.message == "Nothing to export: no records in this view")
    }

    @Test("e is in the Usage keymap: the footer at 120 columns and help show it")
    func keymap() {
        let state = F.loaded(F.owner, tab: .usage)
        let footer = F.render(state, width: 120, height: 40).split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("e Export"), "\(footer)")
        #expect(DashboardKeys.everything(for: F.loaded(F.owner, tab: .billing)).bindings.contains { $0.action == .export && $0.group == "Usage" })
    }

    @Test("The engine writes a new file named for the tab and day, never over one that exists; its bytes are the shared CSV")
    func engineWritesNewFiles() throws {
        let demo = try DemoDatabase(records: 300)
        let folder = demo.folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let engine = DashboardEngine(store: demo.store, viewer: demo.owner, exportFolder: folder.path)
        let view = UsageView(tab: .conversations, window: .quick(.all))
        let base = folder.appendingPathComponent("coffer-conversations-\(UTC.dateString(demo.end))").path
        try "keep me".write(toFile: base + "-1.csv", atomically: true, encoding: .utf8)
        engine.perform([.exportUsage(view), .exportUsage(view)])
        engine.wait()
        let answers = engine.drain()
        let expected = try UsageCSV.export(.conversations, filter: UsageFilter(), sort: nil, actor: demo.owner, store: demo.store)
        #expect(expected.rows > 0)
        guard answers.count == 2, case .exported(let rows, let first) = answers[0], case .exported(_, let second) = answers[1] else {
            Issue.record("\(answers)")
            return
        }
        #expect(rows == expected.rows)
        #expect(first == base + ".csv" && second == base + "-2.csv", "\(first), \(second)")
        #expect(try String(contentsOfFile: base + "-1.csv", encoding: .utf8) == "keep me", "an existing file is never overwritten")
        for path in [first, second] { #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(expected.text.utf8)) }
    }

    @Test("An export that cannot be written says why on the status line")
    func unwritable() throws {
        let demo = try DemoDatabase(records: 0)
        let engine = DashboardEngine(store: demo.store, viewer: demo.owner, exportFolder: demo.folder.appendingPathComponent("missing").path)
        engine.perform([.exportUsage(UsageView(tab: .adjustments, window: .quick(.all)))])
        engine.wait()
        guard case .failed(let message)? = engine.drain().first else { Issue.record("no failure"); return }
        #expect(message.hasPrefix("Cannot write \(demo.folder.path)/missing/coffer-adjustments-") && message.contains("No such file or directory"), "\(message)")
    }
}
