import CofferCore
import CofferStore
import TerminalUI

/// Draws the dashboard into a buffer (SPEC §9): header, tabs, the tab's body, status, footer.
public enum DashboardView {
    /// Renders `state` over the whole buffer.
    public static func render(_ state: DashboardState, into buffer: inout Buffer, theme: Theme) {
        let area = buffer.area
        buffer.fill(area, style: theme.normal)
        let rows = area.split(rows: [.fixed(1), .fixed(1), .flex(1), .fixed(1), .fixed(1)])
        let title = " Coffer · \(state.viewer.workspaceName) · \(state.viewer.email) (\(state.viewer.role.title))"
        buffer.fill(rows[0], style: theme.bar)
        buffer.write(title, in: rows[0], style: theme.bar)
        Tabs(MainTab.allCases.map(\.title)).render(in: rows[1], buffer: &buffer, selected: state.tab.rawValue, theme: theme)
        let body = rows[2]
        switch state.tab {
        case .billing: billing(state, body, &buffer, theme)
        case .team: team(state, body, &buffer, theme)
        case .usage: usage(state, body, &buffer, theme)
        }
        var status = state.status
        if state.loading > 0, status.message.isEmpty { status = StatusLine("Loading…") }
        status.render(in: rows[3], buffer: &buffer, theme: theme)
        Footer.render(in: rows[4], buffer: &buffer, keymap: dashboardKeymap, theme: theme)
        if let dialog = state.confirmingPack {
            let size = PackPurchaseState.packSizes[state.packIndex]
            Dialog(title: "Buy credits", message: "Buy a \(Credits.whole(size)) credit pack for \(Money.cents(size * 100)), charged to the card on file?",
                   confirmLabel: "Buy", cancelLabel: "Cancel").render(in: area, buffer: &buffer, state: dialog, theme: theme)
        }
        if state.help {
            HelpOverlay.render(in: area, buffer: &buffer, keymap: dashboardKeymap, theme: theme, title: "Coffer keys")
        }
    }

    /// Plan and status on the left; balance, refresh, packs, recharge and alerts on the right.
    private static func billing(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard let snapshot = state.billing else { return buffer.write(" Loading billing…", in: area.row(1), style: theme.disabled) }
        let columns = area.inset(top: 1, left: 1, right: 1).split(columns: [.flex(1), .fixed(1), .flex(1)])
        let s = snapshot.subscription
        var left: [(String, String, Style)] = [("Plan", "\(s.name) (\(s.tier))", theme.accent)]
        if let status = s.status {
            left.append(("Status", status.title + (s.ended ? " — on the Free plan now" : ""), tone(status.tone, theme)))
        } else {
            left.append(("Status", "Active (Free plan)", theme.statusGood))
        }
        left.append(("", s.description, theme.normal))
        if let interval = s.interval {
            left.append(("Price", "\(Money.cents(s.pricePerSeatCents)) per seat, \(interval.rawValue) · \(s.seats) seats", theme.normal))
        }
        if let end = s.periodEnd { left.append(("Period ends", UTC.dateString(end), theme.normal)) }
        left.append(("Card", s.cardLast4.map { "•••• \($0)" } ?? "none", theme.normal))
        left.append(("Features", s.features.joined(separator: ", "), theme.normal))
        lines(left, in: columns[0], &buffer, theme)
        let credits = snapshot.balance.wallets.first { $0.kind == .teamPool && $0.asset == .credits }.map { Credits(millicredits: $0.balance) } ?? .zero
        var right: [(String, String, Style)] = [
            ("Credit balance", credits.description, credits.millicredits < 0 ? theme.negativeAmount : theme.positiveAmount),
            ("Credits refresh", snapshot.balance.nextRefresh.map(UTC.dateString) ?? "never (no recurring credits)", theme.normal),
            ("Packs", PackPurchaseState.packSizes.enumerated().map { index, size in
                let label = Credits.whole(size).description.replacingOccurrences(of: ".000", with: "")
                return index == state.packIndex ? "[\(label)]" : label
            }.joined(separator: " ") + (snapshot.packs.enabled ? "  b buy, +/- size" : ""), snapshot.packs.enabled ? theme.accent : theme.disabled),
        ]
        for recharge in snapshot.balance.recharge {
            let r = recharge.settings
            right.append(("Auto-recharge", "\(r.enabled ? "on" : "off"): below \(r.threshold) buy \(r.amount)", theme.normal))
        }
        right.append(("Low-balance alert", snapshot.balance.alertThreshold.map { "below \($0)" } ?? "off", theme.normal))
        if let alert = snapshot.balance.alerts.first { right.append(("Latest alert", alert.message, theme.statusWarning)) }
        lines(right, in: columns[2], &buffer, theme)
        // R23's message on a line of its own: it is longer than a column.
        let below = max(left.count, right.count) + 2
        if below < area.height - 1 {
            let row = area.row(below).inset(left: 1, right: 1)
            buffer.write("Credit packs: " + snapshot.packs.message, in: row, style: snapshot.packs.enabled ? theme.normal : theme.disabled)
        }
    }

