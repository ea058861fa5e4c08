import CofferCore
import Foundation
import TmuxHarness

extension Bench {
    /// SPEC §11's dashboard figures on the reference database: the first frame, each kind of
    /// keystroke's frame, and resident memory — measured in processes of their own (the headless
    /// probe, `coffer-bench dashboard-probe`, and the real ncurses dashboard under tmux), never in
    /// this process, which has just generated the records.
    mutating func measureDashboard(reference: String, owner: String, end: Timestamp) throws {
        let runs = quick ? 1 : 3
        log("Dashboard: \(runs) headless probe process\(runs == 1 ? "" : "es") at 120×40…")
        let reports = try (0..<runs).map { _ in try probe(reference: reference, owner: owner, end: end) }
        addFrames("dashboard first frame: Billing (open → figures)", reports.map(\.firstFrame), limit: 150)
        addFrames("dashboard first frame: Usage with data (open, 3)", reports.map(\.firstUsageFrame), limit: 150)
        addFrames("dashboard keystroke → its frame (any key; data loads off the UI loop)", reports.flatMap(\.responses), limit: 16)
        for (kind, label, limit) in Self.frameKinds {
            addFrames("dashboard keystroke → data on screen: \(label)", reports.flatMap { $0.frames[kind] ?? [] }, limit: limit)
        }
        let peak = Double(reports.map(\.peakResidentKiB).max() ?? 0) / 1_024
        add("dashboard memory: headless probe (peak RSS)", unit: "MB", coffer: peak, baseline: 50, against: "target",
            higherIsBetter: false, target: "≤ 50 MB", meets: peak <= 50)
        if let real = measureRealDashboard(reference: reference, owner: owner, end: end) {
            let megabytes = Double(real.peakKiB) / 1_024
            addFrames("real dashboard (tmux): launch → Billing figures on screen", [real.shownMs], limit: 150)
            addFrames("real dashboard (tmux): key → its data on screen", real.keyMs, limit: 16)
            addFrames("real dashboard (tmux): key with no query (?) → on screen", real.bareMs, limit: 16)
            add("dashboard memory: real ncurses under tmux (peak RSS)", unit: "MB", coffer: megabytes, baseline: 50, against: "target",
                higherIsBetter: false, target: "≤ 50 MB", meets: megabytes <= 50)
        }
    }

    /// The probe's kinds of keystroke, with the label each has in the table and its target in ms
    /// (SPEC §11: 16, a search 50 — typing one searches as it goes).
    static let frameKinds: [(String, String, Double)] = [
        ("scroll", "scroll (↓)", 16), ("page", "page (PgDn)", 16), ("sort", "sort (s)", 16), ("range", "date range ([ ])", 16),
        ("tab", "records tab (→)", 16), ("type", "typing a search", 50), ("search", "search (Enter, Esc)", 50), ("tick", "live poll (tick)", 16),
    ]

    /// Adds a figure judged on its worst sample, with the median beside it.
    private mutating func addFrames(_ name: String, _ samples: [Double], limit: Double) {
        guard !samples.isEmpty else { return log("  \(name): no samples") }
        let sorted = samples.sorted()
        add(name, unit: "ms", coffer: sorted[sorted.count - 1], median: sorted[sorted.count / 2], samples: sorted.count,
            baseline: limit, against: "target", higherIsBetter: false, target: "≤ \(Int(limit)) ms", meets: sorted[sorted.count - 1] <= limit)
    }

