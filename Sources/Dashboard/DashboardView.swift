import CofferCore
import CofferStore
import TerminalUI

/// Draws the dashboard into a buffer (SPEC §9): header, tabs, the tab's body, status, footer, and any modal.
public enum DashboardView {
    /// Renders `state` over the whole buffer (its size wins over `state.size`).
    public static func render(_ state: DashboardState, into buffer: inout Buffer, theme: Theme) {
        var state = state
        state.size = Size(width: buffer.width, height: buffer.height)
        let layout = state.layout
        buffer.fill(layout.area, style: theme.normal)
        let v = state.viewer
        buffer.fill(layout.header, style: theme.bar)
        buffer.write(" Coffer · \(v.workspaceName) · \(v.email) (\(v.role.title))", in: layout.header, style: theme.bar)
        Tabs(MainTab.allCases.map(\.title)).render(in: layout.tabs, buffer: &buffer, selected: state.tab.rawValue, theme: theme)
        switch state.tab {
        case .billing: billing(state, layout.body, &buffer, theme)
        case .team: team(state, layout, &buffer, theme)
        case .usage: usage(state, layout, &buffer, theme)
        case .spending: spending(state, layout.body, &buffer, theme)
        }
        var status = state.status
        if state.loading > 0 { status.trailing = "Loading…" }
        status.render(in: layout.status, buffer: &buffer, theme: theme)
        Footer.render(in: layout.footer, buffer: &buffer, keymap: DashboardKeys.keymap(for: state), theme: theme) // the context's keys
        if let modal = state.modal { render(modal, state, layout.area, &buffer, theme) }
        if !theme.glyphs.isUnicode { buffer.asciiFallback() }
    }

    private static func render(_ modal: Modal, _ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        switch modal {
        case .help(let scroll):
            HelpOverlay.render(in: state.layout.help, buffer: &buffer, keymap: DashboardKeys.everything(for: state), theme: theme,
                               title: "Coffer keys · Esc closes", scroll: scroll, notes: DashboardKeys.mouse)
        case .detail(let conversation, let lines, let table):
            sheet(conversation, lines, table, state.layout, &buffer, theme)
        case .confirm(let c, let dialog):
            Dialog(title: c.title, message: c.message, confirmLabel: c.confirmLabel, cancelLabel: "Cancel", destructive: c.destructive)
                .render(in: area, buffer: &buffer, state: dialog, theme: theme)
        case .prompt(let prompt, let field):
            guard case .search = prompt.purpose else { return self.prompt(prompt, field, state.status, area, &buffer, theme) }
            // The search is typed on the status line, so the rows it filters stay in sight (#19.12).
            let line = state.layout.status
            buffer.fill(line, style: theme.bar)
            let x = buffer.write(" Search: ", x: line.x, y: line.y, style: theme.bar.patched(with: theme.accent), clip: line)
            TextField(placeholder: prompt.hint).render(in: Rect(x: x, y: line.y, width: max(0, line.maxX - x - 1), height: 1),
                                                       buffer: &buffer, state: field, theme: theme, focused: true)
        case .choose(let choice, let selected):
            let frame = area.centered(width: min(area.width, max(32, (choice.labels.map(DisplayWidth.of).max() ?? 0) + 8)),
                                      height: min(area.height, choice.labels.count + 2))
            buffer.fill(frame, style: theme.panel)
            let inner = Box.draw(frame, title: choice.title, buffer: &buffer, theme: theme)
            let top = max(0, selected - inner.height + 1)
            for (row, index) in (top..<choice.labels.count).enumerated() where row < inner.height {
                let line = inner.row(row)
                if index == selected { buffer.fill(line, style: theme.selected) }
                buffer.write(" " + choice.labels[index], in: line, style: index == selected ? theme.selected : theme.panel)
                if let key = choice.shortcuts[index] {
                    buffer.write("\(key) ", x: line.maxX - 2, y: line.y, style: index == selected ? theme.selected : theme.accent, clip: line)
                }
            }
        case .portal(let invoices):
            portal(state, invoices, area, &buffer, theme)
        }
    }

    /// A prompt: what to type, the field, and the refusal of what was typed, if any (#19.10).
    private static func prompt(_ prompt: Prompt, _ field: TextFieldState, _ status: StatusLine, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let frame = area.centered(width: min(area.width, 64), height: min(area.height, 6))
        buffer.fill(frame, style: theme.panel)
        let inner = Box.draw(frame, title: prompt.title, buffer: &buffer, theme: theme)
        buffer.write(prompt.hint, in: inner.row(0), style: theme.panel)
        TextField().render(in: inner.row(1), buffer: &buffer, state: field, theme: theme, focused: true)
        if status.level == .error || status.level == .warning, !status.message.isEmpty {
            buffer.write(status.message, in: inner.row(2), style: theme.panel.patched(with: status.level == .error ? theme.statusBad : theme.statusWarning))
        }
        buffer.write("Enter  OK  ·  Esc  Cancel", in: inner.row(3), style: theme.disabled)
    }

    /// The billing portal (R7, primary owner): payment method, invoices, retry.
    private static func portal(_ state: DashboardState, _ invoices: [Invoice]?, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let frame = area.centered(width: min(area.width, 90), height: min(area.height, max(8, (invoices?.count ?? 0) + 6)))
        buffer.fill(frame, style: theme.panel)
        let inner = Box.draw(frame, title: "Billing portal · Esc closes", buffer: &buffer, theme: theme)
        let s = state.billing?.subscription
        var head = "Card \(s?.cardLast4.map { "•••• \($0)" } ?? "none")  ·  c  Change card"
        if s?.status?.awaitsPayment == true { head += "  ·  r  Retry payment" }
        buffer.write(head, in: inner.row(0), style: theme.accent)
        let columns = [TableColumn("Date", width: .fixed(16)), TableColumn("Description", width: .flex(min: 10)),
                       TableColumn("Amount", width: .fixed(11), alignment: .right), TableColumn("Status", width: .fixed(8)),
                       TableColumn("Failure", width: .flex(min: 8), priority: 1)]
        let rows = (invoices ?? []).map { i -> [TableCell] in
            [TableCell(UTC.short(i.createdAt)), TableCell(i.description), TableCell(Money.cents(i.amountCents)),
             TableCell(i.status, style: i.status == "paid" ? theme.statusGood : theme.statusBad), TableCell(i.failure ?? "")]
        }
        Table(columns: columns, emptyText: invoices == nil ? "Loading invoices…" : "No invoices yet")
            .render(in: inner.inset(top: 2), buffer: &buffer, state: TableState(), dataSource: Rows(rows), theme: theme)
    }
}
