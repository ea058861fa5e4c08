import TerminalUI

/// A synthetic million-row data source: rows are computed, never stored.
struct SampleRows: TableDataSource {
    let rowCount = 1_000_000
    var descending = false
    private static let names = ["Acme Ltd", "東京商事", "Café Zoë", "Rocket 🚀 Labs", "evil\u{1B}[31mRED\u{07}",
                                "Nguyễn & Co", "Ümlaut GmbH", "\u{202E}desrever"]
    private static let states = ["active", "past due", "suspended", "trial"]

    func rows(in range: Range<Int>) -> [[TableCell]] {
        range.map { i in
            let id = descending ? rowCount - i : i + 1
            let cents = (id * 7919) % 200_001 - 100_000
            let amount = (cents < 0 ? "-" : "") + "\(abs(cents) / 100).\(String(abs(cents) % 100 + 100).dropFirst())"
            return [TableCell("\(id)"), TableCell(Self.names[id % Self.names.count]),
                    TableCell(Self.states[id % Self.states.count]), TableCell(amount, style: nil)]
        }
    }
}

/// What the gallery's keys do.
enum GalleryAction: Sendable {
    case quit, nextPage, previousPage, page(Int), help, sort, edit, dialog, mark
}

/// The gallery's whole state; rendering reads it, keys change it.
struct GalleryState {
    static let pages = ["Table", "Form", "Dialog", "Styles"]
    var page = 0
    var showHelp = false
    var table = TableState(sort: TableSort(column: 0))
    var rows = SampleRows()
    var field = TextFieldState("Hello, 世界")
    var editing = false
    var range = DateRangeBarState(from: "2026-11-01", to: "2026-11-30", activePick: 1)
    var monthOffset = 0
    var dialog: DialogState?
    var status = StatusLine("Welcome: Tab switches pages, ? shows keys, q quits", trailing: "80x24")
    var width = 80
    var height = 24

    let keymap = Keymap<GalleryAction>([
        KeyBinding([.char("q")], .quit, help: "Quit", group: "Global"),
        KeyBinding([.tab], .nextPage, help: "Next page", group: "Global"),
        KeyBinding([.backTab], .previousPage, help: "Previous page", group: "Global", inFooter: false),
        KeyBinding([.char("?"), .function(1)], .help, help: "Help", group: "Global"),
        KeyBinding([.char("s")], .sort, help: "Sort", group: "Table"),
        KeyBinding([.char(" ")], .mark, help: "Mark row", group: "Table"),
        KeyBinding([.char("e")], .edit, help: "Edit field", group: "Form"),
        KeyBinding([.char("d")], .dialog, help: "Dialog", group: "Dialog"),
    ] + (1...4).map { KeyBinding([.char(Character("\($0)"))], .page($0 - 1), help: "Page \($0)", group: "Pages", inFooter: false) })

    /// The quick picks shown by the date range bar.
    static let quickPicks = ["Today", "This month", "Last 30 days", "Custom"]

    /// Applies an event; returns false to quit.
    mutating func handle(_ event: Event, tablePageSize: Int) -> Bool {
        switch event {
        case .resize(let w, let h):
            width = w; height = h
            status = StatusLine("Resized", trailing: "\(w)x\(h)")
        case .mouse(let mouse):
            handle(mouse, tablePageSize: tablePageSize)
        case .tick: break
        case .key(let key): return handle(key, tablePageSize: tablePageSize)
        }
        return true
    }

    private mutating func handle(_ key: Key, tablePageSize: Int) -> Bool {
        if var d = dialog {
            dialog = d
            if let result = d.handle(key) {
                dialog = nil
                status = result == .confirmed ? StatusLine("Confirmed", level: .success) : StatusLine("Cancelled", level: .warning)
            } else { dialog = d }
            return true
        }
        if editing {
            if key == .escape || key == .enter { editing = false; status = StatusLine("Field: \(field.text)") }
            else { _ = field.handle(key) }
            return true
        }
        if page == 1, let action = range.handle(key, pickCount: Self.quickPicks.count) {
            apply(action)
            return true
        }
        if page == 0, rows.rowCount > 0, key != .char(" "), table.handle(key, rowCount: rows.rowCount, pageSize: tablePageSize) {
            return true
        }
        guard let action = keymap.action(for: key) else { return true }
        switch action {
        case .quit: return false
        case .nextPage: page = (page + 1) % Self.pages.count
        case .previousPage: page = (page + Self.pages.count - 1) % Self.pages.count
        case .page(let n): page = n
        case .help: showHelp.toggle()
        case .sort where page == 0:
            table.sort(by: ((table.sort?.column ?? -1) + (table.sort?.ascending == false ? 1 : 0)) % 4)
            rows.descending = table.sort?.ascending == false
        case .mark where page == 0:
            table.toggleMark()
            status = StatusLine("\(table.marked.count) marked")
        case .edit where page == 1: editing = true
        case .dialog where page == 2: dialog = DialogState()
        default: break
        }
        return true
    }

    /// Clicks on tabs switch pages; on the table, clicks select a row and the wheel scrolls.
    private mutating func handle(_ mouse: Mouse, tablePageSize: Int) {
        let layout = GalleryView.layout(Rect(width: width, height: height))
        let tabs = GalleryView.tabsRect(layout.title)
        status = StatusLine("Mouse \(mouse.action) at \(mouse.position.x),\(mouse.position.y)", trailing: "\(width)x\(height)")
        if mouse.action == .click, let tab = Tabs(Self.pages).index(at: mouse.position, in: tabs, selected: page) {
            page = tab
        } else if page == 0 {
            switch mouse.action {
            case .wheelUp: table.select(table.selected - 3, rowCount: rows.rowCount, pageSize: tablePageSize)
            case .wheelDown: table.select(table.selected + 3, rowCount: rows.rowCount, pageSize: tablePageSize)
            case .click, .rightClick:
                if let row = GalleryView.table.row(at: mouse.position, in: layout.body, state: table, rowCount: rows.rowCount) {
                    table.select(row, rowCount: rows.rowCount, pageSize: tablePageSize)
                }
            }
        }
    }

    private mutating func apply(_ action: DateRangeAction) {
        switch action {
        case .previous: monthOffset -= 1
        case .next: monthOffset += 1
        case .pick(let i): monthOffset = 0; range.activePick = i
        case .custom(let from, let to):
            range.from = from; range.to = to; range.activePick = nil
            status = StatusLine("Custom range \(from) to \(to)", level: .success)
            return
        }
        let month = ((10 + monthOffset) % 12 + 12) % 12
        let year = 2026 + Int((Double(10 + monthOffset) / 12).rounded(.down))
        let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
        let mm = String(month + 101).dropFirst()
        range.from = "\(year)-\(mm)-01"
        range.to = "\(year)-\(mm)-\(days)"
    }
}
