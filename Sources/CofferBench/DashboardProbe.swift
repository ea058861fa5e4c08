import ArgumentParser
import CofferCore
import CofferStore
import Dashboard
import Foundation
import TerminalUI

/// `coffer-bench dashboard-probe`: the dashboard's own loop, headless, in a process of its own.
/// It opens the store as the real dashboard does, presses a fixed script of keys, and prints the
/// time of every frame and the process's peak resident memory as JSON. The bench runs it on the
/// reference database so that the memory measured is a dashboard's, not that of the process that
/// just generated a million records.
struct DashboardProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard-probe", abstract: "Time the dashboard's frames headless, in a process of its own (the bench runs it).")
    @Option(help: "The database file (else $COFFER_DB).") var db: String?
    @Option(name: .customLong("as"), help: "The acting user's email (else $COFFER_USER).") var user: String?
    @Option(help: "The workspace slug (else the acting user's first).") var workspace: String?
    @Option(help: "A plan catalog to use instead of the one shipped beside coffer (else $COFFER_CATALOG).") var catalog: String?
    @Option(help: "Down-arrow presses in the script.") var scrolls = 40
    @Option(help: "Page Down presses in the script.") var pages = 8
    @Option(help: "Frame width.") var width = 120
    @Option(help: "Frame height.") var height = 40
    @Flag(help: "Print every frame's key, view and time on stderr.") var trace = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment.filter { !$0.value.isEmpty }
        guard let path = db ?? environment["COFFER_DB"] else { throw CofferError("Say which database with --db PATH or COFFER_DB") }
        guard let email = user ?? environment["COFFER_USER"] else { throw CofferError("Say who you are with --as EMAIL or COFFER_USER") }
        let catalog = try Measured.catalog(catalog)
        var clock: @Sendable () -> Timestamp = { Int64(Date().timeIntervalSince1970) }
        if let text = environment["COFFER_NOW"] {
            let fixed = try UTC.parse(text)
            clock = { fixed }
        }
        let open = { [clock] in
            let store = try CofferStore(path: path, catalog: catalog, ledgerKey: environment["COFFER_LEDGER_KEY"], create: false, clock: clock)
            _ = try store.settle() // as the dashboard opens: whatever fell due first (R15a)
            return store
        }
        let probe = DashboardProbe(open: open, email: email, workspace: workspace, size: Size(width: width, height: height), trace: trace)
        try printJSON(try probe.run(scrolls: scrolls, pages: pages))
    }
}

/// What the probe measured: frame times by kind of keystroke, in milliseconds, and memory in KiB.
struct DashboardProbeReport: Codable {
    /// From opening the store to a rendered frame of the Billing tab with its figures (the start tab).
    var firstFrame: Double
    /// From opening the store again to a rendered Usage tab with its first page: the Billing frame,
    /// then "3" pressed at once.
    var firstUsageFrame: Double
    /// Every keystroke's time to its data on screen, by kind ("scroll", "page", "sort", …).
    var frames: [String: [Double]]
    /// Every keystroke's time to the frame drawn at once (queries run off the UI loop meanwhile).
    var responses: [Double]
    /// Rows on the Usage tab's first page (the frames showed real data).
    var usageRows: Int
    /// Peak resident memory of the process (VmHWM).
    var peakResidentKiB: Int
    /// Resident memory at the end (VmRSS).
    var residentKiB: Int
}

/// Runs ``DashboardProgram`` — the loop the real dashboard runs — on a ``HeadlessTerminal``.
/// Each event of a script is sent once the previous one's answers are all on screen; the time
/// from it to the frame it drew at once, and to the frame with its data, is taken. While effects
/// are under way the terminal waits for their answers instead of waiting out the loop's 5 ms, so
/// the times are the dashboard's work, not the loop's pace (the real dashboard under tmux has that).
struct DashboardProbe {
    let open: () throws -> CofferStore
    let email: String
    let workspace: String?
    let size: Size
    /// Whether to print every frame on stderr (for profiling a slow one).
    var trace = false

    /// The script: open on Billing; open again and press "3" for Usage at once; scroll, page, sort, step the date
    /// range, search, switch records tabs, and idle ticks (the live poll).
    func run(scrolls: Int, pages: Int) throws -> DashboardProbeReport {
        let billing = try ScriptedDashboard(self, script: [])
        try billing.run()
        guard billing.opened?.billing != nil, let first = billing.openedMs else {
            throw CofferError("Dashboard probe: the Billing tab shows no figures")
        }

        var script: [(String, Event)] = [("open", .key(.char("3")))]
        func press(_ kind: String, _ keys: [Key]) { script += keys.map { (kind, .key($0)) } }
        press("scroll", Array(repeating: .down, count: scrolls))
        press("page", Array(repeating: .pageDown, count: pages))
        press("sort", Array(repeating: .char("s"), count: UsageTab.conversations.sortFields.count))
        // Step a period back twice and forward twice, then pick Last 3 months and Last 7 days from the list.
        press("range", [.char("["), .char("["), .char("]"), .char("]"), .char("d"), .down, .enter, .char("d"), .up, .up, .enter])
        press("type", [.char("/")] + "Roadmap".map { .char($0) })
        press("search", [.enter, .escape]) // runs the search, then clears it
        for step in 1...UsageTab.allCases.count {
            press("tab", [.right])
            press("sort", Array(repeating: .char("s"), count: UsageTab.allCases[step % UsageTab.allCases.count].sortFields.count))
            press("scroll", Array(repeating: .down, count: 3))
        }
        script += Array(repeating: ("tick", .tick), count: 5)
        let usage = try ScriptedDashboard(self, script: script)
        try usage.run()
        let usageShown = usage.frames.removeValue(forKey: "open")?.first // "3" to the first page and its totals on screen
        let rows = usage.afterOpen?.usage.rows?.count ?? 0
        guard let opened = usage.openedMs, let usageShown, rows > 0, usage.afterOpen?.usage.summary != nil else {
            throw CofferError("Dashboard probe: the Usage tab shows no records")
        }
        let memory = ProcessMemory.status(of: getpid())
        return DashboardProbeReport(firstFrame: first, firstUsageFrame: opened + usageShown, frames: usage.frames, responses: usage.responses,
                                    usageRows: rows, peakResidentKiB: memory?.peakKiB ?? 0, residentKiB: memory?.residentKiB ?? 0)
    }
}

