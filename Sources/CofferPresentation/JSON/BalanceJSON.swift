import CofferCore
import CofferStore

/// `coffer balance --json` and `GET /v1/balance` (SPEC §8, R39): wallets, next_refresh, auto_recharge, alerts.
public struct BalanceJSON: Encodable, Sendable {
    struct Wallet: Encodable, Sendable {
        let kind, holder, asset, balance: String
        let unlimited: Bool
    }
    let workspace: String
    let wallets: [Wallet]
    let next_refresh: String?
    let runway_date: String?
    let spent_last_30_days: String
    let expiring_next_7_days: String
    struct Recharge: Encodable, Sendable {
        let seat: String?
        let enabled: Bool
        let threshold, amount, spent_this_period: String
        let max_period_spend: String?
    }
    struct Event: Encodable, Sendable { let kind, message, time: String }
    let auto_recharge: [Recharge]
    let recharge_log: [Event]
    let alert_threshold: String?
    let alerts: [Event]

    /// The JSON of a balance report.
    public init(_ report: BalanceReport) {
        workspace = report.workspace
        wallets = report.wallets.map {
            Wallet(kind: $0.kind.rawValue, holder: $0.holder, asset: $0.asset.code,
                   balance: Self.amount($0, display: false), unlimited: $0.unlimited)
        }
        next_refresh = report.nextRefresh.map(UTC.iso)
        runway_date = report.runway.runsOutAt.map(UTC.iso)
        spent_last_30_days = report.runway.spentLast30Days.plain
        expiring_next_7_days = report.expiringSoon.credits.plain
        auto_recharge = report.recharge.map {
            Recharge(seat: $0.seat, enabled: $0.settings.enabled, threshold: $0.settings.threshold.plain, amount: $0.settings.amount.plain,
                     spent_this_period: $0.spentThisPeriod.plain, max_period_spend: $0.settings.maxPeriodSpend?.plain)
        }
        recharge_log = report.rechargeLog.map { Event(kind: $0.outcome, message: $0.message, time: UTC.iso($0.time)) }
        alert_threshold = report.alertThreshold?.plain
        alerts = report.alerts.map { Event(kind: $0.kind, message: $0.message, time: UTC.iso($0.time)) }
    }

    /// Credits as `$12.480` (or `12.480` in JSON); allowances as units; `unlimited` when so.
    public func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey {
            case workspace, wallets, next_refresh, runway_date, spent_last_30_days, expiring_next_7_days, auto_recharge, recharge_log,
                 alert_threshold, alerts
        }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(workspace, forKey: .workspace)
        try container.encode(wallets, forKey: .wallets)
        try container.encode(next_refresh, forKey: .next_refresh)
        try container.encode(runway_date, forKey: .runway_date)
        try container.encode(spent_last_30_days, forKey: .spent_last_30_days)
        try container.encode(expiring_next_7_days, forKey: .expiring_next_7_days)
        try container.encode(auto_recharge, forKey: .auto_recharge)
        try container.encode(recharge_log, forKey: .recharge_log)
        try container.encode(alert_threshold, forKey: .alert_threshold)
        try container.encode(alerts, forKey: .alerts)
    }

    /// A wallet's balance as text: display form (`$12.480`) or plain (`12.480`).
    public static func amount(_ wallet: WalletBalance, display: Bool) -> String {
        if wallet.unlimited { return "unlimited" }
        switch wallet.amount {
        case .credits(let credits): return display ? credits.description : credits.plain
        case .quantity(let units, _): return display ? units.description : units.plain
        }
    }
}

