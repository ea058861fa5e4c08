import CofferCore
import CofferStore
import Foundation
import GRDBSQLite

extension Bench {
    /// Each tab's first page plus its summary under a date range and a type filter; a title
    /// search; the balance — against the very SQL they ran, replayed through the C API.
    mutating func measureQueries(reference: String, owner: String, end: Timestamp) throws {
        log("Queries over the reference database…")
        let captured = StatementLog()
        let traced = try CofferStore(path: reference, catalog: catalog, create: false, trace: { captured.add($0) }, clock: { end })
        let store = try CofferStore(path: reference, catalog: catalog, create: false, clock: { end })
        let actor = try Workspaces(store).actor(email: owner, workspace: nil)
        let cases = queryCases(actor: actor, end: end)
        let runs = quick ? 3 : 15
        let raw = try RawSQLite(path: reference)
        for (name, query, target) in cases {
            try query(store)
            let coffer = try Bench.median(runs: runs) { try query(store) }
            captured.clear()
            try query(traced)
            let statements = captured.selects
            let baseline = try Bench.median(runs: runs) { try raw.replay(statements) }
            add(name, unit: "ms", coffer: coffer, baseline: baseline, higherIsBetter: false, target: "≤ \(Int(target)) ms", meets: coffer <= target)
        }
        _ = try Balances(store).report(for: actor)
        let coffer = try Bench.median(runs: runs * 4) { _ = try Balances(store).report(for: actor) }
        captured.clear()
        _ = try Balances(traced).report(for: actor)
        let statements = captured.selects
        let baseline = try Bench.median(runs: runs * 4) { try raw.replay(statements) }
        add("balance", unit: "ms", coffer: coffer, baseline: baseline, higherIsBetter: false, target: "≤ 1 ms", meets: coffer <= 1)
    }

    /// The reads SPEC §11 times over the reference database, as `actor`: each tab's first page plus
    /// its summary under a date range and a type filter, a title search, the Spending report; with
    /// each its target in milliseconds. (The PostgreSQL scenario times the same on its copy.)
    func queryCases(actor: Actor, end: Timestamp) -> [(name: String, query: (CofferStore) throws -> Void, target: Double)] {
        let month = UsageFilter.lastDays(30, now: end)
        func tab(_ tab: UsageTab, _ filter: UsageFilter) -> (CofferStore) throws -> Void {
            { store in
                _ = try UsageQueries(store).page(tab, filter: filter, limit: 50, actor: actor)
                _ = try UsageQueries(store).summary(tab, filter: filter, actor: actor)
            }
        }
        return [
            ("Conversations: page + summary (30 d, message)", tab(.conversations, with(month) { $0.type = "message" }), 10),
            ("MCP-HTTP Calls: page + summary (30 d, key)", tab(.calls, with(month) { $0.apiKey = "backend" }), 10),
            ("Import Usage: page + summary (30 d, brand)", tab(.imports, with(month) { $0.type = "brand" }), 10),
            ("Credit Adjustments: page + summary (30 d, type)", tab(.adjustments, with(month) { $0.type = "credit_package_purchase" }), 10),
            ("title search: page + summary", tab(.conversations, UsageFilter(search: "Roadmap")), 50),
            // The Spending tab (SPEC §9): a tab page's speed, from the same rollups.
            ("Spending: report (30 d, all charged usage)", { _ = try Spending($0).report(SpendingScope(tab: nil, filter: month), actor: actor) }, 10),
        ]
    }

