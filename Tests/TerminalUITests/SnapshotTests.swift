import Testing
import TerminalUI

/// Every widget drawn on a whole screen, at 80×24 and 40×12, in Unicode/ASCII × 256 colours/none.
@Suite struct WidgetSnapshotTests {
    enum Action: Sendable { case quit, help, search, next, previous, sort, mark, refresh }

    static let keymap = Keymap<Action>([
        KeyBinding([.char("q")], .quit, help: "Quit", group: "Global"),
        KeyBinding([.char("?"), .function(1)], .help, help: "Help", group: "Global"),
        KeyBinding([.char("/")], .search, help: "Search", group: "Global"),
        KeyBinding([.tab], .next, help: "Next tab", group: "Tabs"),
        KeyBinding([.backTab], .previous, help: "Previous tab", group: "Tabs", inFooter: false),
        KeyBinding([.char("s")], .sort, help: "Sort by column", group: "Table"),
        KeyBinding([.char(" ")], .mark, help: "Mark row", group: "Table"),
        KeyBinding([.ctrl("r")], .refresh, help: "Refresh", group: "Table", inFooter: false),
    ])

    struct Rows: TableDataSource {
        let rowCount = 1_000_000
        func rows(in range: Range<Int>) -> [[TableCell]] {
            let names = ["Acme Ltd", "東京商事", "Café Zoë", "Rocket 🚀 Labs", "e\u{301}vil\u{1B}[31m"]
            return range.map { i in
                let negative = i % 3 == 0
                return [TableCell("\(i + 1)"), TableCell(names[i % names.count]),
                        TableCell(i % 2 == 0 ? "active" : "past due"),
                        TableCell((negative ? "-" : "") + "\(i * 37 % 1000).50", style: negative ? Style(foreground: .red) : nil)]
            }
        }
    }

    typealias Scene = @Sendable (inout Buffer, Theme) -> Void

    static let scenes: [String: Scene] = [
        "table": { buffer, theme in
            let table = Table(columns: [
                TableColumn("ID", width: .fixed(8), alignment: .right),
                TableColumn("Customer", width: .flex(min: 10, weight: 2)),
                TableColumn("Status", width: .flex(min: 8), priority: 2),
                TableColumn("Amount", width: .fixed(9), alignment: .right, priority: 1),
            ], showsMarks: true)
            let state = TableState(selected: 2, offset: 0, marked: [1, 3], sort: TableSort(column: 3, ascending: false))
            table.render(in: buffer.area, buffer: &buffer, state: state, dataSource: Rows(), theme: theme)
        },
        "tabs": { buffer, theme in
            Tabs(["Overview", "Members", "Usage", "Invoices", "Audit log", "Settings"])
                .render(in: buffer.area.row(0), buffer: &buffer, selected: 4, theme: theme)
            Tabs(["Overview", "Members", "Usage"]).render(in: buffer.area.row(2), buffer: &buffer, selected: 0, theme: theme)
        },
        "footer": { buffer, theme in
            Footer.render(in: buffer.area.row(buffer.height - 1), buffer: &buffer, keymap: keymap, theme: theme)
        },
        "help": { buffer, theme in
            HelpOverlay.render(in: buffer.area, buffer: &buffer, keymap: keymap, theme: theme)
        },
        "dialog": { buffer, theme in
            Dialog(title: "Remove member?", message: "Ana loses access to the team now. Her usage stays on the invoice.",
                   confirmLabel: "Remove", cancelLabel: "Keep", destructive: true)
                .render(in: buffer.area, buffer: &buffer, state: DialogState(), theme: theme)
        },
        "textfield": { buffer, theme in
            let rows = buffer.area.split(rows: [.fixed(1), .fixed(1), .fixed(1), .flex(1)])
            TextField(placeholder: "search customers").render(in: rows[0], buffer: &buffer, state: TextFieldState(),
                                                              theme: theme, focused: false)
            var state = TextFieldState("Nguyễn 東京 invoice 2026-11 overdue reminder text")
            _ = state.handle(.left)
            TextField().render(in: rows[2].inset(left: 2, right: 2), buffer: &buffer, state: state, theme: theme, focused: true)
        },
        "daterange": { buffer, theme in
            let picks = ["Today", "This week", "This month", "Last 30 days", "Custom"]
            let rows = buffer.area.split(rows: [.fixed(1), .fixed(1), .fixed(1), .flex(1)])
            var state = DateRangeBarState(from: "2026-11-01", to: "2026-11-30", activePick: 2)
            state.focusedPick = 3
            DateRangeBar(quickPicks: picks).render(in: rows[0], buffer: &buffer, state: state, theme: theme, focused: true)
            _ = state.handle(.char("c"), pickCount: picks.count)
            _ = state.handle(.tab, pickCount: picks.count)
            DateRangeBar(quickPicks: picks).render(in: rows[2], buffer: &buffer, state: state, theme: theme, focused: true)
        },
        "statusline": { buffer, theme in
            let rows = buffer.area.split(rows: [.fixed(1), .fixed(1), .fixed(1), .fixed(1), .flex(1)])
            StatusLine("Loaded 1,204 rows", trailing: "12:00").render(in: rows[0], buffer: &buffer, theme: theme)
            StatusLine("Saved", level: .success).render(in: rows[1], buffer: &buffer, theme: theme)
            StatusLine("Wallet below 10% — auto-recharge is off", level: .warning, trailing: "team acme")
                .render(in: rows[2], buffer: &buffer, theme: theme)
            StatusLine("Payment failed: card declined", level: .error).render(in: rows[3], buffer: &buffer, theme: theme)
        },
    ]

    @Test(arguments: scenes.keys.sorted(), ScreenSize.allCases)
    func widget(_ name: String, size: ScreenSize) {
        for variant in Variant.allCases {
            var buffer = Buffer(width: size.width, height: size.height)
            Self.scenes[name]!(&buffer, variant.theme)
            #expect(!scalars(of: buffer).contains(where: isForbidden))
            if !variant.theme.glyphs.isUnicode {
                // Chrome is ASCII; only the sample data may be non-ASCII.
                let chrome = Set("─│┌┐└┘▲▼◀▶…●→")
                #expect(!buffer.cells.contains { chrome.contains($0.grapheme) }, "\(name) \(variant) uses Unicode chrome")
            }
            if variant.theme.depth == .none {
                // Only the data's own red amounts carry a colour.
                #expect(!buffer.cells.contains { ($0.style.foreground != .default && $0.style.foreground != .red)
                    || $0.style.background != .default }, "\(name) \(variant) uses colour")
            }
            expectSnapshot(buffer, named: "\(name)-\(size.rawValue)-\(variant.rawValue)")
        }
    }
}
