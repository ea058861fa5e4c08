import ArgumentParser
import CofferStore

/// `coffer check`: verify every ledger invariant; exit 1 naming each violation (SPEC §10).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Verify every ledger invariant; exit 1 and name what is wrong.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore(readOnly: true)
        let report = try LedgerCheck(store).run()
        if report.isSound {
            print("ok: \(report.entries) entries, \(report.accounts) accounts, \(report.grants) grants; chain head \(report.head.prefix(16))")
        } else {
            for violation in report.violations { print("FAIL \(violation)") }
            print("\(report.violations.count) problem(s) found")
            throw ExitCode(1)
        }
    }
}