    /// Durable debits: `consume` through the domain, one transaction each, WAL + FULL, every R30
    /// check, a member limit and auto-recharge set — against the same rows written raw per transaction.
    mutating func measureDebits(reference: String, end: Timestamp) throws {
        log("Durable debits…")
        let count = quick ? 200 : 3_000
        let store = try CofferStore(path: reference, catalog: catalog, create: false, clock: { end })
        let owner = try Workspaces(store).actor(email: DemoData.members[0], workspace: nil)
        try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(10_000_000), reason: "bench")
        try Members(store).setLimit(actor: owner, email: DemoData.members[1], limit: .whole(100_000_000))
        let olga = try Workspaces(store).actor(email: DemoData.members[1], workspace: nil)
        var runNumber = 0
        let coffer = try Bench.median(runs: 3) {
            runNumber += 1
            for n in 0..<count {
                var request = UsageRequest(eventID: "bench-\(runNumber)-\(n)", service: "gpt-4o", quantity: .whole(1))
                request.conversationID = "bench-conv-\(n / 8)"
                request.title = "Roadmap review"
                _ = try Usage(store).consume(actor: olga, request: request)
            }
        }
        try store.close()
        let copy = work.appendingPathComponent("baseline.sqlite").path
        try FileManager.default.copyItem(atPath: reference, toPath: copy)
        let writer = try rawWriter(path: copy)
        var next: Int64 = 10_000_000 // a multiple of 8: 8 debits a conversation, as Coffer's above
        let baseline = try Bench.median(runs: 3) {
            for _ in 0..<count {
                try writer.database.exec("BEGIN IMMEDIATE")
                try writer.write(first: next, count: 1, at: end)
                next += 1
                try writer.database.exec("COMMIT")
            }
        }
        let perSecond = Double(count) / (coffer / 1_000), rawPerSecond = Double(count) / (baseline / 1_000)
        add("durable debits (1 transaction each)", unit: "/s", coffer: perSecond, baseline: rawPerSecond, higherIsBetter: true,
            // SPEC §11: one fsync per debit caps this near 2,500/s here; the absolute rate is met through the server.
            target: "≥ 0.6×", meets: perSecond >= 0.6 * rawPerSecond)
        try? FileManager.default.removeItem(atPath: copy)
    }

    /// Batch import of a JSONL file — against a raw prepared-statement insert of the same rows.
    mutating func measureImport(end: Timestamp) throws {
        log("Batch import…")
        let count = quick ? 2_000 : 100_000
        let path = work.appendingPathComponent("import.sqlite").path
        let clock = SimulatedClock(end - 86_400)
        let setup = try CofferStore(path: path, catalog: catalog, clock: { clock.now })
        let owner = try DemoData(store: setup, clock: clock).build(months: 1, records: 0, end: end).owner
        try OperatorActions(setup).adjust(workspace: Workspaces(setup).workspace(nil), amount: .whole(10_000_000), reason: "bench")
        try setup.close()
        // The baseline starts from the very database Coffer starts from.
        let baselinePath = work.appendingPathComponent("import-baseline.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: baselinePath)
        let store = try CofferStore(path: path, catalog: catalog, create: false, clock: { clock.now })
        var files: [String] = []
        for run in 0..<3 {
            let file = work.appendingPathComponent("import-\(run).jsonl").path
            let lines = (0..<count).map { #"{"id": "imp-\#(run)-\#($0)", "service": "gpt-4o", "quantity": "1", "conversation": "c-\#(run)-\#($0 / 8)", "title": "Roadmap review"}"# }
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        var run = 0
        let before = try RowCounts(path: path)
        let writer = try rawWriter(path: baselinePath)
        var next: Int64 = 20_000_000 // a multiple of 8: each conversation's 8 debits in one run, as the file's
        // Coffer's runs and the baseline's take turns, so the machine's slower minutes weigh on both.
        let (coffer, baseline) = try Bench.alternatingMedians(runs: 3, {
            let report = try Usage(store).importFile(actor: owner, path: files[run])
            run += 1
            guard report.inserted == count else { throw CofferError("Bench import inserted \(report.inserted) of \(count): \(report.rejected.first?.reason ?? "")") }
        }, {
            var n = 0
            while n < count {
                try writer.database.exec("BEGIN IMMEDIATE")
                let size = min(2_000, count - n)
                try writer.write(first: next, count: size, at: clock.now)
                (next, n) = (next + Int64(size), n + size)
                try writer.database.exec("COMMIT")
            }
        })
        try store.close()
        let afterCoffer = try RowCounts(path: path)
        // The baseline is only honest if it wrote the rows Coffer wrote (SPEC §11).
        try RowCounts.requireSameRows(coffer: afterCoffer.minus(before), raw: RowCounts(path: baselinePath).minus(before))
        let perSecond = Double(count) / (coffer / 1_000), rawPerSecond = Double(count) / (baseline / 1_000)
        add("batch import", unit: "records/s", coffer: perSecond, baseline: rawPerSecond, higherIsBetter: true,
            target: "≥ 0.5× and ≥ 60,000/s", meets: perSecond >= 0.5 * rawPerSecond && perSecond >= 60_000)
    }

    /// Debits from 2 and 4 processes at once against one database (`usage import --batch 1`).
    mutating func measureConcurrency(end: Timestamp) throws {
        log("Concurrent debits…")
        let perProcess = quick ? 100 : 1_500
        let binary = Measured.coffer
        var single: Double?
        for processes in [1, 2, 4] {
            let path = work.appendingPathComponent("concurrent-\(processes).sqlite").path
            let clock = SimulatedClock(end - 86_400)
            let store = try CofferStore(path: path, catalog: catalog, clock: { clock.now })
            _ = try DemoData(store: store, clock: clock).build(months: 1, records: 0, end: end)
            try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(10_000_000), reason: "bench")
            try store.close()
            let files = try (0..<processes).map { p -> String in
                let file = work.appendingPathComponent("c\(processes)-\(p).jsonl").path
                try (0..<perProcess).map { #"{"id": "p\#(p)-\#($0)", "service": "gpt-4o", "quantity": "1"}"# }
                    .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
                return file
            }
            var environment = ProcessInfo.processInfo.environment
            environment["COFFER_DB"] = path
            environment["COFFER_USER"] = DemoData.members[0]
            environment["COFFER_NOW"] = UTC.iso(end)
            let start = DispatchTime.now().uptimeNanoseconds
            let running = try files.map { file -> Process in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["usage", "import", file, "--batch", "1"]
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                return process
            }
            running.forEach { $0.waitUntilExit() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard running.allSatisfy({ $0.terminationStatus == 0 }) else { throw CofferError("A concurrent import failed") }
            let rate = Double(perProcess * processes) / seconds
            let sound = try LedgerCheck(CofferStore(path: path, catalog: catalog, create: false, clock: { end })).run().isSound
            if processes == 1 {
                single = rate
                add("debits from 1 process (CLI import, 1 tx each)", unit: "/s", coffer: rate, baseline: nil, higherIsBetter: true,
                    target: "check passes", meets: sound)
            } else {
                // The ratio here compares with one process, not with raw SQLite.
                add("debits from \(processes) processes at once", unit: "/s", coffer: rate, baseline: single, against: "1 process", higherIsBetter: true,
                    target: "check passes", meets: sound)
            }
        }
    }

    /// A raw writer aimed at the team pool's largest grant of the database at `path`.
    func rawWriter(path: String) throws -> RawDebitWriter {
        let ids = try CofferStore(path: path, catalog: catalog, create: false, clock: { 0 }).benchmarkIDs()
        return try RawDebitWriter(path: path, workspace: ids.workspace, user: ids.user, pool: ids.pool, sink: ids.sink, grant: ids.grant)
    }

    private func with(_ filter: UsageFilter, _ change: (inout UsageFilter) -> Void) -> UsageFilter {
        var copy = filter
        change(&copy)
        return copy
    }
}

/// The statements a traced store ran.
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String] = []
    func add(_ sql: String) { lock.withLock { statements.append(sql) } }
    func clear() { lock.withLock { statements.removeAll() } }
    /// The queries among them (what a read replays).
    var selects: [String] {
        lock.withLock { statements.filter { $0.hasPrefix("SELECT") || $0.hasPrefix("WITH") } }
    }
}
