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
    /// The plan module on the left; balance, refresh, runway, packs, recharge and alerts on the right.
    /// Values wrap, and below 72 columns everything stacks, plan and status first (TerminalUI's FieldList).
    static func billing(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard let snapshot = state.billing else { return buffer.write(" Loading billing…", in: area.row(1), style: theme.disabled) }
        let wide = area.width >= 72
        let inner = area.inset(top: 1, left: 1, right: 1)
        let right = credits(snapshot, state, theme)
        let left = snapshot.offersPlans ? planSelector(snapshot, state, theme) : plan(snapshot, state, theme)
        // R23's message and the portal on lines of their own: they are longer than a column.
        let packs = Line("Packs", snapshot.packs.message + (snapshot.packs.enabled ? "  (b buy, +/- size, </> count)" : ""),
                         style: snapshot.packs.enabled ? theme.normal : theme.disabled)
        let portal = state.may(.billingPortal) ? Line("Portal", "v  payment method, invoices, retry payment", style: theme.normal)
                                               : Line("Portal", Permissions.refusal(for: .billingPortal), style: theme.disabled)
        if wide {
            let columns = inner.split(columns: [.flex(1), .fixed(2), .flex(1)])
            let below = max(FieldList(left).height(width: columns[0].width), FieldList(right).height(width: columns[2].width))
            FieldList(left).render(in: columns[0].inset(bottom: 3), buffer: &buffer, labelStyle: theme.header, theme: theme)
            FieldList(right).render(in: columns[2].inset(bottom: 3), buffer: &buffer, labelStyle: theme.header, theme: theme)
            FieldList([packs, portal]).render(in: inner.inset(top: min(below + 1, max(0, inner.height - 3))), buffer: &buffer,
                                              labelStyle: theme.header, theme: theme)
        } else {
            // Plan and status first, then what the viewer has left, then the rest.
            let head = Array(left.prefix { $0.label == "Plan" || $0.label == "Status" })
            FieldList(head + right + [packs] + left.dropFirst(head.count) + [portal])
                .render(in: inner, buffer: &buffer, labelStyle: theme.header, theme: theme)
        }
    }

    /// The running plan: tier, status (coloured and named, R11), description, price, features, billing details.
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
        if let trial = s.trialEnd, s.status == .trialing { left.append(Line("Trial ends", UTC.dateString(trial), theme.normal)) }
        if let end = s.periodEnd { left.append(Line("Period ends", UTC.dateString(end), theme.normal)) }
        if let scheduled = s.scheduledPlan { left.append(Line("Scheduled", "moves to \(scheduled) at period end", theme.statusWarning)) }
        left.append(Line("Features", s.features.joined(separator: ", "), theme.normal))
        left.append(Line("Card", s.cardLast4.map { "•••• \($0)" } ?? "none on file", theme.normal))
        return left
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
    /// refresh, runway, expiring credits, packs with R23's message, recharge and alerts.
    private static func credits(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
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
        let recharging = balance.recharge.contains { $0.seat == nil && $0.settings.enabled }
        right += [
            Line("Credits refresh", balance.nextRefresh.map(UTC.dateString) ?? "never (no recurring credits)", theme.normal),
            Line(balance.payer == .teamPool ? "Runway" : "Pool runway", balance.runway.phrase + (recharging ? "; auto-recharge not counted" : ""),
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
