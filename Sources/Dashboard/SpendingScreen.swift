import CofferCore
import CofferStore
import TerminalUI

/// The Spending tab (SPEC §9): where the credits of the Usage view's range went — per day with the
/// pool balance over it, the top members and services with their share, and each member's use this
/// period against their limit. It degrades by dropping parts from the bottom: limits, then the
/// top lists (one line of the top member stays), then the chart's frame.
extension DashboardView {
    static func spending(_ state: DashboardState, _ body: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard body.height > 0 else { return }
        rangeBar(state, body.row(0), &buffer, theme, scope: state.spendingScopeNote)
        guard body.height > 1 else { return }
        guard let report = state.spending else {
            buffer.write(" Loading…", in: body.row(1), style: theme.disabled)
            return
        }
        buffer.write(" " + totalsLine(report), in: body.row(1), style: theme.header)
        let rest = body.inset(top: 3)
        guard rest.height >= 3 else { return }
        if report.days.isEmpty || report.charges == 0 {
            buffer.write(" Nothing was spent in this range.", in: rest.row(0), style: theme.disabled)
            return limits(state, rest.inset(top: 2), &buffer, theme)
        }
        let unicode = theme.glyphs.isUnicode
        let legend = "\(unicode ? "█" : "#") credits spent per day  \(unicode ? "━" : "=") pool balance at the day's end"
        if rest.height < 12 { // small: the chart unframed, and the top member under it
            let chartRect = Rect(x: rest.x + 1, y: rest.y, width: rest.width - 2, height: rest.height - 1)
            chart(report).render(in: chartRect, buffer: &buffer, theme: theme)
            if let top = report.members.first {
                buffer.write(" Top: \(top.name) \(top.credits) (\(share(top.credits, of: report.total)))", in: rest.row(rest.height - 1), style: theme.normal)
            }
            return
        }
        // The lists below take what they need; the chart the rest, within reason.
        let listRows = Self.topRows(report) + 1 + min(7, 1 + max(1, state.spendingLimits.count))
        let chartHeight = min(20, max(8, rest.height - listRows - 1))
        let frame = Rect(x: rest.x, y: rest.y, width: rest.width, height: chartHeight)
        let inner = Box.draw(frame, title: legend, buffer: &buffer, theme: theme)
        chart(report).render(in: inner.inset(left: 1, right: 1), buffer: &buffer, theme: theme)
        lower(state, report, rest.inset(top: chartHeight + 1), &buffer, theme)
    }

    /// The totals: all of them, then each charged tab's.
    static func totalsLine(_ report: SpendingReport) -> String {
        let whose = report.ownOnly ? "You spent" : "Spent"
        let tabs = report.tabs.count > 1 ? "  ·  " + report.tabs.map { "\($0.name) \($0.credits)" }.joined(separator: "  ·  ") : ""
        return "\(whose) \(report.total) in \(Table.grouped(Int(report.charges))) charge\(report.charges == 1 ? "" : "s")\(tabs)"
    }

    /// The chart of the report's days: credits as bars, the pool balance as the line.
    static func chart(_ report: SpendingReport) -> BarChart {
        BarChart(values: report.days.map { Double($0.credits.millicredits) },
                 line: report.days.map { $0.poolBalance.map { Double($0.millicredits) } },
                 format: { scaleLabel(Credits(millicredits: Int64($0.rounded()))) },
                 firstLabel: report.days.first.map { String(UTC.dateString($0.start).dropFirst(5)) } ?? "",
                 lastLabel: report.days.last.map { String(UTC.dateString($0.start).dropFirst(5)) } ?? "")
    }

    /// A scale's label: whole credits from $100 up ("$1,305"), to the millicredit below.
    static func scaleLabel(_ credits: Credits) -> String {
        let text = credits.description
        return credits.millicredits >= 100_000 ? String(text.prefix { $0 != "." }) : text
    }

    /// Rows the top lists take: a title and up to six of each.
    static func topRows(_ report: SpendingReport) -> Int { 1 + min(6, max(report.members.count, report.services.count)) }

    /// Under the chart: the top members and services side by side, and below them the limits.
    private static func lower(_ state: DashboardState, _ report: SpendingReport, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard area.height >= 2 else { return }
        let columns = area.split(columns: [.flex(1), .flex(1)])
        let height = min(area.height, topRows(report))
        let whoTitle = report.ownOnly ? "Your spending" : "Top members"
        shares(whoTitle, report.members, total: report.total, Rect(x: columns[0].x, y: area.y, width: columns[0].width, height: height), &buffer, theme)
        shares("Top services", report.services, total: report.total, Rect(x: columns[1].x, y: area.y, width: columns[1].width, height: height), &buffer, theme)
        let gap = area.height - height >= 4 ? 1 : 0
        if area.height - height - gap >= 2 { limits(state, area.inset(top: height + gap), &buffer, theme) }
    }

