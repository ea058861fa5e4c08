import ArgumentParser
import CofferCore
import CofferPresentation
import CofferStore

/// `coffer balance`: the wallets visible to the acting user.
struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "Show the wallets visible to you, and when credits next refresh.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let store = try global.openStoreForReading()
        let report = try Balances(store).report(for: global.actor(in: store))
        if json { return try Output.json(BalanceJSON(report)) }
        Output.table(["Wallet", "Holder", "Asset", "Balance"], report.wallets.map { wallet in
            [wallet.kind.title, wallet.holder, wallet.asset.code, BalanceJSON.amount(wallet, display: true)]
        }, rightAligned: [3])
        print("Next refresh: \(report.nextRefresh.map(Output.time) ?? "none (no paid plan)")")
        print("Runway: \(report.runway.phrase)")
        print("Expiring in 7 days: \(report.expiringSoon.credits)\(report.expiringSoon.first.map { " (first on \(UTC.dateString($0)))" } ?? "")")
        for state in report.recharge {
            let s = state.settings
            print("Auto-recharge\(state.seat.map { " (seat \($0))" } ?? ""): \(s.enabled ? "on" : "off"), below \(s.threshold) buy \(s.amount), cap \(s.maxPeriodSpend?.description ?? "none"), spent \(state.spentThisPeriod) this period")
        }
        for entry in report.rechargeLog { print("  \(Output.time(entry.time)) \(entry.outcome): \(Output.clean(entry.message))") }
        print("Low-balance alert: \(report.alertThreshold.map { "below \($0)" } ?? "off")")
        for alert in report.alerts { print("  \(Output.time(alert.time)) \(Output.clean(alert.message))") }
    }
}

extension WalletKind {
    /// The wallet kind as people read it.
    var title: String {
        switch self {
        case .teamPool: "Team pool"
        case .seat: "Seat"
        case .personal: "Personal"
        case .system: "System"
        }
    }
}
