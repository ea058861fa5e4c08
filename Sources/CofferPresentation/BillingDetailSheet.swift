import CofferCore
import CofferStore
import TerminalUI

/// A conversation's billing detail sheet (SPEC §7): every charge line with its time, service,
/// quantity, credits and the grants it drew from — on the command line and the dashboard alike.
public enum BillingDetailSheet {
    /// The sheet's title.
    public static func title(_ conversation: String) -> String { "Billing detail · \(conversation)" }

    /// The sheet's columns, in order.
    public static let columns: [UsageColumn] = [
        UsageColumn("Time", width: .fixed(16)), UsageColumn("Service", width: .flex(min: 8), priority: 2),
        UsageColumn("Billing Type", width: .flex(min: 5, weight: 0), priority: 3),
        UsageColumn("Quantity", width: .flex(min: 4, weight: 0), alignment: .right), UsageColumn("Credits", width: .fixed(10), alignment: .right),
        UsageColumn("Grants", width: .flex(min: 10), priority: 1),
    ]

    /// A charge line's cells, matching `columns`.
    public static func texts(_ line: ChargeLine) -> [String] {
        [UTC.short(line.time), line.service, line.billingType?.rawValue ?? "", line.quantity?.description ?? "—",
         line.credits.description, line.grants.map(grant).joined(separator: "; ")]
    }

    /// The sheet's totals: how many charge lines and the credits they charged.
    public static func totals(_ lines: [ChargeLine]) -> String {
        let credits = try? lines.reduce(Credits.zero) { try $0.adding($1.credits) }
        return "\(lines.count) charge line\(lines.count == 1 ? "" : "s") · \(credits?.description ?? "more than a ledger holds") credits"
    }

    /// `#12 Subscription renewal $1.500`, or `#3 Rolled-over credits 2 gpt-4o` for a service allowance.
    static func grant(_ draw: ChargeLine.GrantDraw) -> String {
        let source = AdjustmentType(rawValue: draw.source)?.title ?? (draw.source == "rollover" ? "Rolled-over credits" : draw.source)
        return "#\(draw.grant) \(source) \(UsageTextFormat.screen.amount(draw.amount))"
    }
}