    /// A titled list of shares: name, credits, share of the total and a meter.
    private static func shares(_ title: String, _ shares: [SpendingReport.Share], total: Credits, _ rect: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard rect.height > 0 else { return }
        buffer.write(" " + title, in: rect.row(0), style: theme.header)
        let shown = shares.prefix(rect.height - 1)
        let amounts = shown.map(\.credits.description.count).max() ?? 0
        for (index, item) in shown.enumerated() {
            let line = rect.row(index + 1).inset(left: 1, right: 1)
            let figures = DisplayWidth.pad(item.credits.description, to: amounts, alignment: .right) + " "
                + DisplayWidth.pad(share(item.credits, of: total), to: 4, alignment: .right)
            let (nameWidth, meterWidth) = split(line.width, figures: DisplayWidth.of(figures))
            buffer.write(item.name, in: Rect(x: line.x, y: line.y, width: nameWidth, height: 1), style: theme.normal)
            buffer.write(figures, in: Rect(x: line.x + nameWidth + 1, y: line.y, width: DisplayWidth.of(figures), height: 1), style: theme.normal)
            if meterWidth > 0 {
                let fraction = total.millicredits > 0 ? Double(item.credits.millicredits) / Double(total.millicredits) : 0
                buffer.write(Meter.text(fraction, width: meterWidth, unicode: theme.glyphs.isUnicode), x: line.maxX - meterWidth, y: line.y,
                             style: theme.header, clip: line)
            }
        }
    }

    /// Each member's use this credit period against their limit, nearest the limit first (a member: their own).
    private static func limits(_ state: DashboardState, _ rect: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard rect.height > 0 else { return }
        buffer.write(" This period against limits", in: rect.row(0), style: theme.header)
        let members = state.spendingLimits
        if members.isEmpty {
            buffer.write(state.team.members.isEmpty ? " Loading…" : " No member has used credits or has a limit", in: rect.row(1), style: theme.disabled)
            return
        }
        let shown = members.prefix(rect.height - 1)
        let (used, limits) = (shown.map(\.usedThisPeriod.description.count).max() ?? 0, shown.compactMap { $0.limit?.description.count }.max() ?? 0)
        for (index, member) in shown.enumerated() {
            let line = rect.row(index + 1).inset(left: 1, right: 1)
            let name = member.name.isEmpty ? member.email : member.name
            guard let limit = member.limit else {
                let text = DisplayWidth.pad(member.usedThisPeriod.description, to: used, alignment: .right) + "  no limit"
                let nameWidth = min(24, max(1, line.width - DisplayWidth.of(text) - 1))
                buffer.write(name, in: Rect(x: line.x, y: line.y, width: nameWidth, height: 1), style: theme.normal)
                buffer.write(text, x: line.x + nameWidth + 1, y: line.y, style: theme.disabled, clip: line)
                continue
            }
            let fraction = limit.millicredits > 0 ? Double(member.usedThisPeriod.millicredits) / Double(limit.millicredits) : 1
            let mark = fraction >= 1 ? " at limit" : fraction >= Self.nearLimit ? " near" : ""
            let style = fraction >= 1 ? theme.statusBad : fraction >= Self.nearLimit ? theme.statusWarning : theme.normal
            let figures = DisplayWidth.pad(member.usedThisPeriod.description, to: used, alignment: .right) + " of "
                + DisplayWidth.pad(limit.description, to: limits, alignment: .right) + " "
                + DisplayWidth.pad(percent(fraction), to: 4, alignment: .right) + DisplayWidth.pad(mark, to: 9)
            let nameWidth = min(24, max(1, line.width - DisplayWidth.of(figures) - 1))
            let meterWidth = min(24, line.width - nameWidth - DisplayWidth.of(figures) - 2)
            buffer.write(name, in: Rect(x: line.x, y: line.y, width: nameWidth, height: 1), style: theme.normal)
            let end = buffer.write(figures, x: line.x + nameWidth + 1, y: line.y, style: style, clip: line)
            if meterWidth >= 4 {
                buffer.write(Meter.text(fraction, width: meterWidth, unicode: theme.glyphs.isUnicode), x: end + 1, y: line.y,
                             style: style, clip: line)
            }
        }
    }

    /// How a list line of `width` columns shares out beside its figures: the name up to 18
    /// columns, a meter in what is left (none under 4 columns).
    private static func split(_ width: Int, figures: Int) -> (name: Int, meter: Int) {
        let name = max(1, min(18, width - figures - 1))
        let meter = width - name - figures - 2
        return meter >= 4 ? (name, min(meter, 24)) : (max(1, width - figures - 1), 0)
    }

    /// From this share of their limit on, a member's use is marked `near` (R30's limit is the edge).
    static let nearLimit = 0.8

    /// A share of a total as a whole percent ("<1%" for a sliver).
    static func share(_ part: Credits, of total: Credits) -> String {
        guard total.millicredits > 0 else { return "0%" }
        return percent(Double(part.millicredits) / Double(total.millicredits))
    }

    private static func percent(_ fraction: Double) -> String {
        let value = (fraction * 100).rounded()
        return fraction > 0 && value < 1 ? "<1%" : "\(Int(value))%"
    }
}

extension DashboardState {
    /// What the Spending tab's range bar says it covers.
    var spendingScopeNote: String {
        let view = usage.view
        guard let tab = view.spendingScope(now: now).tab else { return "·  all charged usage" }
        return "·  \(tab.title)  " + view.filterNote
    }

    /// The members whose use this period shows against their limit: those with a limit (nearest
    /// it first), then those who used credits without one; a member sees only their own (R7).
    var spendingLimits: [MemberView] {
        let members = showsUsers ? team.members : team.members.filter { $0.email == viewer.email }
        func fraction(_ m: MemberView) -> Double {
            guard let limit = m.limit else { return -1 }
            return limit.millicredits > 0 ? Double(m.usedThisPeriod.millicredits) / Double(limit.millicredits) : 1
        }
        return members.filter { $0.limit != nil || $0.usedThisPeriod > .zero }
            .sorted { (fraction($0), $0.usedThisPeriod, $1.email) > (fraction($1), $1.usedThisPeriod, $0.email) }
    }
}
