import CofferCore

/// The tab a usage event shows on: its code in the `tab` column of `usage_events` and
/// `usage_daily` (SPEC §7). Credit adjustments are not usage events: they live in `adjustments`.
enum EventTab: Int64, Sendable {
    /// A consumable's events, on none of the tabs.
    case untabbed = 0
    case conversations = 1
    case calls = 2
    case imports = 3

    /// The events behind a usage tab; nil for credit adjustments.
    init?(_ tab: UsageTab) {
        switch tab {
        case .conversations: self = .conversations
        case .calls: self = .calls
        case .imports: self = .imports
        case .adjustments: return nil
        }
    }

    /// The column of `usage_events` that holds a line's type on this tab (billing type, API key,
    /// import type): what `usage_daily.type` rolls up.
    var typeColumn: String {
        switch self {
        case .conversations: "billing_type"
        case .calls: "api_key"
        case .imports, .untabbed: "import_type"
        }
    }

    /// The usage tab these events show on (nil for a consumable's).
    var usageTab: UsageTab? {
        switch self {
        case .conversations: .conversations
        case .calls: .calls
        case .imports: .imports
        case .untabbed: nil
        }
    }
}
