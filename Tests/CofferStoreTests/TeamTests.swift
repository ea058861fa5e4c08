@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// R5–R7, R25–R27, R31–R32 on real databases.
@Suite("Team: roles, seats, access types (R5–R7, R25–R27, R31–R32)")
struct TeamTests {
    /// A Pro workspace (active, paid) with `seats` paid seats; returns the fixture, store and primary owner.
    static func team(seats: Int64 = 3, strategy: String = "per_team", plan: String = "pro",
                     now: String = "2026-01-10T10:00:00Z") throws -> (StoreFixture, CofferStore, Actor) {
        let fixture = try StoreFixture(now: now)
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try Billing(store).setCard(actor: ada, number: "4242424242424242")
        try Subscriptions(store).subscribe(actor: ada, plan: plan, interval: .monthly, seats: seats, strategy: strategy)
        return (fixture, store, ada)
    }

    static func actor(_ store: CofferStore, _ email: String) throws -> Actor {
        try Workspaces(store).actor(email: email, workspace: nil)
    }

    static func sound(_ store: CofferStore, _ context: String = "") throws {
        let report = try LedgerCheck(store).run()
        #expect(report.isSound, "\(context): \(report.violations)")
    }

    @Test("R26: limits, duplicates, normalised emails, re-adding, replacing, the owner's seat, mixed batches")
    func seatRules() throws {
        let (_, store, ada) = try Self.team(seats: 3)
        let seats = Seats(store)
        let batch = try seats.add(actor: ada, emails: [" A@B.COM ", "a@b.com", "c@d.com", "e@f.com", "not an email"])
        #expect(batch.map(\.error) == [nil, "User already has a seat for this team", nil, "Seats limit exceeded: 4 > 3",
                                       "Invalid email: not an email"])
        #expect(try seats.list(actor: ada).map(\.email) == ["ada@acme.test", "a@b.com", "c@d.com"])
        #expect(try seats.list(actor: ada).filter { $0.state == "pending" }.count == 2, "pending invitations count")
        #expect(throws: CofferError("The owner's seat cannot be removed")) { try seats.remove(actor: ada, email: "ada@acme.test") }
        #expect(throws: CofferError("The owner's seat cannot be replaced")) { try seats.replace(actor: ada, from: "ada@acme.test", to: "x@y.z") }
        #expect(throws: CofferError("There is already a seat with this email c@d.com")) { try seats.replace(actor: ada, from: "a@b.com", to: "C@D.com") }
        try seats.remove(actor: ada, email: "a@b.com")
        #expect(try seats.add(actor: ada, emails: ["e@f.com"]).map(\.error) == [nil], "a removed seat frees its slot")
        #expect(try seats.add(actor: ada, emails: ["a@b.com"]).map(\.error) == ["Seats limit exceeded: 4 > 3"])
        try seats.remove(actor: ada, email: "e@f.com")
        #expect(try seats.add(actor: ada, emails: ["a@b.com"]).map(\.error) == [nil], "a removed email can be re-added")
        try seats.replace(actor: ada, from: "a@b.com", to: "g@h.com")
        #expect(try seats.list(actor: ada).map(\.email).sorted() == ["ada@acme.test", "c@d.com", "g@h.com"])
        try Self.sound(store)
    }

    @Test("R26: a pending invitation counts, then is accepted")
    func pendingThenAccepted() throws {
        let (_, store, ada) = try Self.team(seats: 2)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        #expect(try Seats(store).add(actor: ada, emails: ["carol@acme.test"]).first?.error == "Seats limit exceeded: 3 > 2")
        let bob = try Self.actor(store, "bob@acme.test")
        #expect(bob.pending)
        #expect(try Members(store).list(actor: ada).first { $0.email == "bob@acme.test" }?.pending == true)
        try Members(store).acceptInvite(actor: bob)
        #expect(try Self.actor(store, "bob@acme.test").pending == false)
        #expect(try Seats(store).list(actor: ada).map(\.state) == ["held", "held"])
        #expect(throws: CofferError("You have no pending invitation in acme")) { try Members(store).acceptInvite(actor: bob) }
    }

    @Test("R9: Business seats are the account manager's; the operator's change waits for the next period")
    func businessSeats() throws {
        let (fixture, store, ada) = try Self.team(seats: 2, plan: "business")
        #expect(throws: CofferError("Seat changes on the Business plan are made by your account manager")) {
            try Seats(store).buy(actor: ada, count: 1)
        }
        let workspace = try Workspaces(store).workspace(nil)
        let from = try Seats(store).operatorSet(workspace: workspace, seats: 5)
        #expect(try Subscriptions(store).show(actor: ada).seats == 2)
        fixture.now = from
        try store.settle()
        #expect(try Subscriptions(store).show(actor: ada).seats == 5)
        #expect(try AuditLog(store).list(actor: ada).contains { $0.action == "seats.set" && $0.actor == "operator" })
    }

    @Test("R9/R4: Pro seats are self-serve, with a prorated charge")
    func buySeats() throws {
        let fixture = try StoreFixture(now: "2026-01-01T00:00:00Z")
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Self.actor(store, "ada@acme.test")
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly, card: "4242424242424242")
        _ = try Subscriptions(store).cancel(actor: ada, now: true)
        try Subscriptions(store).subscribe(actor: ada, plan: "pro", interval: .monthly) // paid now, no trial
        try fixture.at("2026-01-16T12:00:00Z") // half of January left
        #expect(try Seats(store).buy(actor: ada, count: 2) == 3)
        let invoice = try #require(try Billing(store).invoices(actor: ada).first)
        #expect(invoice.amountCents == 9_900) // 2 × $99 × ½
        #expect(invoice.description == "2 more seats (prorated)")
    }

    @Test("R26–R27: under PER_SEAT a multiplier-2 seat occupies two seats and receives twice the allotment")
    func multiplier() throws {
        let (_, store, ada) = try Self.team(seats: 3, strategy: "per_seat")
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        try Members(store).setMultiplier(actor: ada, email: "bob@acme.test", multiplier: 2)
        #expect(try Seats(store).add(actor: ada, emails: ["carol@acme.test"]).first?.error == "Seats limit exceeded: 4 > 3")
        #expect(throws: CofferError("Seats limit exceeded: 5 > 3")) {
            try Members(store).setMultiplier(actor: ada, email: "bob@acme.test", multiplier: 4)
        }
        #expect(throws: CofferError("Seat multipliers go from 1 to 10")) {
            try Members(store).setMultiplier(actor: ada, email: "bob@acme.test", multiplier: 11)
        }
        let wallets = try Balances(store).report(for: ada).wallets.filter { $0.kind == .seat && $0.asset == .credits }
        #expect(wallets.first { $0.holder == "ada@acme.test" }?.balance == 100_000)
        #expect(wallets.first { $0.holder == "bob@acme.test" }?.balance == 200_000)
        let hours = try Balances(store).report(for: ada).wallets.filter { $0.kind == .seat && $0.asset == .service("mentorship-hour") }
        #expect(hours.first { $0.holder == "bob@acme.test" }?.balance == 200_000) // 2 × 100 hours
        try Self.sound(store)
    }

    @Test("R26: multipliers under PER_TEAM are refused")
    func multiplierPerTeam() throws {
        let (_, store, ada) = try Self.team()
        #expect(throws: CofferError("Seat multipliers apply only to per-seat plans")) {
            try Members(store).setMultiplier(actor: ada, email: "ada@acme.test", multiplier: 2)
        }
    }

    @Test("R27: PER_SEAT allotments across three refreshes, a seat added mid-period and one replaced; check after each")
    func perSeatRefreshes() throws {
        let (fixture, store, ada) = try Self.team(seats: 3, strategy: "per_seat", now: "2026-01-31T00:00:00Z")
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        try Self.sound(store, "start")
        func seatCredits(_ email: String) throws -> Int64? {
            let report = try Balances(store).report(for: ada)
            return report.wallets.first(where: { wallet in wallet.kind == .seat && wallet.asset == .credits && wallet.holder == email })?.balance
        }
        let pool = { try Balances(store).report(for: ada).wallets.first { $0.kind == .teamPool && $0.asset == .credits }!.balance }
        #expect(try pool() == 5_000, "under PER_SEAT the pool gets no period grant")
        try fixture.at("2026-02-14T00:00:00Z")
        _ = try Seats(store).add(actor: ada, emails: ["carol@acme.test"]) // mid-period: its allotment at once
        #expect(try seatCredits("carol@acme.test") == 100_000)
        try Self.sound(store, "mid-period")
        try fixture.at("2026-02-28T00:00:00Z") // refresh 1: unused seat credits roll (50% cap) into the pool
        try store.settle()
        #expect(try seatCredits("ada@acme.test") == 100_000)
        #expect(try pool() == 5_000 + 3 * 50_000)
        try Self.sound(store, "refresh 1")
        try Seats(store).replace(actor: ada, from: "bob@acme.test", to: "dan@acme.test")
        #expect(try seatCredits("dan@acme.test") == 100_000, "the wallet moved with the seat")
        #expect(try seatCredits("bob@acme.test") == nil)
        try fixture.at("2026-03-31T00:00:00Z") // refresh 2
        try store.settle()
        #expect(try seatCredits("dan@acme.test") == 100_000)
        try Self.sound(store, "refresh 2")
        try Seats(store).remove(actor: ada, email: "carol@acme.test") // its credits move to the pool
        let beforeRefresh3 = try pool()
        try fixture.at("2026-04-30T00:00:00Z") // refresh 3
        try store.settle()
        #expect(try seatCredits("carol@acme.test") == nil)
        #expect(try pool() > 5_000)
        #expect(beforeRefresh3 >= 5_000 + 100_000)
        try Self.sound(store, "refresh 3")
        #expect(try AuditLog(store).list(actor: ada).contains { $0.action == "seat.wallet-closed" })
    }

    @Test("R31: a member switches to Personal and back, returning to Credits when that was the type")
    func switchAndReturn() throws {
        let (_, store, ada) = try Self.team(seats: 3)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        try Members(store).acceptInvite(actor: try Self.actor(store, "bob@acme.test"))
        #expect(throws: CofferError("All members of a shared credit pool must be on the same plan tier (team: Pro, yours: Free)")) {
            try Members(store).setAccess(actor: ada, email: "bob@acme.test", access: .credits)
        }
        try Subscriptions(store).subscribePersonal(email: "bob@acme.test", plan: "pro", interval: .monthly, card: "4242424242424242")
        try Members(store).setAccess(actor: ada, email: "bob@acme.test", access: .credits)
        #expect(try Seats(store).list(actor: ada).count == 1, "Credits access holds no seat")
        let bob = try Self.actor(store, "bob@acme.test")
        #expect(try Members(store).switchSelf(actor: bob, toPersonal: true) == .personal)
        #expect(try Members(store).switchSelf(actor: bob, toPersonal: false) == .credits)
        #expect(try Members(store).list(actor: ada).first { $0.email == "bob@acme.test" }?.effectivePlan == "Pro")
        // A Seat member keeps the seat reserved while Personal, and returns to Seat.
        _ = try Seats(store).add(actor: ada, emails: ["carol@acme.test"])
        let carol = try Self.actor(store, "carol@acme.test")
        try Members(store).acceptInvite(actor: carol)
        #expect(try Members(store).switchSelf(actor: carol, toPersonal: true) == .personal)
        #expect(try Seats(store).list(actor: ada).first { $0.email == "carol@acme.test" }?.state == "reserved")
        _ = try Seats(store).add(actor: ada, emails: ["dan@acme.test"])
        #expect(try Seats(store).add(actor: ada, emails: ["erin@acme.test"]).first?.error == "Seats limit exceeded: 4 > 3",
                "a reserved seat still counts")
        #expect(try Members(store).switchSelf(actor: carol, toPersonal: false) == .seat)
        #expect(throws: CofferError("You are already on the team (Seat access)")) { try Members(store).switchSelf(actor: carol, toPersonal: false) }
    }

    @Test("R32: unassign removes every seat (the owner's too) and closes the pool; assign restores the owner's seat")
    func unassignAssign() throws {
        let (_, store, ada) = try Self.team(seats: 3)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test", "carol@acme.test"])
        try Members(store).acceptInvite(actor: try Self.actor(store, "bob@acme.test"))
        let poolBefore = try Balances(store).teamPoolCredits(workspace: ada.workspaceID)
        try Members(store).unassign(actor: ada)
        #expect(try Members(store).list(actor: ada).map(\.access) == [.personal, .personal])
        #expect(try Balances(store).teamPoolCredits(workspace: ada.workspaceID) == poolBefore, "the pool is kept")
        #expect(try Seats(store).add(actor: ada, emails: ["dan@acme.test"]).first?.error
                == "The subscription is not assigned to the team: assign it first (coffer subscription assign)")
        try Members(store).assign(actor: ada)
        #expect(try Seats(store).list(actor: ada).map(\.email) == ["ada@acme.test"])
        #expect(try Members(store).list(actor: ada).map(\.access) == [.seat, .personal])
        try Self.sound(store)
    }

    @Test("R6: one primary owner, always; transfer goes to an owner; roles are the primary owner's to change")
    func rolesAndTransfer() throws {
        let (_, store, ada) = try Self.team(seats: 3)
        _ = try Seats(store).add(actor: ada, emails: ["bob@acme.test"])
        #expect(throws: CofferError("The primary owner role can go only to an owner: make bob@acme.test an owner first")) {
            try Members(store).transferOwnership(actor: ada, to: "bob@acme.test")
        }
        try Members(store).acceptInvite(actor: try Self.actor(store, "bob@acme.test"))
        try Members(store).setRole(actor: ada, email: "bob@acme.test", role: .owner)
        let bob = try Self.actor(store, "bob@acme.test")
        #expect(throws: CofferError("Only the primary owner can change roles")) { try Members(store).setRole(actor: bob, email: "ada@acme.test", role: .member) }
        try Members(store).transferOwnership(actor: ada, to: "bob@acme.test")
        #expect(try Self.actor(store, "bob@acme.test").role == .primaryOwner)
        #expect(try Self.actor(store, "ada@acme.test").role == .owner)
        let primaries = try store.snapshot { try $0.int("SELECT count(*) FROM members WHERE role = 'primary_owner'") }
        #expect(primaries == 1)
        let audit = try AuditLog(store).list(actor: bob).map(\.action)
        #expect(audit.contains("member.role") && audit.contains("member.transfer-ownership"))
    }

    @Test("R7: every action × every role through the domain; a refusal writes nothing")
    func permissionMatrixThroughTheDomain() throws {
        let (_, store, ada) = try Self.team(seats: 4)
        _ = try Seats(store).add(actor: ada, emails: ["olga@acme.test", "max@acme.test", "zed@acme.test"])
        try Members(store).setRole(actor: ada, email: "olga@acme.test", role: .owner)
        for email in ["olga@acme.test", "max@acme.test", "zed@acme.test"] {
            try Members(store).acceptInvite(actor: try Self.actor(store, email))
        }
        let olga = try Self.actor(store, "olga@acme.test"), max = try Self.actor(store, "max@acme.test")
        typealias Attempt = (Action, (Actor) throws -> Void)
        let attempts: [Attempt] = [
            (.manageSubscription, { _ = try Subscriptions(store).pause(actor: $0) }),
            (.billingPortal, { _ = try Billing(store).invoices(actor: $0) }),
            (.buyPacksAlertsRecharge, { try CreditPacks(store).buy(actor: $0, amount: .whole(10)) }),
            (.assignSubscription, { try Members(store).unassign(actor: $0) }),
            (.changeRoles, { try Members(store).setRole(actor: $0, email: "zed@acme.test", role: .owner) }),
            (.manageSeats, { try Seats(store).remove(actor: $0, email: "zed@acme.test") }),
            (.setMemberAccess, { try Members(store).setLimit(actor: $0, email: "zed@acme.test", limit: .whole(5)) }),
        ]
        for (action, attempt) in attempts {
            for actor in [olga, max] where !Permissions.allows(actor.role, action) {
                let before = try store.ledgerFingerprint()
                let audit = try store.snapshot { try $0.int("SELECT count(*) FROM audit_log") }
                // Packs answer with R23's own message; everything else with R7's.
                let message = action == .buyPacksAlertsRecharge ? "Only the team creator can purchase credit packs" : Permissions.refusal(for: action)
                #expect(throws: CofferError(message), "\(actor.role) \(action)") { try attempt(actor) }
                #expect(try store.ledgerFingerprint() == before)
                #expect(try store.snapshot { try $0.int("SELECT count(*) FROM audit_log") } == audit)
            }
        }
        // The owner may manage seats and limits; the primary owner may do everything.
        try Members(store).setLimit(actor: olga, email: "zed@acme.test", limit: .whole(5))
        #expect(throws: CofferError("Only the owner can manage team")) { _ = try AuditLog(store).list(actor: max) }
        for (_, attempt) in attempts.reversed() { try? attempt(ada) }
        try Self.sound(store)
    }
}
