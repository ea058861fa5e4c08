import TerminalUI

/// Draws the gallery: title and tabs, the current page, status line and footer, overlays on top.
enum GalleryView {
    static let table = Table(columns: [
        TableColumn("ID", width: .fixed(8), alignment: .right),
        TableColumn("Customer", width: .flex(min: 10, weight: 2)),
        TableColumn("Status", width: .flex(min: 9), priority: 2),
        TableColumn("Amount", width: .fixed(11), alignment: .right, priority: 1),
    ], showsMarks: true)

    /// The rectangle the table gets for a screen area.
    static func layout(_ area: Rect) -> (title: Rect, body: Rect, status: Rect, footer: Rect) {
        let parts = area.split(rows: [.fixed(1), .flex(1), .fixed(1), .fixed(1)])
        return (parts[0], parts[1].inset(top: 1), parts[2], parts[3])
    }

    /// Where the tabs go on the title row.
    static func tabsRect(_ titleRow: Rect) -> Rect { titleRow.split(columns: [.fixed(19), .flex(1)])[1] }

    static func render(_ state: GalleryState, into buffer: inout Buffer, theme: Theme) {
        let (titleRow, body, status, footer) = layout(buffer.area)
        buffer.write(" Coffer UI Gallery", in: titleRow.split(columns: [.fixed(19), .flex(1)])[0], style: theme.header)
        Tabs(GalleryState.pages).render(in: tabsRect(titleRow), buffer: &buffer, selected: state.page, theme: theme)
        switch state.page {
        case 0: table.render(in: body, buffer: &buffer, state: state.table, dataSource: state.rows, theme: theme)
        case 1: renderForm(state, in: body, buffer: &buffer, theme: theme)
        case 2: renderDialogPage(state, in: body, buffer: &buffer, theme: theme)
        default: renderStyles(in: body, buffer: &buffer, theme: theme)
        }
        state.status.render(in: status, buffer: &buffer, theme: theme)
        Footer.render(in: footer, buffer: &buffer, keymap: state.keymap, theme: theme)
        if state.showHelp {
            HelpOverlay.render(in: buffer.area, buffer: &buffer, keymap: state.keymap, theme: theme)
        }
    }

    private static func renderForm(_ state: GalleryState, in body: Rect, buffer: inout Buffer, theme: Theme) {
        let rows = body.split(rows: [.fixed(1), .fixed(1), .fixed(1), .fixed(1), .fixed(1), .flex(1)])
        DateRangeBar(quickPicks: GalleryState.quickPicks)
            .render(in: rows[0], buffer: &buffer, state: state.range, theme: theme, focused: !state.editing)
        buffer.write("[ ] step period, ←/→ + Enter pick, c custom", in: rows[1], style: theme.disabled)
        let field = rows[3].split(columns: [.fixed(7), .flex(1)])
        buffer.write(" Name:", in: field[0], style: theme.header)
        TextField(placeholder: "type a name")
            .render(in: field[1].inset(right: 1), buffer: &buffer, state: state.field, theme: theme, focused: state.editing)
        buffer.write(state.editing ? "Editing: Enter/Esc to finish" : "Press e to edit", in: rows[4], style: theme.disabled)
    }

    private static func renderDialogPage(_ state: GalleryState, in body: Rect, buffer: inout Buffer, theme: Theme) {
        buffer.write("Press d to open a confirmation dialog (Cancel is the safe default).", in: body.row(0), style: theme.normal)
        if let dialog = state.dialog {
            Dialog(title: "Cancel subscription?", message: "The team keeps access until the end of the period. This cannot be undone.",
                   confirmLabel: "Cancel it", cancelLabel: "Keep", destructive: true)
                .render(in: body, buffer: &buffer, state: dialog, theme: theme)
        }
    }

    private static func renderStyles(in body: Rect, buffer: inout Buffer, theme: Theme) {
        let samples: [(String, Style)] = [
            ("normal", theme.normal), ("header", theme.header), ("accent", theme.accent),
            ("selected row", theme.selected), ("marked", theme.marked), ("disabled", theme.disabled),
            ("status good", theme.statusGood), ("status warning", theme.statusWarning), ("status bad", theme.statusBad),
            ("+12.00 positive", theme.positiveAmount), ("-3.50 negative", theme.negativeAmount),
        ]
        let columns = body.split(columns: [.flex(1), .flex(1)])
        for (i, sample) in samples.enumerated() {
            buffer.write(sample.0, in: columns[0].row(i).inset(left: 1), style: sample.1)
        }
        let widths = ["ASCII: abc", "CJK: 東京", "Emoji: 🚀👍🏽", "Combining: e\u{301}", "Sanitised: a\u{1B}]0;x\u{07}b",
                      "Depth: \(theme.depth.rawValue)", "Glyphs: \(theme.glyphs.isUnicode ? "unicode" : "ascii")"]
        for (i, text) in widths.enumerated() {
            buffer.write(text, in: columns[1].row(i), style: theme.normal)
        }
        let spark = columns[1].row(widths.count + 1)
        let x = buffer.write("Sparkline: ", x: spark.x, y: spark.y, style: theme.normal, clip: spark)
        Sparkline([0, 3, 5, 2, 8, 13, 21, 13, 8, 5, 0, 0, 1, 2, 4, 8, 16, 9, 4, 2])
            .render(in: Rect(x: x, y: spark.y, width: max(0, spark.maxX - x), height: 1), buffer: &buffer, style: theme.accent, theme: theme)
    }
}
