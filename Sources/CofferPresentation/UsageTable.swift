import CofferCore
import CofferStore
import TerminalUI

/// One column of a usage tab: its SPEC §7 header, where its text sits, the sort field it shows,
/// and how a screen sizes it.
public struct UsageColumn: Sendable, Hashable {
    /// The header, exactly as SPEC §7 names it.
    public let title: String
    /// Amounts and counts are right-aligned.
    public let alignment: Alignment
    /// The field of `UsageTab.sortFields` this column sorts by, when it is sortable.
    public let sortField: SortField?
    /// The column on a screen: its width rule and when it gives way (highest priority first).
    public let tableColumn: TableColumn
    /// The column's key in JSON: its title in snake_case (`Message Count` → `message_count`).
    public var jsonKey: String { title.lowercased().replacingOccurrences(of: " ", with: "_") }

    init(_ title: String, width: TableColumn.Width, alignment: Alignment = .left, priority: Int = 0, sortField: SortField? = nil) {
        self.title = title
        self.alignment = alignment
        self.sortField = sortField
        tableColumn = TableColumn(title, width: width, alignment: alignment, priority: priority)
    }
}

/// The text of one usage cell and the tone of an amount (credits in or out of the pool).
public struct UsageCell: Sendable, Hashable {
    /// Whether a signed amount added or removed credits; plain for everything else.
    public enum Tone: Sendable, Hashable { case plain, positive, negative }
    public let text: String
    public let tone: Tone

    init(_ text: String, tone: Tone = .plain) { (self.text, self.tone) = (text, tone) }
}

/// How cell text is written: for people (R2 money, short UTC times) or for export (plain
/// amounts, ISO-8601 UTC times; SPEC §8).
public enum UsageTextFormat: Sendable {
    case screen, export

    /// Credits in this format.
    public func credits(_ credits: Credits) -> String {
        self == .screen ? credits.description : credits.plain
    }

    /// An amount: credits, or units of a service's allowance (`2 gpt-4o` on screen, `2.000` for export).
    public func amount(_ amount: Amount) -> String {
        switch amount {
        case .credits(let value): credits(value)
        case .quantity(let quantity, let service): self == .screen ? "\(quantity) \(service)" : quantity.plain
        }
    }

    /// A time in this format.
    public func time(_ t: Timestamp) -> String { self == .screen ? UTC.short(t) : UTC.iso(t) }
}

/// The table of a usage tab (SPEC §7), for the command line and the dashboard alike: the columns
/// with their SPEC names, the User column only for owners and admins (R7), and each row's cells.
public struct UsageTable: Sendable, Hashable {
    public let tab: UsageTab
    /// Whether the User column is shown.
    public let showsUsers: Bool

    /// The table of `tab`, with or without the User column.
    public init(tab: UsageTab, showsUsers: Bool) { (self.tab, self.showsUsers) = (tab, showsUsers) }

    /// The table of `tab` as someone with `role` sees it (R7).
    public init(tab: UsageTab, role: Role) {
        self.init(tab: tab, showsUsers: Permissions.allows(role, .seeUsageUsers))
    }

    /// The tab's columns, in order.
    public var columns: [UsageColumn] {
        let credits = UsageColumn("Credits", width: .fixed(11), alignment: .right, sortField: .credits)
        let user = showsUsers ? [UsageColumn("User", width: .flex(min: 8), priority: 4)] : []
        switch tab {
        case .conversations:
            return [UsageColumn("Conversation ID", width: .flex(min: 10), priority: 3), UsageColumn("Title", width: .flex(min: 10, weight: 2)),
                    UsageColumn("Message Count", width: .flex(min: 7, weight: 0), alignment: .right, sortField: .messages), credits] + user
                + [UsageColumn("Billing Type", width: .fixed(12), priority: 5),
                   UsageColumn("Updated At", width: .fixed(16), priority: 1, sortField: .updated)]
        case .calls:
            return [UsageColumn("Call ID", width: .flex(min: 8)), UsageColumn("API Key Name", width: .flex(min: 8)), credits] + user
                + [Self.createdAt]
        case .imports:
            return [UsageColumn("Task ID", width: .flex(min: 8)), UsageColumn("Import Type", width: .fixed(11)),
                    UsageColumn("Import URL", width: .flex(min: 10, weight: 2), priority: 3), credits] + user + [Self.createdAt]
        case .adjustments:
            return [UsageColumn("Type", width: .flex(min: 12)),
                    UsageColumn("Amount", width: .fixed(13), alignment: .right, sortField: .amount),
                    UsageColumn("Detail", width: .flex(min: 8), priority: 2), Self.createdAt]
        }
    }

    private static let createdAt = UsageColumn("Created At", width: .fixed(16), priority: 1, sortField: .created)

    /// A row's cells, matching `columns`.
    public func cells(_ row: UsageRow, format: UsageTextFormat = .screen) -> [UsageCell] {
        let credits = UsageCell(format.credits(row.credits))
        let user = showsUsers ? [UsageCell(row.user ?? "")] : []
        let time = UsageCell(format.time(row.time))
        switch tab {
        case .conversations:
            return [UsageCell(row.key), UsageCell(row.title ?? ""), UsageCell((row.messages ?? .zero).description), credits]
                + user + [UsageCell(row.billingType?.rawValue ?? ""), time]
        case .calls: return [UsageCell(row.key), UsageCell(row.apiKey ?? ""), credits] + user + [time]
        case .imports: return [UsageCell(row.key), UsageCell(row.importType?.rawValue ?? ""), UsageCell(row.url ?? ""), credits] + user + [time]
        case .adjustments:
            let amount = UsageCell((row.credits > .zero ? "+" : "") + format.credits(row.credits),
                                   tone: row.credits < .zero ? .negative : .positive)
            return [UsageCell(AdjustmentType(rawValue: row.key)?.title ?? row.key), amount, UsageCell(row.detail ?? ""), time]
        }
    }

    /// A row's cell texts, matching `columns`.
    public func texts(_ row: UsageRow, format: UsageTextFormat = .screen) -> [String] {
        cells(row, format: format).map(\.text)
    }

    /// The column a sort field is shown in (for the header's marker).
    public func column(forSortField field: SortField) -> Int? {
        columns.firstIndex { $0.sortField == field }
    }

    /// The field a column sorts by, if it is sortable (a header click).
    public func sortField(forColumn column: Int) -> SortField? {
        guard columns.indices.contains(column), let field = columns[column].sortField, tab.sortFields.contains(field) else { return nil }
        return field
    }

    /// The summary bar's figures (SPEC §7): conversations → messages, credits, conversations;
    /// calls → calls, credits; imports → imports, credits; adjustments → count, net amount.
    public static func summary(_ s: UsageSummary, tab: UsageTab) -> [String] {
        switch tab {
        case .conversations: return ["Messages \(s.messages)", "Credits \(s.credits)", "Conversations \(s.count)"]
        case .calls: return ["Calls \(s.count)", "Credits \(s.credits)"]
        case .imports: return ["Imports \(s.count)", "Credits \(s.credits)"]
        case .adjustments: return ["Adjustments \(s.count)", "Net \(s.credits > .zero ? "+" : "")\(s.credits)"]
        }
    }

    /// The summary bar as one line, its figures apart by `separator`.
    public static func summaryLine(_ s: UsageSummary, tab: UsageTab, separator: String = "  ") -> String {
        summary(s, tab: tab).joined(separator: separator)
    }
}