/// One dashboard, from opening the store to quitting, driven by a script of events.
private final class ScriptedDashboard {
    private let probe: DashboardProbe
    private let began = DispatchTime.now().uptimeNanoseconds
    private let store: CofferStore
    private let program: DashboardProgram
    private var script: [(kind: String, event: Event)]
    /// The event under way: its kind, when it was sent and when its first frame was presented.
    private var sent: (kind: String, event: Event, at: UInt64, shown: UInt64?)?
    /// Milliseconds from the start of the open to the first frame with every answer, and the state then.
    private(set) var openedMs: Double?
    private(set) var opened: DashboardState?
    /// The state once the script's "open" key had its data on screen.
    private(set) var afterOpen: DashboardState?
    /// Each kind of event's times to its data on screen, and every key's time to the frame it drew at once.
    var frames: [String: [Double]] = [:]
    private(set) var responses: [Double] = []
    private var failure: String?

    init(_ probe: DashboardProbe, script: [(String, Event)]) throws {
        self.probe = probe
        self.script = script.map { (kind: $0.0, event: $0.1) }
        store = try probe.open()
        program = DashboardProgram(store: store, viewer: try Workspaces(store).actor(email: probe.email, workspace: probe.workspace))
    }

    /// Runs the dashboard until the script is done (then "q"), and closes the store.
    func run() throws {
        let terminal = HeadlessTerminal(size: probe.size, script: { [unowned self] _ in next() },
                                        shown: { [unowned self] _ in if sent != nil, sent?.shown == nil { sent?.shown = Self.now() } })
        program.run(on: terminal)
        try store.close()
        if let failure { throw CofferError("Dashboard probe: \(failure)") }
    }

    /// The terminal's next event: a tick once the answers under way arrived; else, with every
    /// answer on screen, the times of the event before and the script's next event.
    private func next() -> Event? {
        if program.isBusy {
            program.waitForAnswers()
            return .tick
        }
        let now = Self.now()
        if let step = sent {
            frames[step.kind, default: []].append(Self.ms(now - step.at))
            if step.event != .tick, step.kind != "open", let shown = step.shown { responses.append(Self.ms(shown - step.at)) }
            if step.kind == "open" { afterOpen = program.state }
            if probe.trace, step.kind != "open", case .key(let key) = step.event { trace(step.kind, key, Self.ms(now - step.at)) }
            sent = nil
        } else if openedMs == nil {
            openedMs = Self.ms(now - began)
            opened = program.state
        }
        if failure == nil, program.state.status.level == .error { failure = program.state.status.message }
        guard failure == nil, !script.isEmpty else { return .key(.char("q")) }
        let step = script.removeFirst()
        if step.event == .tick { Thread.sleep(forTimeInterval: 0.25) } // idle, so that the loop polls the store for changes
        sent = (step.kind, step.event, Self.now(), nil)
        return step.event
    }

    /// Prints a frame's time on stderr, with the time of its view's page and summary queries
    /// run again on their own (what a slow frame spends in SQLite).
    private func trace(_ kind: String, _ key: Key, _ ms: Double) {
        let view = program.state.usage.view
        let filter = view.filter(now: store.now)
        let queries = UsageQueries(store), viewer = program.state.viewer
        do {
            let page = try Bench.median(runs: 3) { _ = try queries.page(view.tab, filter: filter, sort: view.sort, limit: 200, actor: viewer) }
            let small = try Bench.median(runs: 3) { _ = try queries.page(view.tab, filter: filter, sort: view.sort, limit: 50, actor: viewer) }
            let summary = try Bench.median(runs: 3) { _ = try queries.summary(view.tab, filter: filter, actor: viewer) }
            let line = "\(kind) \(key.name()) · \(view.tab.title), \(view.window.title(now: store.now)), \(view.sort.field) \(view.descending ? "desc" : "asc")"
                + String(format: ": frame %.2f ms; again: page of 200 %.2f ms (of 50: %.2f ms), summary %.2f ms\n", ms, page, small, summary)
            FileHandle.standardError.write(Data(line.utf8))
        } catch {
            failure = "trace: \(error)"
        }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    private static func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
}

/// Resident memory of a process, from `/proc/PID/status` (Linux).
enum ProcessMemory {
    /// `VmHWM` (peak resident) and `VmRSS` (resident now) in KiB; nil when unreadable.
    static func status(of pid: Int32) -> (peakKiB: Int, residentKiB: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        guard let peak = field("VmHWM"), let resident = field("VmRSS") else { return nil }
        return (peak, resident)
    }
}
