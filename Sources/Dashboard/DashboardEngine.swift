import CofferCore
import CofferStore
import Foundation

/// Runs the reducer's effects against the store off the UI loop, and hands their results back
/// as actions (a slow query never freezes input). Polls a change token so that what another
/// process writes shows within a tick or two (SPEC §9 "Live").
public final class DashboardEngine: @unchecked Sendable {
    private let store: CofferStore
    private let viewer: Actor
    private let queue = DispatchQueue(label: "coffer.dashboard.effects")
    private let lock = NSLock()
    private var inbox: [DashboardAction] = []
    private var token: String?
    private var polling = false

    /// An engine over `store`, acting as `viewer`.
    public init(store: CofferStore, viewer: Actor) {
        self.store = store
        self.viewer = viewer
    }

    /// Starts the effects; their results arrive through `drain()`.
    public func perform(_ effects: [DashboardEffect]) {
        for effect in effects {
            if effect == .pollChanges {
                guard lock.withLock({ !polling }) else { continue } // one poll at a time
                lock.withLock { polling = true }
            }
            queue.async { [self] in
                let action = run(effect)
                lock.withLock {
                    if effect == .pollChanges { polling = false }
                    if let action { inbox.append(action) }
                }
            }
        }
    }

    /// The actions that arrived since the last call.
    public func drain() -> [DashboardAction] {
        lock.withLock {
            defer { inbox.removeAll() }
            return inbox
        }
    }

    /// Waits until every effect started so far has answered (tests).
    public func wait() { queue.sync {} }

    private func run(_ effect: DashboardEffect) -> DashboardAction? {
        do {
            switch effect {
            case .loadBilling:
                return .billingLoaded(BillingSnapshot(subscription: try Subscriptions(store).show(actor: viewer),
                                                      balance: try Balances(store).report(for: viewer),
                                                      packs: try CreditPacks(store).state(actor: viewer)))
            case .loadMembers:
                return .membersLoaded(try Members(store).list(actor: viewer))
            case .loadUsage(let view):
                var filter = view.range.filter(now: store.now)
                filter.search = view.search.isEmpty ? nil : view.search
                let page = try UsageQueries(store).page(view.tab, filter: filter, sort: view.sort, limit: 200, actor: viewer)
                return .usageLoaded(view, page, try UsageQueries(store).summary(view.tab, filter: filter, actor: viewer))
            case .loadDetail(let conversation):
                return .detailLoaded(conversation, try UsageQueries(store).detail(conversation: conversation, actor: viewer))
            case .switchAccess(let toPersonal):
                let access = try Members(store).switchSelf(actor: viewer, toPersonal: toPersonal)
                return .done("You are on \(access.rawValue.capitalized) access")
            case .buyPack(let amount):
                let balance = try CreditPacks(store).buy(actor: viewer, amount: amount)
                return .done("Bought a \(amount) credit pack: the team pool holds \(balance)")
            case .pollChanges:
                try store.settle() // before a refresh, whatever has fallen due (R15a)
                let now = try store.changeToken()
                defer { token = now }
                return now != token ? .changed : nil
            }
        } catch let error as CofferError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}
