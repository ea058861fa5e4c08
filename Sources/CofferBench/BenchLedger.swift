import CofferCore
import CofferStore
import Foundation

extension Bench {
    /// The same usage as a text ledger (one transaction per record), and one month's balance
    /// from ledger-cli, beside Coffer's month totals for the three usage tabs. Runs when
    /// `ledger` is installed (Debian: `apt-get install ledger`).
    mutating func compareWithLedger(reference: String, owner: String, end: Timestamp) throws {
        guard let ledger = Self.which("ledger") else {
            log("ledger-cli is not installed: skipping the text-ledger comparison")
            return
        }
        log("Text-ledger comparison (ledger-cli)…")
        let journal = work.appendingPathComponent("usage.ledger").path
        let store = try CofferStore(path: reference, catalog: catalog, create: false, clock: { end })
        let lines = try store.usageJournal()
        try lines.write(toFile: journal, atomically: false, encoding: .utf8)
        let from = end - 30 * UTC.day
        let arguments = ["-f", journal, "--no-color", "-b", UTC.dateString(from), "-e", UTC.dateString(end + UTC.day), "balance", "Expenses"]
        let baseline = try Bench.median(runs: quick ? 1 : 3) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ledger)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        let actor = try Workspaces(store).actor(email: owner, workspace: nil)
        let month = UsageFilter.days(from: from, to: end)
        let coffer = try Bench.median(runs: quick ? 3 : 15) {
            for tab in [UsageTab.conversations, .calls, .imports] { _ = try UsageQueries(store).summary(tab, filter: month, actor: actor) }
        }
        add("one month's usage totals (vs ledger-cli balance)", unit: "ms", coffer: coffer, baseline: baseline, against: "ledger-cli",
            higherIsBetter: false, target: "(comparison)", meets: nil)
    }

    /// The full path of a program on PATH.
    static func which(_ program: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