    /// The members table with the viewer's own access and how to switch it.
    private static func team(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let parts = area.split(rows: [.fixed(1), .flex(1)])
        let mine = state.me.map { "You are on \($0.access.rawValue.capitalized) access — \($0.access == .personal ? "o: opt back in" : "p: switch me to Personal")" } ?? ""
        buffer.write(" " + mine, in: parts[0], style: theme.accent)
        let columns = [TableColumn("Email", width: .flex(min: 12)), TableColumn("Role", width: .fixed(13), priority: 2),
                       TableColumn("Access", width: .fixed(9)), TableColumn("Limit", width: .fixed(12), alignment: .right, priority: 3),
                       TableColumn("Used", width: .fixed(12), alignment: .right, priority: 1), TableColumn("Plan", width: .fixed(10), priority: 4)]
        let rows = state.members.map { m -> [TableCell] in
            [TableCell(m.email), TableCell(m.role.title), TableCell(m.pending ? "Pending" : m.access.rawValue.capitalized),
             TableCell(m.limit?.description ?? "none"), TableCell(m.usedThisPeriod.description), TableCell(m.effectivePlan)]
        }
        Table(columns: columns, emptyText: "Loading members…").render(in: parts[1], buffer: &buffer, state: TableState(),
                                                                       dataSource: Rows(rows), theme: theme)
    }

    /// The four record tabs with the date range, the summary bar and the page.
    private static func usage(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let parts = area.split(rows: [.fixed(1), .fixed(1), .fixed(1), .flex(1)])
        Tabs(UsageTab.allCases.map(\.title)).render(in: parts[0], buffer: &buffer,
                                                    selected: UsageTab.allCases.firstIndex(of: state.view.tab)!, theme: theme)
        let rangeRow = parts[1].split(columns: [.flex(1), .flex(1)])
        buffer.write(" \(theme.glyphs.previous) \(state.view.range.title) \(theme.glyphs.next)   [ narrower  ] wider", in: rangeRow[0], style: theme.accent)
        if let field = state.editingSearch {
            TextField(placeholder: "search ID, title\(state.showsUsers ? " or user" : "")").render(in: rangeRow[1], buffer: &buffer, state: field, theme: theme, focused: true)
        } else if !state.view.search.isEmpty {
            buffer.write("/ \(state.view.search)   (Esc clears)", in: rangeRow[1], style: theme.accent)
        }
        if let summary = state.summary, state.view.range != .all || !state.view.search.isEmpty {
            buffer.fill(parts[2], style: theme.panel)
            buffer.write(" " + summaryLine(summary, tab: state.view.tab), in: parts[2], style: theme.panel)
        }
        let (columns, cells) = tableFor(state, theme)
        var table = state.table
        table.sort = sortColumn(state).map { TableSort(column: $0, ascending: !state.view.descending) }
        Table(columns: columns, emptyText: state.page == nil ? "Loading…" : "No records in this range")
            .render(in: parts[3], buffer: &buffer, state: table, dataSource: Rows(cells), theme: theme)
        if let detail = state.detail { sheet(detail, state, area, &buffer, theme) }
    }

    /// The column that shows the current sort field, for the header's marker.
    private static func sortColumn(_ state: DashboardState) -> Int? {
        let field = state.view.tab.sortFields[state.view.sortField]
        let users = state.showsUsers ? 1 : 0
        switch (state.view.tab, field) {
        case (.conversations, "messages"): return 2
        case (.conversations, "credits"): return 3
        case (.conversations, _): return 5 + users
        case (.calls, "credits"): return 2
        case (.calls, _): return 3 + users
        case (.imports, "credits"): return 3
        case (.imports, _): return 4 + users
        case (.adjustments, "amount"): return 1
        case (.adjustments, _): return 3
        }
    }

    /// The billing detail sheet of a conversation: every charge line and the grants it drew from.
    private static func sheet(_ detail: (conversation: String, lines: [ChargeLine]), _ state: DashboardState, _ area: Rect,
                              _ buffer: inout Buffer, _ theme: Theme) {
        let frame = area.centered(width: min(area.width, 96), height: min(area.height, detail.lines.count + 4))
        buffer.fill(frame, style: theme.panel)
        let inner = Box.draw(frame, title: "Billing detail · \(detail.conversation) · Esc closes", buffer: &buffer, theme: theme)
        let columns = [TableColumn("Time", width: .fixed(16)), TableColumn("Service", width: .flex(min: 8), priority: 2),
                       TableColumn("Qty", width: .fixed(6), alignment: .right), TableColumn("Credits", width: .fixed(10), alignment: .right),
                       TableColumn("Grants", width: .flex(min: 10), priority: 1)]
        let rows = detail.lines.map { line -> [TableCell] in
            let grants = line.grants.map { grant in
                "#\(grant.grant) " + (AdjustmentType(rawValue: grant.source)?.title ?? (grant.source == "rollover" ? "Rolled-over credits" : grant.source))
            }.joined(separator: ", ")
            return [TableCell(UTC.short(line.time)), TableCell(line.service), TableCell(line.quantity.map { Quantity(milliunits: $0).description } ?? "—"),
                    TableCell(Credits(millicredits: line.credits).description), TableCell(grants)]
        }
        Table(columns: columns, emptyText: "No charge lines").render(in: inner, buffer: &buffer, state: TableState(), dataSource: Rows(rows), theme: theme)
    }

