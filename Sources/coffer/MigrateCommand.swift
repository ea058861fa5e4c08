import ArgumentParser
import Foundation
import CofferCore
import CofferStore

/// `coffer migrate --to postgres://…`: copy this ledger whole into an empty PostgreSQL database,
/// then check both and compare their chain heads (R43, SPEC §13).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy this ledger into an empty PostgreSQL database (postgres://USER@HOST/DB).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The empty PostgreSQL database to copy into: postgres://USER@HOST/DB (libpq's URL form).")
    var to: String

    func run() throws {
        let source = try global.openStore()
        let before = try LedgerCheck(source).run()
        guard before.isSound else {
            throw CofferError("This ledger fails coffer check (\(before.violations.count) problem(s)): fix it before copying it")
        }
        let report = try LedgerCopy(from: source).copy(to: to)
        let target = try CofferStore(path: to, catalog: source.catalog, ledgerKey: ProcessInfo.processInfo.environment["COFFER_LEDGER_KEY"],
                                     create: false, readOnly: true, clock: { source.now })
        let after = try LedgerCheck(target).run()
        guard after.isSound, after.head == before.head, after.entries == before.entries else {
            for violation in after.violations { print("FAIL \(violation)") }
            throw CofferError("The copy in \(target.path) does not match: chain head \(after.head.prefix(16)) (source \(before.head.prefix(16)))")
        }
        print("Copied \(report.rows) rows in \(report.tables) tables to \(target.path)")
        print("check ok on both: \(after.entries) entries, chain head \(after.head.prefix(16))")
    }
}