    /// Runs `coffer-bench dashboard-probe` on `reference` as `owner` and decodes its report.
    private func probe(reference: String, owner: String, end: Timestamp) throws -> DashboardProbeReport {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Measured.bench)
        process.arguments = ["dashboard-probe", "--db", reference, "--as", owner] + (quick ? ["--scrolls", "10", "--pages", "3"] : [])
        process.environment = ProcessInfo.processInfo.environment.merging(["COFFER_NOW": UTC.iso(end)]) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CofferError("The dashboard probe failed (exit \(process.terminationStatus))") }
        return try JSONDecoder().decode(DashboardProbeReport.self, from: data)
    }

    /// The real dashboard, `coffer --db REFERENCE --as OWNER`, in a tmux pane of 120×40: waits for
    /// the Billing figures, presses the same kinds of keys as the probe, and reads the process's
    /// peak resident memory from /proc. Nil (with a line in the log) when tmux is missing or fails.
    private func measureRealDashboard(reference: String, owner: String, end: Timestamp) -> (peakKiB: Int, shownMs: Double, keyMs: [Double], bareMs: [Double])? {
        guard Self.which("tmux") != nil else {
            log("tmux is not installed: skipping the real dashboard's memory")
            return nil
        }
        log("Dashboard: the real one (ncurses) under tmux at 120×40…")
        do {
            let begin = DispatchTime.now().uptimeNanoseconds
            let session = try TmuxSession(command: [Measured.coffer, "--db", reference, "--as", owner], width: 120, height: 40,
                                          environment: ["COFFER_NOW": UTC.iso(end)])
            defer { session.kill() }
            try session.waitUntil(timeout: .seconds(60), interval: .milliseconds(2), "the Billing figures") { $0.contains("Credit balance") }
            let shown = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6
            let keyMs = try Self.latencies(session, Self.loadingKeys)
            let bareMs = try (0..<3).flatMap { _ in
                defer { try? session.send(keys: "Escape") } // closes help
                return try Self.latencies(session, [("?", "Coffer keys")])
            }
            try session.waitUntil(timeout: .seconds(60), "help closed") { !$0.contains("Coffer keys") }
            let script: [[String]] = [Array(repeating: "Down", count: 20), Array(repeating: "PageDown", count: 3), ["s", "s", "s"],
                                      ["[", "]", "]", "]", "[", "["], ["Right", "s", "Right", "s", "Right", "s", "Right"]]
            for keys in script {
                for key in keys { try session.send(keys: key) }
                usleep(300_000)
                try session.waitUntil(timeout: .seconds(60), "the Usage tab with data") { $0.contains("Conversations") && !$0.contains("Loading") }
            }
            guard let pid = Self.process(named: "coffer", from: try session.panePID()),
                  let memory = ProcessMemory.status(of: pid) else { throw CofferError("no coffer process in the tmux pane") }
            try session.send(keys: "q")
            return (memory.peakKiB, shown, keyMs, bareMs)
        } catch {
            log("  the real dashboard under tmux failed: \(error)")
            return nil
        }
    }

    /// Keys that load data, each with a text only its answer shows (the range or the records tab).
    static let loadingKeys = [("3", "Conversation ID"), ("[", " → "), ("]", "Last 30 days"), ("Right", "Call ID"), ("Right", "Task ID"),
                              ("Right", "Amount"), ("Right", "Conversation ID"), ("s", "Message Count ▼"), ("S", "Message Count ▲")]

    /// From sending each key to its text on screen with nothing loading; tmux's own round trips
    /// (a few ms each: the keys that load nothing measure them) are included.
    private static func latencies(_ session: TmuxSession, _ steps: [(key: String, shows: String)]) throws -> [Double] {
        try steps.map { key, shows in
            let begin = DispatchTime.now().uptimeNanoseconds
            try session.send(keys: key)
            try session.waitUntil(timeout: .seconds(60), interval: .milliseconds(2), "\(shows) after \(key)") { $0.contains(shows) && !$0.contains("Loading") }
            return Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6
        }
    }

    /// `pid` itself or its first descendant whose command name is `name` (tmux runs the pane's
    /// command through `sh -c` and `env`, which may or may not exec it).
    static func process(named name: String, from pid: Int32) -> Int32? {
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if comm == name { return pid }
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ Int32($0) }) {
            if let found = process(named: name, from: child) { return found }
        }
        return nil
    }
}
