import CofferCore
import CofferStore
import TerminalUI

/// A labelled line of the Billing tab.
private typealias Line = Field

private extension Field {
    /// A field from its label, value and style.
    init(_ label: String, _ value: String, _ style: Style) { self.init(label, value, style: style) }
}

extension DashboardView {
    /// The plan module on the left, with the events due next; balance, the last 30 days' spending, runway,
    /// packs, recharge and alerts on the right.
    /// Values wrap, and below 72 columns everything stacks, plan and status first (TerminalUI's FieldList).
    static func billing(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard let snapshot = state.billing else { return buffer.write(" Loading billing…", in: area.row(1), style: theme.disabled) }
        let inner = area.inset(top: 1, left: 1, right: 1)
        let left = snapshot.offersPlans ? planSelector(snapshot, state, theme) : plan(snapshot, state, theme)
        // R23's message and the portal on lines of their own: they are longer than a column.
        let packs = Line("Packs", snapshot.packs.message + (snapshot.packs.enabled ? "  (b buy, +/- size, </> count)" : ""),
                         style: snapshot.packs.enabled ? theme.normal : theme.disabled)
        let portal = state.may(.billingPortal) ? Line("Portal", "v  payment method, invoices, retry payment", style: theme.normal)
                                               : Line("Portal", Permissions.refusal(for: .billingPortal), style: theme.disabled)
        // The spending chart grows taller, with its dates under it, when everything still fits (SPEC §9: Billing uses its space).
        for chart in [tallChart, 1] {
            let right = credits(snapshot, state, theme, chart: chart)
            if area.width >= 72 {
                let columns = BillingColumns(left: left, right: right, bottom: [packs, portal], in: inner)
                guard chart == 1 || columns.fits && columns.spilled.isEmpty else { continue }
                columns.render(in: &buffer, labelStyle: theme.header, theme: theme)
            } else {
                // Plan and status first, then what the viewer has left, then the rest.
                let head = Array(left.prefix { $0.label == "Plan" || $0.label == "Status" })
                let list = FieldList(head + right + [packs] + left.dropFirst(head.count) + [portal])
                guard chart == 1 || list.height(width: inner.width) <= inner.height else { continue }
                list.render(in: inner, buffer: &buffer, labelStyle: theme.header, theme: theme)
            }
            return
        }
    }

    /// Rows of the spending chart when the screen has room for it.
    static let tallChart = 4

    /// The running plan: tier, status (coloured and named, R11), description, price, what falls due next,
    /// features, billing details.
    private static func plan(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
        let s = snapshot.subscription
        var left: [Line] = [Line("Plan", "\(s.name) (\(s.tier))", style: theme.accent)]
        if let status = s.status {
            left.append(Line("Status", "● " + status.title + (s.cancelAtPeriodEnd ? " — cancels at period end" : ""), tone(status.tone, theme)))
        }
        left.append(Line("", s.description, theme.normal))
        if let interval = s.interval {
            left.append(Line("Price", "\(Money.cents(s.pricePerSeatCents)) per seat, \(interval.rawValue) · \(s.seats) seat\(s.seats == 1 ? "" : "s")", theme.normal))
        }
        left += nextDue(s, plans: snapshot.plans, theme)
        left.append(Line("Features", s.features.joined(separator: ", "), theme.normal))
        left.append(Line("Card", s.cardLast4.map { "•••• \($0)" } ?? "none on file", theme.normal))
        return left
    }

    /// What falls due next, soonest first, one event a row with its date (SPEC §9); a paused plan says
    /// that its billing waits for the resume.
    private static func nextDue(_ s: SubscriptionView, plans: [Plan], _ theme: Theme) -> [Line] {
        var lines = s.upcoming.map { event in
            Line("", UTC.dateString(event.time) + " " + phrase(event, plans: plans), event.warns ? theme.statusWarning : theme.normal)
        }
        if s.status == .paused { lines.append(Line("", "no charge until it is resumed", theme.statusWarning)) }
        if !lines.isEmpty { lines[0].label = "Next due" }
        return lines
    }

