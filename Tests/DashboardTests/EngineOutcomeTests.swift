@testable import Dashboard
import CofferCore
import CofferStore
import Foundation
import Testing
import TerminalUI

/// The engine answers with facts from a real database; the reducer words them for the status line
/// and the lists (the engine writes no user-facing text).
@Suite("DashboardEngine answers facts; the reducer words them")
struct EngineOutcomeTests {
    /// The engine's answers to `effects`, once every one has run.
    static func answers(_ demo: DemoDatabase, _ effects: [DashboardEffect]) -> [DashboardAction] {
        let engine = DashboardEngine(store: demo.store, viewer: demo.owner)
        engine.perform(effects)
        engine.wait()
        return engine.drain()
    }

    @Test("A pack purchase answers what was bought and the pool after it; the status line says so")
    func packBought() throws {
        let demo = try DemoDatabase(records: 0)
        let answers = Self.answers(demo, [.buyPack(.whole(25), count: 2)])
        let pool = try Balances(demo.store).report(for: demo.owner).poolCredits
        guard case .done(let outcome)? = answers.first, answers.count == 1 else { Issue.record("\(answers)"); return }
        #expect(outcome == .packBought(count: 2, amount: .whole(25), balance: pool))
        var state = Fixture.loaded(demo.owner, tab: .billing)
        #expect(reduce(&state, .done(outcome)) == [.loadBilling])
        #expect(state.status == StatusLine("Bought 2 × $25 credit packs: the team pool holds \(pool)", level: .success))
        #expect(DashboardOutcome.packBought(count: 1, amount: .whole(10), balance: .whole(1_234)).message
                == "Bought a $10 credit pack: the team pool holds $1,234.000")
    }

    @Test("Every outcome's words")
    func messages() {
        let cases: [(DashboardOutcome, String)] = [
            (.accessSwitched(.personal), "You are on Personal access"),
            (.subscribed(plan: "Pro", status: .trialing), "Pro: Trialing"),
            (.subscribed(plan: "Pro", status: nil), "Pro: Active"),
            (.cardSaved(last4: "4242"), "Card ending 4242 saved"),
            (.paymentRetried(.pastDue), "Payment retried: Past due"),
            (.invited("zoe@acme.test"), "Invited zoe@acme.test: their seat is pending until they accept"),
            (.seatMoved(from: "a@acme.test", to: "b@acme.test"), "Moved a@acme.test's seat to b@acme.test"),
            (.seatRemoved("a@acme.test"), "Removed a@acme.test's seat"),
            (.membersChanged(["a@acme.test"], .access(.credits)), "a@acme.test: Credits access"),
            (.membersChanged(["a@acme.test", "b@acme.test"], .limit(nil)), "2 members: limit none"),
            (.membersChanged(["a@acme.test", "b@acme.test"], .limit(.whole(50))), "2 members: limit $50.000"),
        ]
        for (outcome, words) in cases { #expect(outcome.message == words) }
        #expect(BulkRefusal(applied: 0, total: 1, email: "a@acme.test", reason: "No such member").message == "a@acme.test: No such member")
        #expect(BulkRefusal(applied: 2, total: 3, email: "c@acme.test", reason: "No such member").message
                == "2 of 3 changed; c@acme.test: No such member")
    }

    @Test("R26's batch rule: a bulk limit applied to some members names how many and the first refusal; all applied, the members and the change")
    func bulk() throws {
        let demo = try DemoDatabase(records: 0)
        let answers = Self.answers(demo, [.setLimit(["olga@acme.test", "nobody@acme.test"], .whole(50)),
                                          .setLimit(["olga@acme.test", "ben@acme.test"], .whole(60))])
        guard answers.count == 2, case .bulkRefused(let refusal) = answers[0], case .done(let outcome) = answers[1] else {
            Issue.record("\(answers)")
            return
        }
        #expect(refusal.applied == 1 && refusal.total == 2 && refusal.email == "nobody@acme.test" && !refusal.reason.isEmpty)
        var state = Fixture.loaded(demo.owner, tab: .team)
        #expect(reduce(&state, .bulkRefused(refusal)).isEmpty)
        #expect(state.status == StatusLine("1 of 2 changed; nobody@acme.test: \(refusal.reason)", level: .error))
        #expect(outcome == .membersChanged(["olga@acme.test", "ben@acme.test"], .limit(.whole(60))))
        #expect(reduce(&state, .done(outcome)) == [.loadMembers, .loadBilling])
        #expect(state.status == StatusLine("2 members: limit $60.000", level: .success))
        let members = try Members(demo.store).list(actor: demo.owner)
        #expect(members.first { $0.email == "olga@acme.test" }?.limit == .whole(60))
    }

    @Test("The workspace switcher and the type filters: the engine answers values, the list is worded by the reducer")
    func lists() throws {
        let demo = try DemoDatabase(records: 0)
        let answers = Self.answers(demo, [.loadWorkspaces, .loadTypeFilter(.adjustments), .loadTypeFilter(.calls)])
        guard answers.count == 3, case .workspacesLoaded(let workspaces) = answers[0],
              case .typeFilterLoaded(.adjustments, let types) = answers[1], case .typeFilterLoaded(.calls, let keys) = answers[2] else {
            Issue.record("\(answers)")
            return
        }
        #expect(workspaces.map(\.slug) == [demo.owner.workspaceSlug])
        #expect(types == AdjustmentType.allCases.map(\.rawValue))
        var state = Fixture.loaded(demo.owner, tab: .usage)
        _ = reduce(&state, .workspacesLoaded(workspaces))
        #expect(state.modal == .choose(Choice(purpose: .workspace, title: "Switch workspace",
                                              labels: ["Acme Robotics (\(demo.owner.workspaceSlug)) · Primary owner"],
                                              values: [demo.owner.workspaceSlug]), selected: 0))
        state.modal = nil
        _ = reduce(&state, .typeFilterLoaded(.adjustments, ["admin_adjustment", "credit_expiration"]))
        #expect(state.modal == .choose(Choice(purpose: .typeFilter(.adjustments), title: "Filter by type",
                                              labels: ["All", "Admin adjustment", "Credit expiration"],
                                              values: [nil, "admin_adjustment", "credit_expiration"]), selected: 0))
        state.modal = nil
        _ = reduce(&state, .typeFilterLoaded(.calls, keys))
        guard case .choose(let choice, _)? = state.modal else { Issue.record("no list"); return }
        #expect(choice.title == "Filter by API key" && choice.labels == ["All"] + keys)
    }
}
