import ArgumentParser
import CofferCore
import CofferStore
import Dashboard
import Foundation
import TerminalUI

/// `coffer bench-dashboard-probe` (hidden): the dashboard's own code, headless, in a process of
/// its own. It opens the store as the real dashboard does, presses a fixed script of keys, and
/// prints the time of every frame and the process's peak resident memory as JSON. `coffer bench`
/// spawns it on the reference database so that the memory measured is a dashboard's, not that of
/// the process that just generated a million records.
struct DashboardProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-dashboard-probe", abstract: "Time the dashboard's frames headless (used by `coffer bench`).",
        shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Down-arrow presses in the script.") var scrolls = 40
    @Option(help: "Page Down presses in the script.") var pages = 8
    @Option(help: "Frame width.") var width = 120
    @Option(help: "Frame height.") var height = 40
    @Flag(help: "Print every frame's key, view and time on stderr.") var trace = false

    func run() throws {
        let report = try DashboardProbe(open: { try global.openStore() }, actor: { try global.actor(in: $0) },
                                        size: (width, height), trace: trace).run(scrolls: scrolls, pages: pages)
        try Output.json(report)
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

/// Drives the dashboard as `DashboardRunner` does, but synchronously: each frame is the reducer
/// on one action, every effect it asks for run to completion (with the effects their answers ask
/// for), and a render into a buffer of the terminal's size.
struct DashboardProbe {
    let open: () throws -> CofferStore
    let actor: (CofferStore) throws -> Actor
    let size: (width: Int, height: Int)
    /// Whether to print every frame on stderr (for profiling a slow one).
    var trace = false
    let theme = Theme.detect(colorCount: 256, environment: ["LANG": "C.UTF-8"])

    /// One open dashboard: its state, engine and screen.
    private final class Session {
        let store: CofferStore
        var state: DashboardState
        let engine: DashboardEngine
        var buffer: Buffer
        let theme: Theme

        init(store: CofferStore, viewer: Actor, size: (width: Int, height: Int), theme: Theme) {
            self.store = store
            state = DashboardState(viewer: viewer)
            engine = DashboardEngine(store: store, viewer: viewer)
            buffer = Buffer(width: size.width, height: size.height)
            self.theme = theme
        }

        /// Reduces `actions` in order and renders the frame the key shows at once (a loading state
        /// while effects run off the loop); then runs every effect to completion and renders again.
        /// Returns the milliseconds to that first frame.
        @discardableResult
        func frame(_ actions: [DashboardAction]) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            engine.perform(actions.flatMap { reduce(&state, $0) })
            DashboardView.render(state, into: &buffer, theme: theme)
            let response = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            while true {
                engine.wait()
                let answers = engine.drain()
                if answers.isEmpty { break }
                engine.perform(answers.flatMap { reduce(&state, $0) })
            }
            DashboardView.render(state, into: &buffer, theme: theme)
            if state.status.level == .error { throw CofferError("Dashboard probe: \(state.status.message)") }
            return response
        }

        /// Prints a frame's time on stderr, with the time of its view's page and summary queries
        /// run again on their own (what a slow frame spends in SQLite).
        func trace(_ kind: String, _ key: Key, _ ms: Double) throws {
            let view = state.usage.view
            let filter = view.filter(now: store.now)
            let queries = UsageQueries(store), viewer = state.viewer
            let page = try Bench.median(runs: 3) { _ = try queries.page(view.tab, filter: filter, sort: view.sort, limit: 200, actor: viewer) }
            let small = try Bench.median(runs: 3) { _ = try queries.page(view.tab, filter: filter, sort: view.sort, limit: 50, actor: viewer) }
            let summary = try Bench.median(runs: 3) { _ = try queries.summary(view.tab, filter: filter, actor: viewer) }
            let line = "\(kind) \(key.name()) · \(view.tab.title), \(view.window.title(now: store.now)), \(view.sort.field) \(view.descending ? "desc" : "asc")"
                + String(format: ": frame %.2f ms; again: page of 200 %.2f ms (of 50: %.2f ms), summary %.2f ms\n", ms, page, small, summary)
            FileHandle.standardError.write(Data(line.utf8))
        }

        /// The milliseconds `frame(actions)` took to its data, and to the frame drawn at once.
        func timed(_ actions: [DashboardAction]) throws -> (data: Double, response: Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let response = try frame(actions)
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, response)
        }
    }

    /// Opens the store and shows the first frame as `DashboardRunner` does (a tick, whose poll
    /// asks for the start tab's data); returns the session and the milliseconds from the start of
    /// the open to the rendered frame.
    private func start() throws -> (Session, Double) {
        let begin = DispatchTime.now().uptimeNanoseconds
        let store = try open()
        let session = Session(store: store, viewer: try actor(store), size: size, theme: theme)
        try session.frame([.tick(store.now), .changed])
        return (session, Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
    }

    /// The script: open on Billing; open again and press "3" for Usage at once; scroll, page, sort, step the date
    /// range, search, switch records tabs, and idle ticks (the live poll).
    func run(scrolls: Int, pages: Int) throws -> DashboardProbeReport {
        let (billing, first) = try start()
        guard billing.state.billing != nil else { throw CofferError("Dashboard probe: the Billing tab shows no figures") }
        try billing.store.close()
        let (usage, opened) = try start()
        let firstUsage = try opened + usage.timed([.key(.char("3"))]).data
        let rows = usage.state.usage.rows?.count ?? 0
        guard rows > 0, usage.state.usage.summary != nil else { throw CofferError("Dashboard probe: the Usage tab shows no records") }
        var frames: [String: [Double]] = [:], responses: [Double] = []
        func press(_ kind: String, _ keys: [Key]) throws {
            for key in keys {
                let (ms, response) = try usage.timed([.key(key)])
                frames[kind, default: []].append(ms)
                responses.append(response)
                if trace { try usage.trace(kind, key, ms) }
            }
        }
        try press("scroll", Array(repeating: .down, count: scrolls))
        try press("page", Array(repeating: .pageDown, count: pages))
        try press("sort", Array(repeating: .char("s"), count: UsageTab.conversations.sortFields.count))
        // Step a period back twice and forward twice, then pick Last 3 months and Last 7 days from the list.
        try press("range", [.char("["), .char("["), .char("]"), .char("]"), .char("d"), .down, .enter, .char("d"), .up, .up, .enter])
        try press("type", [.char("/")] + "Roadmap".map { .char($0) })
        try press("search", [.enter, .escape]) // runs the search, then clears it
        for _ in UsageTab.allCases {
            try press("tab", [.right])
            try press("sort", Array(repeating: .char("s"), count: usage.state.usage.view.tab.sortFields.count))
            try press("scroll", Array(repeating: .down, count: 3))
        }
        for _ in 0..<5 { frames["tick", default: []].append(try usage.timed([.tick(usage.store.now)]).data) }
        try usage.store.close()
        let memory = ProcessMemory.status(of: getpid())
        return DashboardProbeReport(firstFrame: first, firstUsageFrame: firstUsage, frames: frames, responses: responses, usageRows: rows,
                                    peakResidentKiB: memory?.peakKiB ?? 0, residentKiB: memory?.residentKiB ?? 0)
    }
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
