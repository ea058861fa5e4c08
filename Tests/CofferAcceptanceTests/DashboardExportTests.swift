import CofferCore
import CofferStore
import Dashboard
import Foundation
import Testing

/// Issue #18.3: the dashboard's `e` writes exactly the bytes of `coffer usage export --format csv`
/// with the same filters, on the demo's SQLite file, for owner and member (R7: the User column).
@Suite("Dashboard export = coffer usage export (issue #18.3)")
struct DashboardExportTests {
    /// A view of the Usage tab and the same filters as `coffer usage export` options.
    struct Case: CustomStringConvertible {
        let view: UsageView
        let options: [String]
        var description: String { options.joined(separator: " ") }
    }

    static func view(_ tab: UsageTab, _ window: DateWindow, search: String = "", type: String? = nil,
                     sort: SortField? = nil, descending: Bool = true) -> UsageView {
        var view = UsageView(tab: tab, window: window)
        (view.search, view.type, view.descending) = (search, type, descending)
        if let sort { view.sortField = sort }
        return view
    }

    static let cases: [Case] = {
        let (from, to) = (try! UTC.parse("2026-10-01"), try! UTC.parse("2026-11-15"))
        return [
            Case(view: view(.conversations, .quick(.all)), options: ["--tab", "conversations"]),
            Case(view: view(.conversations, .quick(.last30), search: "plan"), options: ["--last", "30d", "--search", "plan"]),
            Case(view: view(.conversations, .days(from: from, to: to), type: "video", sort: .credits, descending: false),
                 options: ["--from", "2026-10-01", "--to", "2026-11-15", "--type", "video", "--sort", "credits:asc"]),
            Case(view: view(.conversations, .quick(.last7), sort: .messages), options: ["--last", "7d", "--sort", "messages"]),
            Case(view: view(.calls, .quick(.last3m), type: "ci"), options: ["--tab", "calls", "--last", "3m", "--api-key", "ci"]),
            Case(view: view(.calls, .quick(.all), sort: .credits), options: ["--tab", "calls", "--sort", "credits:desc"]),
            Case(view: view(.imports, .days(from: from, to: to), type: "brand"),
                 options: ["--tab", "imports", "--from", "2026-10-01", "--to", "2026-11-15", "--type", "brand"]),
            Case(view: view(.adjustments, .quick(.all), descending: false), options: ["--tab", "adjustments", "--sort", "created:asc"]),
            Case(view: view(.adjustments, .quick(.last3m), type: AdjustmentType.subscriptionRenewal.rawValue),
                 options: ["--tab", "adjustments", "--last", "3m", "--type", "Subscription renewal"]),
        ]
    }()

    @Test("Each tab, a date range, a quick pick, a search, a type, an API key and a sort: the same bytes, for owner and member")
    func sameBytesAsTheCommandLine() throws {
        let cli = try DashboardTmuxTests.demo()
        let now = try UTC.parse(DashboardTmuxTests.now)
        let catalog = try Catalog.load(json: Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/coffer/Resources/plans.json")), source: "plans.json")
        let store = try CofferStore(path: cli.environment["COFFER_DB"]!, catalog: catalog, create: false, clock: { now })
        defer { try? store.close() }
        var nonEmpty = 0
        for email in ["ada@acme.test", "chen@acme.test"] {
            let folder = cli.folder.appendingPathComponent("exports-\(email)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let engine = DashboardEngine(store: store, viewer: try Workspaces(store).actor(email: email, workspace: nil), exportFolder: folder.path)
            for item in Self.cases {
                engine.perform([.exportUsage(item.view)])
                engine.wait()
                guard case .exported(let rows, let path)? = engine.drain().first else { Issue.record("no export: \(item)"); continue }
                let command = try cli.run(arguments: ["usage", "export"] + item.options + ["--format", "csv", "--as", email])
                #expect(command.status == 0, "\(item): \(command.stderr)")
                let written = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(written == Data(command.stdout.utf8), "\(email) \(item)")
                #expect(command.stdout.components(separatedBy: "\r\n").count - 2 == rows, "\(item): the rows named on screen")
                let header = command.stdout.components(separatedBy: "\r\n").first ?? ""
                #expect(header.contains(",User,") == (email == "ada@acme.test" && item.view.tab != .adjustments), "R7: \(header)")
                if rows > 0 { nonEmpty += 1 }
            }
        }
        #expect(nonEmpty >= 14, "most views have rows, so equal bytes say something: \(nonEmpty) of \(2 * Self.cases.count)")
    }
}
