import CofferCore
import CofferStore
import Foundation

/// Runs the reducer's effects against the store off the UI loop, and hands their results back
/// as actions (a slow query never freezes input). Polls a change token so that what another
/// process writes shows within a tick or two (SPEC §9 "Live").
public final class DashboardEngine: @unchecked Sendable {
    private let store: CofferStore
    private var viewer: Actor
    private let queue = DispatchQueue(label: "coffer.dashboard.effects")
    private let lock = NSLock()
    private var inbox: [DashboardAction] = []
    private var token: String?
    private var polling = false
    private var underWay = 0

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
            lock.withLock { underWay += 1 }
            queue.async { [self] in
                let action = run(effect)
                lock.withLock {
                    if effect == .pollChanges { polling = false }
                    if let action { inbox.append(action) }
                    underWay -= 1
                }
            }
        }
    }

    /// True while effects are under way or answers wait to be drained: the UI loop should look again soon.
    public var isBusy: Bool { lock.withLock { underWay > 0 || !inbox.isEmpty } }

    /// Hands an answer over before its effect has finished (a page before its totals).
    private func deliver(_ action: DashboardAction) { lock.withLock { inbox.append(action) } }

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
            return try answer(effect)
        } catch let error as CofferError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Runs one effect against the store (on the effects queue) and says what came of it.
    private func answer(_ effect: DashboardEffect) throws -> DashboardAction? {
        let viewer = lock.withLock { self.viewer }
        switch effect {
        case .loadBilling:
            return .billingLoaded(BillingSnapshot(subscription: try Subscriptions(store).show(actor: viewer),
                                                  balance: try Balances(store).report(for: viewer),
                                                  packs: try CreditPacks(store).state(actor: viewer),
                                                  checkout: try Subscriptions(store).checkout(actor: viewer),
                                                  plans: store.catalog.plans.filter { !$0.isFree }))
        case .loadMembers:
            return .membersLoaded(try Members(store).list(actor: viewer))
        case .loadUsage(let view), .refreshUsage(let view, _):
            let filter = view.filter(now: store.now)
            let queries = UsageQueries(store)
            var rows = UsageState.pageSize
            if case .refreshUsage(_, let shown) = effect { rows = shown }
            deliver(.usageLoaded(view, try queries.page(view.tab, filter: filter, sort: view.sort, limit: rows, actor: viewer), nil))
            return .summaryLoaded(view, try queries.summary(view.tab, filter: filter, actor: viewer))
        case .loadMoreUsage(let view, let cursor):
            let page = try UsageQueries(store).page(view.tab, filter: view.filter(now: store.now), sort: view.sort, after: cursor,
                                                    limit: UsageState.pageSize, actor: viewer)
            return .usageMoreLoaded(view, page)
        case .loadDetail(let conversation):
            return .detailLoaded(conversation, try UsageQueries(store).detail(conversation: conversation, actor: viewer))
        case .loadInvoices:
            return .invoicesLoaded(try Billing(store).invoices(actor: viewer))
        case .loadWorkspaces:
            let mine = try Workspaces(store).list(for: viewer.email)
            return .choicesLoaded(Choice(purpose: .workspace, title: "Switch workspace",
                                         labels: mine.map { "\($0.name) (\($0.slug)) · \($0.role?.title ?? "")" }, values: mine.map(\.slug)))
        case .loadTypeFilter(let tab):
            return .choicesLoaded(try typeFilter(tab, viewer))
        case .switchWorkspace(let slug):
            let next = try Workspaces(store).actor(email: viewer.email, workspace: slug)
            lock.withLock { self.viewer = next }
            return .viewerChanged(next)
        case .switchAccess(let toPersonal):
            let access = try Members(store).switchSelf(actor: viewer, toPersonal: toPersonal)
            return .done("You are on \(access.title) access")
        case .buyPack(let amount, let count):
            let balance = try CreditPacks(store).buy(actor: viewer, amount: amount, count: count)
            return .done("Bought \(count == 1 ? "a" : "\(count) ×") \(amount) credit pack: the team pool holds \(balance)")
        case .subscribe(let tier, let interval, let seats):
            let view = try Subscriptions(store).subscribe(actor: viewer, plan: tier, interval: interval, seats: seats)
            return .done("\(view.name): \(view.status?.title ?? "Active")")
        case .setCard(let number):
            return .done("Card ending \(try Billing(store).setCard(actor: viewer, number: number)) saved")
        case .retryPayment:
            let view = try Subscriptions(store).retry(actor: viewer)
            return .done("Payment retried: \(view.status?.title ?? "Active")")
        case .invite(let email):
            return try batch(Seats(store).add(actor: viewer, emails: [email]), done: "Invited \(email): their seat is pending until they accept")
        case .replaceSeat(let from, let to):
            try Seats(store).replace(actor: viewer, from: from, to: to)
            return .done("Moved \(from)'s seat to \(to)")
        case .removeSeat(let email):
            try Seats(store).remove(actor: viewer, email: email)
            return .done("Removed \(email)'s seat")
        case .setAccess(let emails, let access):
            return bulk(emails, done: "\(access.title) access") { try Members(store).setAccess(actor: viewer, email: $0, access: access) }
        case .setLimit(let emails, let limit):
            return bulk(emails, done: "limit \(limit?.description ?? "none")") { try Members(store).setLimit(actor: viewer, email: $0, limit: limit) }
        case .pollChanges:
            try store.settle() // before a refresh, whatever has fallen due (R15a)
            let now = try store.changeToken()
            defer { token = now }
            return now != token ? .changed : nil
        }
    }

    /// A bulk action, member by member: what was applied stands; the first refusal is named (R26's batch rule).
    private func bulk(_ emails: [String], done: String, _ apply: (String) throws -> Void) -> DashboardAction {
        var refusals: [String] = []
        for email in emails {
            do { try apply(email) } catch let error as CofferError { refusals.append("\(email): \(error.message)") } catch { refusals.append("\(email): \(error)") }
        }
        let applied = emails.count - refusals.count
        guard let first = refusals.first else { return .done("\(emails.count == 1 ? emails[0] : "\(emails.count) members"): \(done)") }
        return .failed(applied == 0 ? first : "\(applied) of \(emails.count) changed; \(first)")
    }

    /// A seat batch's answer: done, or the first item's refusal.
    private func batch(_ results: [SeatItemResult], done: String) -> DashboardAction {
        results.first { $0.error != nil }.map { .failed($0.error!) } ?? .done(done)
    }

    /// The values the type filter of `tab` offers: billing types, API keys, import types or adjustment types.
    private func typeFilter(_ tab: UsageTab, _ viewer: Actor) throws -> Choice {
        let values: [String]
        var labels: [String]? = nil
        switch tab {
        case .conversations: values = ["message", "image", "video"]
        case .calls: values = try UsageQueries(store).apiKeyNames(actor: viewer)
        case .imports: values = ["brand", "product"]
        case .adjustments:
            values = AdjustmentType.allCases.map(\.rawValue)
            labels = AdjustmentType.allCases.map(\.title)
        }
        let name = UsageView(tab: tab).typeFilterName
        return Choice(purpose: .typeFilter(tab), title: "Filter by \(tab == .calls ? name : name.lowercased())",
                      labels: ["All"] + (labels ?? values), values: [nil] + values)
    }
}
