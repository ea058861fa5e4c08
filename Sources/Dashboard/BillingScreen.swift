import CofferCore
import CofferStore
import TerminalUI

/// A labelled line of the Billing tab.
private typealias Line = (label: String, value: String, style: Style)

extension DashboardView {
    /// The plan module on the left; balance, refresh, runway, packs, recharge and alerts on the right.
    static func billing(_ state: DashboardState, _ area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        guard let snapshot = state.billing else { return buffer.write(" Loading billing…", in: area.row(1), style: theme.disabled) }
        let wide = area.width >= 72
        let columns = area.inset(top: 1, left: 1, right: 1).split(columns: wide ? [.flex(1), .fixed(2), .flex(1)] : [.flex(1)])
        let right = credits(snapshot, state, theme)
        let left = snapshot.offersPlans ? planSelector(snapshot, state, theme) : plan(snapshot, state, theme)
        // R23's message and the portal on lines of their own: they are longer than a column.
        let packs: Line = ("Packs", snapshot.packs.message + (snapshot.packs.enabled ? "  (b buy, +/- size, </> count)" : ""),
                           snapshot.packs.enabled ? theme.normal : theme.disabled)
        let portal: Line = state.may(.billingPortal) ? ("Portal", "v  payment method, invoices, retry payment", theme.normal)
                                                     : ("Portal", Permissions.refusal(for: .billingPortal), theme.disabled)
        if wide {
            lines(left, in: columns[0], &buffer, theme)
            lines(right, in: columns[2], &buffer, theme)
            let below = area.inset(top: 2 + max(left.count, right.count), left: 1, right: 1)
            lines([packs, portal], in: below, &buffer, theme)
        } else {
            lines(right + [packs, ("", "", theme.normal)] + left + [portal], in: columns[0], &buffer, theme) // the balance first
        }
    }

    /// The running plan: tier, status (coloured and named, R11), description, price, features, billing details.
    private static func plan(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
        let s = snapshot.subscription
        var left: [Line] = [("Plan", "\(s.name) (\(s.tier))", theme.accent)]
        if let status = s.status {
            left.append(("Status", "● " + status.title + (s.cancelAtPeriodEnd ? " — cancels at period end" : ""), tone(status.tone, theme)))
        }
        left.append(("", s.description, theme.normal))
        if let interval = s.interval {
            left.append(("Price", "\(Money.cents(s.pricePerSeatCents)) per seat, \(interval.rawValue) · \(s.seats) seat\(s.seats == 1 ? "" : "s")", theme.normal))
        }
        if let trial = s.trialEnd, s.status == .trialing { left.append(("Trial ends", UTC.dateString(trial), theme.normal)) }
        if let end = s.periodEnd { left.append(("Period ends", UTC.dateString(end), theme.normal)) }
        if let scheduled = s.scheduledPlan { left.append(("Scheduled", "moves to \(scheduled) at period end", theme.statusWarning)) }
        left.append(("Features", s.features.joined(separator: ", "), theme.normal))
        left.append(("Card", s.cardLast4.map { "•••• \($0)" } ?? "none on file", theme.normal))
        return left
    }

    /// No paid plan: the Team plan module's selector and Start trial / Proceed to payment (R10), disabled with the reason.
    private static func planSelector(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
        let s = snapshot.subscription
        var left: [Line] = [("Plan", s.ended || s.status == .unpaid ? "\(s.name) ended — Free plan" : "Free plan", theme.accent)]
        if let status = s.status { left.append(("Status", "● " + status.title, tone(status.tone, theme))) }
        left.append(("Choose", "a team plan (↑↓, i interval)", theme.header))
        for (index, plan) in snapshot.plans.enumerated() {
            let interval = state.chosenInterval(plan)
            let mark = index == state.choices.plan ? theme.glyphs.next : " "
            let price = "\(Money.cents(plan.seatPriceCents(interval))) / seat / \(interval == .yearly ? "year" : (interval == .oneTime ? "once" : "month"))"
            left.append((mark, "\(plan.name) — \(price) · \(plan.monthlyCreditsPerSeat) credits", index == state.choices.plan ? theme.selected : theme.normal))
        }
        let enabled = snapshot.checkout.refusal == nil
        left.append(("", "[ \(snapshot.checkout.label) ]  Enter", enabled ? theme.accent : theme.disabled))
        if let refusal = snapshot.checkout.refusal { left.append(("", refusal, theme.disabled)) }
        return left
    }

    /// Balance to three decimals, refresh, runway, expiring credits, packs with R23's message, recharge and alerts.
    private static func credits(_ snapshot: BillingSnapshot, _ state: DashboardState, _ theme: Theme) -> [Line] {
        let pool = snapshot.balance.poolCredits
        let balance = snapshot.balance
        var right: [Line] = [
            ("Credit balance", pool.description, pool.millicredits < 0 ? theme.negativeAmount : theme.positiveAmount),
            ("Credits refresh", balance.nextRefresh.map(UTC.dateString) ?? "never (no recurring credits)", theme.normal),
            ("Runway", balance.runway.phrase, balance.runway.runsOutAt.map { $0 - state.now < 7 * UTC.day } == true ? theme.statusWarning : theme.normal),
            ("Expiring in 7 d", balance.expiringSoon.credits.millicredits == 0 ? "nothing"
                : "\(balance.expiringSoon.credits) (first \(balance.expiringSoon.first.map(UTC.dateString) ?? ""))", theme.normal),
            ("Credit packs", packButtons(state.choices.pack, theme: theme) + "  × \(state.choices.packCount)",
             snapshot.packs.enabled ? theme.accent : theme.disabled),
        ]
        for recharge in balance.recharge {
            let r = recharge.settings
            let cap = r.maxPeriodSpend.map { ", cap \($0)" } ?? ", no cap"
            right.append(("Auto-recharge", "\(r.enabled ? "on" : "off"): below \(r.threshold) buy \(r.amount)\(cap)", theme.normal))
        }
        if balance.recharge.isEmpty { right.append(("Auto-recharge", "off", theme.normal)) }
        right.append(("Low-balance alert", balance.alertThreshold.map { "below \($0)" } ?? "off", theme.normal))
        if let alert = balance.alerts.first { right.append(("Latest alert", alert.message, theme.statusWarning)) }
        return right
    }

    /// The six pack buttons, the chosen one in brackets.
    private static func packButtons(_ chosen: Int, theme: Theme) -> String {
        PackPurchaseState.packSizes.enumerated().map { index, size in
            let label = Money.wholeDollars(size)
            return index == chosen ? "[\(label)]" : label
        }.joined(separator: " ")
    }

    private static func lines(_ items: [Line], in area: Rect, _ buffer: inout Buffer, _ theme: Theme) {
        let labelWidth = min(18, items.map(\.label.count).max() ?? 0)
        for (index, item) in items.enumerated() where index < area.height {
            let row = area.row(index)
            _ = buffer.write(item.label, x: row.x, y: row.y, style: theme.header, clip: row)
            buffer.write(item.value, in: row.inset(left: labelWidth + 2), style: item.style)
        }
    }

    static func tone(_ tone: SubscriptionStatus.Tone, _ theme: Theme) -> Style {
        switch tone {
        case .good: theme.statusGood
        case .warning: theme.statusWarning
        case .bad: theme.statusBad
        }
    }
}
