@testable import CofferStore
import CofferCore
import CofferPresentation
import Testing
import TerminalUI

/// The one presentation of usage records (SPEC §7) the command line and the dashboard share.
@Suite("Usage presentation (SPEC §7)")
struct UsagePresentationTests {
    static let time = try! UTC.parse("2026-11-18T10:06:59Z")

    static func row(_ key: String = "conv-1", credits: Int64 = 12_480, title: String? = "Standup", user: String? = "ada@acme.test",
                    detail: String? = nil) -> UsageRow {
        UsageRow(key: key, title: title, messages: Quantity(milliunits: 2_500), credits: Credits(millicredits: credits), user: user,
                 billingType: .message, apiKey: "ci-bot", importType: .brand, url: "https://acme.test/a", detail: detail, time: time, cursor: UsageCursor(value: time, id: 1))
    }

    /// SPEC §7's table, column for column.
    static let spec: [UsageTab: [String]] = [
        .conversations: ["Conversation ID", "Title", "Message Count", "Credits", "User", "Billing Type", "Updated At"],
        .calls: ["Call ID", "API Key Name", "Credits", "User", "Created At"],
        .imports: ["Task ID", "Import Type", "Import URL", "Credits", "User", "Created At"],
        .adjustments: ["Type", "Amount", "Detail", "Created At"],
    ]

    @Test("Each tab's headers are SPEC §7's; the User column only for owners and admins (R7)",
          arguments: UsageTab.allCases, [Role.primaryOwner, .owner, .member])
    func headers(tab: UsageTab, role: Role) {
        let table = UsageTable(tab: tab, role: role)
        let expected = Self.spec[tab]!.filter { role != .member || $0 != "User" }
        #expect(table.columns.map(\.title) == expected)
        #expect(table.columns.map(\.tableColumn.title) == expected, "the dashboard's headers are the same")
        #expect(table.showsUsers == (role != .member))
    }

    @Test("Amounts and counts are right-aligned, text left", arguments: UsageTab.allCases)
    func alignment(tab: UsageTab) {
        let right = UsageTable(tab: tab, showsUsers: true).columns.filter { $0.alignment == .right }.map(\.title)
        #expect(right == (tab == .conversations ? ["Message Count", "Credits"] : tab == .adjustments ? ["Amount"] : ["Credits"]))
    }

    @Test("On screen every fixed-width header fits whole, a sortable one with room for the sort marker", arguments: UsageTab.allCases)
    func headersFit(tab: UsageTab) {
        for column in UsageTable(tab: tab, showsUsers: true).columns + BillingDetailSheet.columns {
            guard case .fixed(let width) = column.tableColumn.width else { continue }
            #expect(DisplayWidth.of(column.title) + (column.sortField == nil ? 0 : 2) <= width, "\(column.title)")
        }
    }

    @Test("Every sort field of a tab has its column, and that column sorts by it", arguments: UsageTab.allCases)
    func sortColumns(tab: UsageTab) {
        let table = UsageTable(tab: tab, showsUsers: true)
        for (index, field) in tab.sortFields.enumerated() {
            let column = table.column(forSortField: field)
            #expect(column != nil, "\(field)")
            #expect(column.flatMap(table.sortField(forColumn:)) == tab.sortFields[index], "\(field)")
        }
        #expect(table.sortField(forColumn: 0) == nil, "the first column does not sort")
        #expect(table.sortField(forColumn: 99) == nil)
    }

