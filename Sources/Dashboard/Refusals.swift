import CofferCore
import CofferStore
import TerminalUI

extension DashboardState {
    /// Why `command` cannot run now, or nil when it can (R7: disabled actions say why, before
    /// anything is asked). ``DashboardKeys/keymap(for:)`` marks the bindings with it, so the
    /// footer dims them, help lists the reason, and the reducer answers the key with it.
    public func refusal(of command: DashboardCommand) -> String? {
        switch command {
        case .nextPlan, .previousPlan, .interval, .checkout, .portal, .biggerPack, .smallerPack, .morePacks, .fewerPacks, .buyPack:
            billingRefusal(command)
        case .mark, .invite, .replace, .remove, .access, .limit, .personal, .optIn:
            teamRefusal(command)
        case .search, .open, .earlier, .later, .export:
            usageRefusal(command)
        case .retryPayment:
            billing?.subscription.status?.awaitsPayment == true ? nil : "No payment is outstanding"
        default:
            nil
        }
    }

    private func billingRefusal(_ command: DashboardCommand) -> String? {
        if command == .portal { return may(.billingPortal) ? nil : Permissions.refusal(for: .billingPortal) }
        guard let billing else { return "Billing is still loading" }
        switch command {
        case .nextPlan, .previousPlan, .interval, .checkout:
            guard billing.offersPlans, !billing.plans.isEmpty else { return "A plan is running: the plan selector shows when none is" }
            return command == .checkout ? billing.checkout.refusal : nil
        default: // the pack buttons (R23)
            return billing.packs.enabled ? nil : billing.packs.message
        }
    }

    private func teamRefusal(_ command: DashboardCommand) -> String? {
        switch command {
        case .personal, .optIn:
            guard let me else { return team.members.isEmpty ? "Members are still loading" : nil }
            return MemberRules.selfSwitchRefusal(toPersonal: command == .personal, access: me.access)
        case .invite:
            return may(.manageSeats) ? nil : Permissions.refusal(for: .manageSeats)
        case .replace, .remove:
            guard may(.manageSeats) else { return Permissions.refusal(for: .manageSeats) }
            guard let member = team.current else { return "No member is selected" }
            let holdsSeat = member.multiplier != nil
            return command == .remove ? MemberRules.seatRemovalRefusal(email: member.email, role: member.role, holdsSeat: holdsSeat)
                                      : MemberRules.seatReplacementRefusal(email: member.email, role: member.role, holdsSeat: holdsSeat)
        case .access, .limit:
            guard may(.setMemberAccess) else { return Permissions.refusal(for: .setMemberAccess) }
            let targets = team.targets
            guard !targets.isEmpty else { return "No member is selected" }
            guard command == .access, targets.count == 1, let member = team.members.first(where: { $0.email == targets[0] }) else { return nil }
            return MemberRules.accessChangeRefusal(email: member.email, pending: member.pending)
        default: // Space marks rows for the bulk changes, which are for owners
            guard may(.setMemberAccess) else { return Permissions.refusal(for: .setMemberAccess) }
            return team.members.isEmpty ? "No member to select" : nil
        }
    }

    private func usageRefusal(_ command: DashboardCommand) -> String? {
        let view = usage.view
        switch command {
        case .search:
            return view.tab == .conversations ? nil : "Search is on the Conversations tab"
        case .open:
            guard view.tab == .conversations else { return "The billing detail sheet is on the Conversations tab" }
            return usage.rows?.indices.contains(usage.table.selected) == true ? nil : "No conversation is selected"
        case .export:
            return usage.rows?.isEmpty == true ? "Nothing to export: no records in this view" : nil
        default:
            let earlier = command == .earlier
            guard view.window.stepped(earlier: earlier, now: now) == nil else { return nil }
            return earlier ? "All time has nothing earlier" : "The range already ends today"
        }
    }
}
