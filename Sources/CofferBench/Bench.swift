import CofferCore
import CofferStore
import Foundation

/// One benchmark figure: Coffer's number and the baseline's, and what SPEC §11 asks.
struct BenchFigure: Encodable {
    let name: String
    let unit: String
    /// Coffer's number; for frame times, the worst sample (what the target judges).
    let coffer: Double
    /// For frame times, the median sample beside the worst.
    var median: Double? = nil
    /// How many samples a frame time was taken from.
    var samples: Int? = nil
    /// The baseline's number, or SPEC §11's target when `against` is "target".
    let baseline: Double?
    /// What the baseline is: raw SQLite through the C API, ledger-cli, or one process.
    let against: String
    /// Coffer's speed as a share of the baseline's (1.0 = as fast as the baseline).
    let ratio: Double?
    let target: String
    let meets: Bool?
    /// Why Coffer could not be measured (the figure is then 0 and the target not met).
    var failed: String? = nil
}

/// Everything a run measured.
struct BenchReport: Encodable {
    let date: String
    let cores: Int
    let records: Int
    let quick: Bool
    let figures: [BenchFigure]

    func printTable() {
        print("")
        print("coffer-bench — \(date), \(cores) cores, \(records) usage records\(quick ? " (--quick: smoke test)" : "")")
        let rows = [["Figure", "Coffer", "Baseline", "Against", "Ratio", "Target", "Met"]] + figures.map { f in
            f.failed != nil ? [f.name, "FAILED", "—", "", "—", f.target, "NO"] : [f.name, f.median.map { "median \(Self.format($0, f.unit)), worst \(Self.format(f.coffer, f.unit))" } ?? Self.format(f.coffer, f.unit), f.baseline.map { Self.format($0, f.unit) } ?? "—", f.baseline == nil ? "" : f.against,
             f.ratio.map { String(format: "%.2f×", $0) } ?? "—", f.target, f.meets.map { $0 ? "yes" : "NO" } ?? "—"]
        }
        // Columns padded to their widest cell (the bench's own text: no terminal sanitising needed); numbers right-aligned.
        let widths = (0..<7).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return [1, 2, 4].contains(column) ? padding + cell : cell + padding
            }
            print(cells.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression))
        }
    }

    static func format(_ value: Double, _ unit: String) -> String {
        switch unit {
        case "ms": String(format: "%.2f ms", value)
        case "s": String(format: "%.1f s", value)
        case "MB": String(format: "%.1f MB", value)
        // A per-event share of a batch's statements or round trips is a fraction.
        case "statements", "round trips" where value != value.rounded(): String(format: "%.2f %@", value, unit)
        default: String(format: "%.0f %@", value, unit)
        }
    }
}

/// The measurements themselves.
struct Bench {
    let work: URL
    let catalog: Catalog
    let quick: Bool
    /// What to measure (`--only`; all of them by default).
    let scenarios: Set<Scenario>
    /// A reference database to measure again instead of generating one (`--reference`).
    let reference: String?
    let log: (String) -> Void
    var figures: [BenchFigure] = []
    /// The reference database once built or taken (`--reference`), and the time it was built for.
    var builtReference: (path: String, end: Timestamp)?

    /// The groups of figures, as `--only` names them.
    enum Scenario: String, CaseIterable {
        case queries, dashboard, ledger, debits, `import`, concurrency, serve, postgres
        /// Whether it measures the reference database (which is built only when one of them runs).
        var needsReference: Bool { [.queries, .dashboard, .ledger, .debits].contains(self) }
        /// What runs when `--only` is not given: all but PostgreSQL (SPEC §13), which starts a
        /// server of its own and runs for minutes (`--postgres` or `--only postgres` asks for it).
        static var defaults: Set<Scenario> { Set(allCases).subtracting([.postgres]) }
    }

    init(work: URL, catalog: Catalog, quick: Bool, scenarios: Set<Scenario> = Scenario.defaults, reference: String? = nil,
         log: @escaping (String) -> Void) {
        (self.work, self.catalog, self.quick, self.scenarios, self.reference, self.log) = (work, catalog, quick, scenarios, reference, log)
    }