    /// An upcoming event in words, with its amount when known.
    private static func phrase(_ event: UpcomingEvent, plans: [Plan]) -> String {
        func amount(_ cents: Int64?) -> String { cents.map { " " + Money.cents($0) } ?? "" }
        switch event.kind {
        case .creditsRefresh(let granted): return granted ? "credits refresh" : "credits refresh, new credits withheld"
        case .trialEnds: return "trial ends"
        case .charge(.firstPeriod, let cents): return "first charge" + amount(cents)
        case .charge(.renewal, let cents): return "renewal" + amount(cents)
        case .charge(.retry(let attempt), let cents): return "payment retry \(attempt) of 3" + amount(cents)
        case .planChange(let tier, let interval):
            return "moves to \(plans.first { $0.tier == tier }?.name ?? tier), \(interval.rawValue)"
        case .seats(let seats): return "seats become \(seats)"
        case .ends(.canceled): return "subscription ends"
        case .ends(.movesToFree): return "moves to the Free plan"
        case .ends(.oneTimeOver): return "one-time plan ends"
        case .ends(.incompleteExpired): return "first payment window closes"
        }
    }

    /// No paid plan: the Team plan module's selector and Start trial / Proceed to payment (R10), disabled with the reason.
    private static func planSelector(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
        let s = snapshot.subscription
        var left: [Line] = [Line("Plan", s.ended || s.status == .unpaid ? "\(s.name) ended — Free plan" : "Free plan", theme.accent)]
        if let status = s.status { left.append(Line("Status", "● " + status.title, tone(status.tone, theme))) }
        left.append(Line("Choose", "a team plan (↑↓, i interval)", theme.header))
        for (index, plan) in snapshot.plans.enumerated() {
            let interval = state.chosenInterval(plan)
            let mark = index == state.choices.plan ? theme.glyphs.next : " "
            let price = "\(Money.cents(plan.seatPriceCents(interval))) / seat / \(interval == .yearly ? "year" : (interval == .oneTime ? "once" : "month"))"
            left.append(Line(mark, "\(plan.name) — \(price) · \(plan.monthlyCreditsPerSeat) credits", index == state.choices.plan ? theme.selected : theme.normal))
        }
        let enabled = snapshot.checkout.refusal == nil
        left.append(Line("", "[ \(snapshot.checkout.label) ]  Enter", enabled ? theme.accent : theme.disabled))
        if let refusal = snapshot.checkout.refusal { left.append(Line("", refusal, theme.disabled)) }
        return left
    }