    @Test("Cells: money as R2 on screen, plain for export; one time format on screen, ISO-8601 for export; the User only for owners")
    func cells() {
        let owner = UsageTable(tab: .conversations, showsUsers: true)
        #expect(owner.texts(Self.row(credits: 1_000_000_500)) == ["conv-1", "Standup", "2.5", "$1,000,000.500", "ada@acme.test", "message", "2026-11-18 10:06"])
        #expect(owner.texts(Self.row(), format: .export) == ["conv-1", "Standup", "2.5", "12.480", "ada@acme.test", "message", "2026-11-18T10:06:59Z"])
        let member = UsageTable(tab: .conversations, showsUsers: false)
        #expect(member.texts(Self.row(user: nil)) == ["conv-1", "Standup", "2.5", "$12.480", "message", "2026-11-18 10:06"])
        #expect(UsageTable(tab: .calls, showsUsers: true).texts(Self.row("call-9")) == ["call-9", "ci-bot", "$12.480", "ada@acme.test", "2026-11-18 10:06"])
        #expect(UsageTable(tab: .imports, showsUsers: false).texts(Self.row("task-3"))
                == ["task-3", "brand", "https://acme.test/a", "$12.480", "2026-11-18 10:06"])
    }

    @Test("Credit adjustments: the type's name, a signed amount (+ in, - out) with its tone, the detail")
    func adjustments() {
        let table = UsageTable(tab: .adjustments, showsUsers: true)
        let granted = table.cells(Self.row("subscription_renewal", credits: 500_000, detail: "Pro · monthly"))
        #expect(granted.map(\.text) == ["Subscription renewal", "+$500.000", "Pro · monthly", "2026-11-18 10:06"])
        #expect(granted[1].tone == .positive && granted[0].tone == .plain)
        let expired = table.cells(Self.row("credit_expiration", credits: -3_000, detail: "Period ended"))
        #expect(expired.map(\.text) == ["Credit expiration", "-$3.000", "Period ended", "2026-11-18 10:06"])
        #expect(expired[1].tone == .negative)
        #expect(table.texts(Self.row("admin_adjustment", credits: 1_500), format: .export)[1] == "+1.500")
        #expect(table.texts(Self.row("something_new", credits: 0))[0] == "something_new", "an unknown type shows as stored")
    }

    @Test("Summary bars (SPEC §7): conversations → messages, credits, conversations; calls; imports; adjustments → count, net")
    func summaries() {
        let s = UsageSummary(count: 30, messages: Quantity(milliunits: 60_000), credits: Credits(millicredits: 581_250))
        #expect(UsageTable.summaryLine(s, tab: .conversations) == "Messages 60  Credits $581.250  Conversations 30")
        #expect(UsageTable.summaryLine(s, tab: .conversations, separator: "  ·  ") == "Messages 60  ·  Credits $581.250  ·  Conversations 30")
        #expect(UsageTable.summaryLine(s, tab: .calls) == "Calls 30  Credits $581.250")
        #expect(UsageTable.summaryLine(s, tab: .imports) == "Imports 30  Credits $581.250")
        #expect(UsageTable.summaryLine(s, tab: .adjustments) == "Adjustments 30  Net +$581.250")
        #expect(UsageTable.summaryLine(UsageSummary(count: 2, messages: Quantity(milliunits: 0), credits: Credits(millicredits: -1_000)), tab: .adjustments) == "Adjustments 2  Net -$1.000")
    }

    @Test("The billing detail sheet: time, service, type, quantity, credits and every grant drawn, credits or allowance")
    func detailSheet() {
        #expect(BillingDetailSheet.columns.map(\.title) == ["Time", "Service", "Billing Type", "Quantity", "Credits", "Grants"])
        let line = ChargeLine(eventID: "e1", time: Self.time, service: "gpt-4o", billingType: .message, quantity: Quantity(milliunits: 3_000),
                              credits: Credits(millicredits: 1_500), units: Quantity(milliunits: 2_000), user: nil, grants: [
                                  .init(grant: 3, source: "rollover", detail: "", amount: .quantity(Quantity(milliunits: 2_000), service: "gpt-4o")),
                                  .init(grant: 7, source: "subscription_renewal", detail: "Pro", amount: .credits(Credits(millicredits: 1_500))),
                              ])
        #expect(BillingDetailSheet.texts(line) == ["2026-11-18 10:06", "gpt-4o", "message", "3", "$1.500",
                                                    "#3 Rolled-over credits 2 gpt-4o; #7 Subscription renewal $1.500"])
        let metered = ChargeLine(eventID: "e2", time: Self.time, service: "mcp-http-call", billingType: nil, quantity: nil,
                                 credits: Credits(millicredits: 2), units: .zero, user: nil, grants: [])
        #expect(BillingDetailSheet.texts(metered)[3] == "—")
        #expect(BillingDetailSheet.title("conv-1") == "Billing detail · conv-1")
    }
}

/// The command line's tables: one Sanitizer, columns by display width.
@Suite("Text tables for the command line")
struct TextTableTests {
    @Test("Columns line up by display width: wide CJK characters and emoji take two columns each")
    func wideCharacters() {
        let table = TextTable(headers: ["Title", "Credits"], rows: [["中文标题", "$1.000"], ["Emoji 🎉", "$22.000"], ["plain", "$3.000"]],
                              rightAligned: [1])
        #expect(table.lines == ["Title     Credits",
                                "中文标题   $1.000",
                                "Emoji 🎉  $22.000",
                                "plain      $3.000"])
        #expect(table.widths == [8, 7])
        // Every line's credits end in the same terminal column.
        #expect(Set(table.lines.map { DisplayWidth.of($0) }) == [17])
    }

    @Test("Text goes through the one Sanitizer: escape sequences, controls, bidi and zero-width characters never reach the terminal")
    func sanitised() {
        let table = TextTable(headers: ["Title", "N"], rows: [["z\u{200B}w\u{200D}j \u{1B}[31mred\u{1B}[0m \u{202E}exe", "1"], ["a\tb\nc", "2"]])
        #expect(table.lines == ["Title        N", "zwj red exe  1", "a b c        2"])
        #expect(table.text == table.lines.map { $0 + "\n" }.joined())
    }

    @Test("A very long cell is cut at the maximum cell width, with an ellipsis")
    func cut() {
        let table = TextTable(headers: ["Title"], rows: [[String(repeating: "L", count: 10_000) + " end"]])
        #expect(table.lines[1] == String(repeating: "L", count: TextTable.maximumCellWidth - 1) + "…")
    }

    @Test("A usage tab as text: SPEC §7's headers, aligned cells")
    func usageTab() {
        let rows = [UsagePresentationTests.row(title: "中文 width"), UsagePresentationTests.row("conv-2", credits: 1_250_000, title: "Plain")]
        let lines = TextTable(UsageTable(tab: .conversations, showsUsers: false), rows: rows).lines
        #expect(lines == ["Conversation ID  Title       Message Count     Credits  Billing Type  Updated At",
                          "conv-1           中文 width            2.5     $12.480  message       2026-11-18 10:06",
                          "conv-2           Plain                 2.5  $1,250.000  message       2026-11-18 10:06"])
    }
}