    /// The median of `runs` timings of `body`, in milliseconds.
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }

    /// The median milliseconds of `runs` runs of each of two bodies, run in turn (first, second,
    /// first, …): both meet the machine in the same states, so a slower minute weighs on both and
    /// their ratio holds still where the machine does not.
    static func alternatingMedians(runs: Int, _ first: () throws -> Void, _ second: () throws -> Void) rethrows -> (Double, Double) {
        var firsts: [Double] = [], seconds: [Double] = []
        for _ in 0..<runs {
            firsts.append(try median(runs: 1, first))
            seconds.append(try median(runs: 1, second))
        }
        return (firsts.sorted()[runs / 2], seconds.sorted()[runs / 2])
    }

    /// Records a figure; the ratio is Coffer's speed as a share of the baseline's (against a
    /// target: the headroom, above 1 when within it).
    mutating func add(_ name: String, unit: String, coffer: Double, median: Double? = nil, samples: Int? = nil, baseline: Double?,
                      against: String = "raw SQLite", higherIsBetter: Bool, target: String, meets: Bool?) {
        let ratio = baseline.map { higherIsBetter ? coffer / $0 : $0 / coffer }
        figures.append(BenchFigure(name: name, unit: unit, coffer: coffer, median: median, samples: samples, baseline: baseline,
                                   against: against, ratio: ratio, target: target, meets: meets))
        let spread = median.map { String(format: " (median %@ of %d)", BenchReport.format($0, unit), samples ?? 0) } ?? ""
        log(String(format: "  %@: %@%@%@", name, BenchReport.format(coffer, unit), spread,
                   baseline.map { " (\(against) \(BenchReport.format($0, unit)))" } ?? ""))
    }

    /// Records a figure that could not be measured: Coffer failed (an error, not a slow answer).
    mutating func addFailure(_ name: String, target: String, error: Error) {
        let message = (error as? CofferError)?.message ?? "\(error)"
        figures.append(BenchFigure(name: name, unit: "", coffer: 0, baseline: nil, against: "", ratio: nil, target: target, meets: false,
                                   failed: message))
        log("  \(name): FAILED — \(message)")
    }

    /// Measures the scenarios asked for, building the reference database of `records` when one needs it.
    mutating func run(records: Int) throws -> BenchReport {
        let end = UTC.addingMonths(0, to: Int64(Date().timeIntervalSince1970))
        if scenarios.contains(where: \.needsReference) { try measureReference(records: records, end: end) }
        if scenarios.contains(.import) { try measureImport(end: end) }
        if scenarios.contains(.concurrency) { try measureConcurrency(end: end) }
        if scenarios.contains(.serve) { try measureServe(end: end) }
        if scenarios.contains(.postgres) { try measurePostgres(records: records, end: end) }
        return BenchReport(date: UTC.iso(Int64(Date().timeIntervalSince1970)), cores: ProcessInfo.processInfo.activeProcessorCount,
                           records: records, quick: quick, figures: figures)
    }

    /// Builds the reference database of `records` usage records (or takes the one `--reference`
    /// names, at the time it was built for) and measures what runs on it.
    private mutating func measureReference(records: Int, end built: Timestamp) throws {
        let (reference, end) = try reference(records: records, end: built)
        let owner = DemoData.members[0] // the primary owner the generator makes
        if scenarios.contains(.queries) { try measureQueries(reference: reference, owner: owner, end: end) }
        if scenarios.contains(.dashboard) { try measureDashboard(reference: reference, owner: owner, end: end) }
        if scenarios.contains(.ledger) { try compareWithLedger(reference: reference, owner: owner, end: end) }
        if scenarios.contains(.debits) { try measureDebits(reference: reference, end: end) }
    }

    /// The reference database of `records` usage records and the time it was built for: the one
    /// `--reference` names, else the one this run built, else one built now.
    mutating func reference(records: Int, end built: Timestamp) throws -> (path: String, end: Timestamp) {
        if let builtReference { return builtReference }
        var (reference, end) = (work.appendingPathComponent("reference.sqlite").path, built)
        if let given = self.reference {
            guard FileManager.default.fileExists(atPath: given) else { throw CofferError("No reference database at \(given)") }
            // The demo generator settles at the end it built to: that is the time the figures are taken at.
            guard let settled = try RawSQLite(path: given).int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'settled_until'") else {
                throw CofferError("\(given) is not a reference database coffer-bench built")
            }
            (reference, end) = (given, settled)
            log("Measuring the reference database \(given) (built for \(UTC.iso(end)))…")
        } else {
            log("Building the reference database (\(records) usage records over 6 months)…")
            let clock = SimulatedClock(end)
            let store = try CofferStore(path: reference, catalog: catalog, clock: { clock.now })
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try DemoData(store: store, clock: clock).build(months: 6, records: records, end: end)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            add("generate usage records (demo data)", unit: "records/s", coffer: Double(records) / seconds, baseline: nil, higherIsBetter: true,
                target: "1M in < 60 s", meets: quick ? nil : seconds < 60)
            try store.close()
        }
        builtReference = (reference, end)
        return (reference, end)
    }
}
