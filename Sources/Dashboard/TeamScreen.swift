import CofferCore
import CofferStore
import TerminalUI

/// The members table's columns (SPEC §9).
enum TeamColumns {
    static let columns = [
        TableColumn("Name", width: .flex(min: 8), priority: 5), TableColumn("Email", width: .flex(min: 12)),
        TableColumn("Role", width: .fixed(13), priority: 3), TableColumn("Access", width: .fixed(8)),
        TableColumn("Seats", width: .fixed(5), alignment: .right, priority: 7), TableColumn("Limit", width: .fixed(11), alignment: .right, priority: 4),
        TableColumn("Used", width: .fixed(11), alignment: .right, priority: 1), TableColumn("Remaining", width: .fixed(11), alignment: .right, priority: 2),
        TableColumn("Plan", width: .fixed(10), priority: 6),
    ]

    /// A member's cells; Pending for invitations (SPEC §9).
    static func cells(_ m: MemberView) -> [TableCell] { m.displayFields.map { TableCell($0) } }
}

extension DashboardView {
    /// The viewer's own access, the bulk action bar, and the members table with marks.
    static func team(_ state: DashboardState, _ layout: DashboardLayout, _ buffer: inout Buffer, _ theme: Theme) {
        if let me = state.me {
            let how = me.access == .personal ? "o  Opt back in" : "p  Switch me to Personal"
            buffer.write(" You are on \(me.access.title) access  ·  \(how)", in: layout.teamMine, style: theme.accent)
        }
        let marked = state.team.table.marked.count
        let manage = state.may(.setMemberAccess)
        let bar: String
        if !manage {
            bar = " " + Permissions.refusal(for: .setMemberAccess) + ": seats, access and limits are for owners"
        } else if marked > 0 {
            bar = " \(marked) selected  ·  a  Access type  ·  L  Limit  ·  Esc  Clear"
        } else {
            bar = " Space  Select  ·  a  Access  ·  L  Limit  ·  i  Invite  ·  R  Replace seat  ·  x  Remove seat"
        }
        buffer.fill(layout.teamBulk, style: marked > 0 ? theme.panel : theme.normal)
        buffer.write(bar, in: layout.teamBulk, style: marked > 0 ? theme.panel : (manage ? theme.normal : theme.disabled))
        Table(columns: TeamColumns.columns, showsMarks: true, emptyText: "Loading members…")
            .render(in: layout.teamTable, buffer: &buffer, state: state.team.table,
                    dataSource: Rows(state.team.members.map(TeamColumns.cells)), theme: theme)
    }
}