    /// The summary bar (SPEC §7).
    public static func summaryLine(_ s: UsageSummary, tab: UsageTab) -> String {
        let credits = Credits(millicredits: s.credits)
        switch tab {
        case .conversations: return "Messages \(Quantity(milliunits: s.messages))  ·  Credits \(credits)  ·  Conversations \(s.count)"
        case .calls: return "Calls \(s.count)  ·  Credits \(credits)"
        case .imports: return "Imports \(s.count)  ·  Credits \(credits)"
        case .adjustments: return "Adjustments \(s.count)  ·  Net \(s.credits > 0 ? "+" : "")\(credits)"
        }
    }

    private static func tableFor(_ state: DashboardState, _ theme: Theme) -> ([TableColumn], [[TableCell]]) {
        let users = state.showsUsers
        let rows = state.page?.rows ?? []
        let amount = { (r: UsageRow) in TableCell(Credits(millicredits: r.credits).description) }
        switch state.view.tab {
        case .conversations:
            let columns = [TableColumn("Conversation ID", width: .flex(min: 10), priority: 3), TableColumn("Title", width: .flex(min: 10)),
                           TableColumn("Messages", width: .fixed(9), alignment: .right), TableColumn("Credits", width: .fixed(11), alignment: .right)]
                + (users ? [TableColumn("User", width: .flex(min: 8), priority: 4)] : [])
                + [TableColumn("Type", width: .fixed(8), priority: 2), TableColumn("Updated At", width: .fixed(16), priority: 1)]
            return (columns, rows.map { r in
                [TableCell(r.key), TableCell(r.title ?? ""), TableCell(Quantity(milliunits: r.messages ?? 0).description), amount(r)]
                    + (users ? [TableCell(r.user ?? "")] : []) + [TableCell(r.billingType ?? ""), TableCell(UTC.short(r.time))]
            })
        case .calls:
            let columns = [TableColumn("Call ID", width: .flex(min: 8)), TableColumn("API Key Name", width: .flex(min: 8)),
                           TableColumn("Credits", width: .fixed(11), alignment: .right)]
                + (users ? [TableColumn("User", width: .flex(min: 8), priority: 2)] : []) + [TableColumn("Created At", width: .fixed(16), priority: 1)]
            return (columns, rows.map { r in [TableCell(r.key), TableCell(r.apiKey ?? ""), amount(r)] + (users ? [TableCell(r.user ?? "")] : []) + [TableCell(UTC.short(r.time))] })
        case .imports:
            let columns = [TableColumn("Task ID", width: .flex(min: 8)), TableColumn("Type", width: .fixed(8)),
                           TableColumn("Import URL", width: .flex(min: 10), priority: 3), TableColumn("Credits", width: .fixed(11), alignment: .right)]
                + (users ? [TableColumn("User", width: .flex(min: 8), priority: 2)] : []) + [TableColumn("Created At", width: .fixed(16), priority: 1)]
            return (columns, rows.map { r in
                [TableCell(r.key), TableCell(r.importType ?? ""), TableCell(r.url ?? ""), amount(r)] + (users ? [TableCell(r.user ?? "")] : []) + [TableCell(UTC.short(r.time))]
            })
        case .adjustments:
            let columns = [TableColumn("Type", width: .flex(min: 12)), TableColumn("Amount", width: .fixed(13), alignment: .right),
                           TableColumn("Detail", width: .flex(min: 8), priority: 2), TableColumn("Created At", width: .fixed(16), priority: 1)]
            return (columns, rows.map { r in
                let credits = Credits(millicredits: r.credits)
                return [TableCell(AdjustmentType(rawValue: r.key)?.title ?? r.key),
                        TableCell((r.credits > 0 ? "+" : "") + credits.description, style: r.credits < 0 ? theme.negativeAmount : theme.positiveAmount),
                        TableCell(r.detail ?? ""), TableCell(UTC.short(r.time))]
            })
        }
    }

    private static func lines(_ items: [(String, String, Style)], in area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let labelWidth = min(18, items.map(\.0.count).max() ?? 0)
        for (index, item) in items.enumerated() where index < area.height {
            let row = area.row(index)
            _ = buffer.write(item.0, x: row.x, y: row.y, style: theme.header, clip: row)
            buffer.write(item.1, in: row.inset(left: labelWidth + 2), style: item.2)
        }
    }

    private static func tone(_ tone: SubscriptionStatus.Tone, _ theme: Theme) -> Style {
        switch tone {
        case .good: theme.statusGood
        case .warning: theme.statusWarning
        case .bad: theme.statusBad
        }
    }
}

/// A table's rows already in memory (a page).
struct Rows: TableDataSource {
    let all: [[TableCell]]
    init(_ all: [[TableCell]]) { self.all = all }
    var rowCount: Int { all.count }
    func rows(in range: Range<Int>) -> [[TableCell]] { Array(all[range]) }
}