    /// The balance of the wallet that pays for the viewer (R29) to three decimals, and which it is;
    /// (with no plan running) refresh, the last 30 days' spending, runway at that rate, expiring
    /// credits, packs with R23's message, recharge and alerts.
    private static func credits(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme, chart: Int) -> [Line] {
        let balance = snapshot.balance
        let mine = balance.payerCredits
        let paidFrom = switch balance.payer {
        case .personal: "your personal wallet (Personal access)"
        case .seat: "your seat wallet, then the team pool"
        default: "the team pool"
        }
        var right: [Line] = [
            Line("Credit balance", mine.description, mine.millicredits < 0 ? theme.negativeAmount : theme.positiveAmount),
            Line("Paid from", paidFrom, theme.normal),
        ]
        if balance.payer != .teamPool { right.append(Line("Team pool", balance.poolCredits.description, theme.normal)) }
        // A running plan lists its refresh with the other events due (SPEC §9).
        if snapshot.offersPlans {
            right.append(Line("Credits refresh", balance.nextRefresh.map(UTC.dateString) ?? "never (no recurring credits)", theme.normal))
        }
        right += spending(snapshot.spending, theme, chart: chart)
        let recharging = balance.recharge.contains { $0.seat == nil && $0.settings.enabled }
        // The date the pool runs out at the rate of the spending just above it.
        let runway = balance.runway.runsOutAt.map(UTC.dateString) ?? "no end date: nothing spent"
        right += [
            Line(balance.payer == .teamPool ? "Runway" : "Pool runway", runway + (recharging ? "; auto-recharge not counted" : ""),
                 balance.runway.runsOutAt.map { $0 - state.now < 7 * UTC.day } == true ? theme.statusWarning : theme.normal),
            Line("Expiring in 7 d", balance.expiringSoon.credits.millicredits == 0 ? "nothing"
                : "\(balance.expiringSoon.credits) (first \(balance.expiringSoon.first.map(UTC.dateString) ?? ""))", theme.normal),
            Line("Credit packs", packButtons(state.choices.pack, theme: theme) + "  ×\(state.choices.packCount)",
                 snapshot.packs.enabled ? theme.accent : theme.disabled),
        ]
        for recharge in balance.recharge {
            let r = recharge.settings
            let cap = r.maxPeriodSpend.map { ", cap \($0)" } ?? ", no cap"
            right.append(Line("Auto-recharge", "\(r.enabled ? "on" : "off"): below \(r.threshold) buy \(r.amount)\(cap)", theme.normal))
        }
        if balance.recharge.isEmpty { right.append(Line("Auto-recharge", "off", theme.normal)) }
        right.append(Line("Low-balance alert", balance.alertThreshold.map { "below \($0)" } ?? "off", theme.normal))
        if let alert = balance.alerts.first { right.append(Line("Latest alert", alert.message, theme.statusWarning)) }
        return right
    }

    /// The last 30 days' spending: its total and peak day, and a chart of it `chart` rows tall, one cell
    /// a day (TerminalUI's Sparkline: block characters, ASCII in the fallback; heights, never colour
    /// alone), with its first and last dates under it when it is taller than a row.
    private static func spending(_ spending: DailySpending, _ theme: Theme, chart: Int) -> [Line] {
        guard let peak = spending.peak else { return [Line("Spent 30 days", "nothing in the last 30 days", theme.normal)] }
        let total = spending.total.map { "\($0) · " } ?? ""
        var lines = [Line("Spent 30 days", "\(total)peak \(peak.credits) on \(monthDay(peak.day))", theme.normal)]
        lines += Sparkline(spending.credits.map(\.millicredits)).rows(glyphs: theme.glyphs, height: chart)
            .map { Line("", $0, style: theme.accent, wraps: false) }
        let (first, last) = (monthDay(spending.days.lowerBound), monthDay(spending.days.upperBound))
        if chart > 1, spending.credits.count >= first.count + last.count + 2 {
            let gap = String(repeating: " ", count: spending.credits.count - first.count - last.count)
            lines.append(Line("", first + gap + last, style: theme.disabled, wraps: false))
        }
        return lines
    }

    /// `11-19`: a day number's month and day, for days of the last 30.
    private static func monthDay(_ day: Int64) -> String { String(UTC.dateString(day * UTC.day).dropFirst(5)) }

    /// The six pack buttons, the chosen one in brackets.
    private static func packButtons(_ chosen: Int, theme: Theme) -> String {
        PackPurchaseState.packSizes.enumerated().map { index, size in
            let label = Money.wholeDollars(size)
            return index == chosen ? "[\(label)]" : label
        }.joined(separator: " ")
    }

    static func tone(_ tone: SubscriptionStatus.Tone, _ theme: Theme) -> Style {
        switch tone {
        case .good: theme.statusGood
        case .warning: theme.statusWarning
        case .bad: theme.statusBad
        }
    }
}

private extension UpcomingEvent {
    /// Whether the event takes something away (a plan change, an end, a retry, withheld credits): drawn as a warning.
    var warns: Bool {
        switch kind {
        case .planChange, .ends, .charge(.retry, _), .creditsRefresh(granted: false): true
        case .creditsRefresh, .trialEnds, .charge, .seats: false
        }
    }
}
