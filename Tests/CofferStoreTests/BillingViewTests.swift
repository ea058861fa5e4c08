@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// What the Billing tab and `coffer balance` derive: runway, credits expiring soon, the checkout offer (SPEC §9, R10).
@Suite("Billing view facts (SPEC §9, R10, R21)")
struct BillingViewTests {
    @Test("Runway: the pool divided by the last 30 days' spending, from now; none without spending")
    func runwayFormula() {
        let now: Timestamp = 1_000_000
        #expect(Runway(balance: .whole(300), spentLast30Days: .whole(100), now: now).runsOutAt == now + 90 * UTC.day)
        #expect(Runway(balance: .whole(300), spentLast30Days: .zero, now: now).runsOutAt == nil)
        #expect(Runway(balance: .zero, spentLast30Days: .whole(1), now: now).runsOutAt == now, "already out")
        #expect(Runway(balance: Credits(millicredits: .max / 2), spentLast30Days: Credits(millicredits: 1), now: now).runsOutAt != nil, "no overflow trap")
    }

    @Test("Runway and expiring credits on a real team: spending today counts; rolled-over credits expire within 7 days of the period end")
    func onATeam() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 1_000_000)
        _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: .whole(30))
        let report = try Balances(store).report(for: ada)
        #expect(report.runway.spentLast30Days == .whole(30))
        #expect(report.runway.runsOutAt == fixture.now + (970 * 30 * UTC.day) / 30)
        #expect(report.expiringSoon.credits == .zero)
        // A month on: the period's unused credits roll over (R21) and expire at the end of the next period.
        fixture.now = UTC.addingMonths(1, to: fixture.now) + UTC.day * 24
        try store.settle()
        let later = try Balances(store).report(for: ada)
        #expect(later.expiringSoon.credits.millicredits > 0, "rolled-over credits expire within 7 days")
        #expect(later.expiringSoon.first.map { $0 > fixture.now && $0 <= fixture.now + 7 * UTC.day } == true)
    }

    @Test("SPEC §9: what falls due next on a real subscription — a trial's end and first charge at the plan's price, a scheduled downgrade charged at the new plan's price, a cancellation")
    func upcomingEvents() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        #expect(try Subscriptions(store).show(actor: ada).upcoming.isEmpty, "the Free plan has nothing due")
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 1, card: "4242424242424242")
        let trialEnd = fixture.now + 14 * UTC.day
        #expect(try Subscriptions(store).show(actor: ada).upcoming == [
            UpcomingEvent(.trialEnds, at: trialEnd), UpcomingEvent(.charge(.firstPeriod, cents: 9_900), at: trialEnd),
            UpcomingEvent(.creditsRefresh(granted: true), at: UTC.addingMonths(1, to: fixture.now))])
        _ = try Subscriptions(store).change(actor: ada, plan: "starter", interval: .monthly, confirmed: true)
        #expect(try Subscriptions(store).show(actor: ada).upcoming.prefix(3) == [
            UpcomingEvent(.trialEnds, at: trialEnd), UpcomingEvent(.planChange(tier: "starter", interval: .monthly), at: trialEnd),
            UpcomingEvent(.charge(.firstPeriod, cents: 1_900), at: trialEnd)], "the catalog's Starter price")
        _ = try Subscriptions(store).cancel(actor: ada, now: false)
        #expect(try Subscriptions(store).show(actor: ada).upcoming == [UpcomingEvent(.trialEnds, at: trialEnd), UpcomingEvent(.ends(.canceled), at: trialEnd)])
    }

    @Test("R10, R7: checkout offers Start trial without billing history, Proceed to payment after; only the primary owner may")
    func checkout() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        #expect(try Subscriptions(store).checkout(actor: ada) == CheckoutOffer(trial: true, refusal: nil))
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, seats: 2)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        let bob = try Workspaces(store).actor(email: "bob@acme.test", workspace: nil)
        #expect(try Subscriptions(store).checkout(actor: bob).refusal == "Only the primary owner can change the subscription")
        #expect(try Subscriptions(store).checkout(actor: ada).refusal == "There is already a Pro subscription (Trialing)")
        _ = try Subscriptions(store).cancel(actor: ada, now: true)
        #expect(try Subscriptions(store).checkout(actor: ada) == CheckoutOffer(trial: false, refusal: nil), "a trial is billing history")
    }
}
