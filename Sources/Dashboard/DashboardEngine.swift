import CofferCore
import CofferPresentation
import CofferStore
import Foundation
import Synchronization

/// Runs the reducer's effects against the store off the UI loop, and hands their results back
/// as actions (a slow query never freezes input). Its answers are facts — pages, lists, a
/// ``DashboardOutcome`` — never words: the reducer and the view word them. `.pollChanges`
/// compares the store's change token with the last one seen, so that what another process writes
/// shows within a poll or two (SPEC §9 "Live"); ``DashboardProgram`` says when to poll.
public final class DashboardEngine: @unchecked Sendable {
    private let store: CofferStore
    private let queue = DispatchQueue(label: "coffer.dashboard.effects")
    /// What the UI loop and the effects' queue share: the viewer, the answers waiting, whether a poll
    /// is under way and how many effects are.
    private struct Shared {
        var viewer: Actor
        var inbox: [DashboardAction] = []
        var polling = false
        var underWay = 0
    }
    private let shared: Mutex<Shared>
    /// The last change token seen; read and written on the effects' queue only.
    private var token: String?
    /// Where exports go; nil: ``ExportFile/defaultFolder()`` (the current directory, else `$HOME`).
    private let exportFolder: String?

    /// An engine over `store`, acting as `viewer`, writing exports to `exportFolder` (nil: the current directory, else `$HOME`).
    public init(store: CofferStore, viewer: Actor, exportFolder: String? = nil) {
        self.store = store
        self.exportFolder = exportFolder
        shared = Mutex(Shared(viewer: viewer))
    }

    /// Starts the effects; their results arrive through `drain()`.
    public func perform(_ effects: [DashboardEffect]) {
        for effect in effects {
            if effect == .pollChanges {
                // One poll at a time.
                guard shared.withLock({ state in
                    defer { state.polling = true }
                    return !state.polling
                }) else { continue }
            }
            shared.withLock { $0.underWay += 1 }
            queue.async { [self] in
                let action = run(effect)
                shared.withLock { state in
                    if effect == .pollChanges { state.polling = false }
                    if let action { state.inbox.append(action) }
                    state.underWay -= 1
                }
            }
        }
    }

    /// True while effects are under way or answers wait to be drained: the UI loop should look again soon.
    public var isBusy: Bool { shared.withLock { $0.underWay > 0 || !$0.inbox.isEmpty } }

    /// Hands an answer over before its effect has finished (a page before its totals).
    private func deliver(_ action: DashboardAction) { shared.withLock { $0.inbox.append(action) } }

    /// The actions that arrived since the last call.
    public func drain() -> [DashboardAction] {
        shared.withLock { state in
            defer { state.inbox.removeAll() }
            return state.inbox
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
        let viewer = shared.withLock { $0.viewer }
        switch effect {
        case .loadBilling:
            let days = Runway.days(endingAt: store.now)
            return .billingLoaded(BillingSnapshot(subscription: try Subscriptions(store).show(actor: viewer),
                                                  balance: try Balances(store).report(for: viewer),
                                                  packs: try CreditPacks(store).state(actor: viewer),
                                                  checkout: try Subscriptions(store).checkout(actor: viewer),
                                                  plans: store.catalog.plans.filter { !$0.isFree },
                                                  spending: DailySpending(days: days, credits: try UsageQueries(store).dailyCredits(days: days, actor: viewer))))
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
        case .loadUsageEnd(let view):
            let filter = view.filter(now: store.now), queries = UsageQueries(store)
            let page = try queries.page(view.tab, filter: filter, sort: view.sort, before: nil, limit: UsageState.pageSize, actor: viewer)
            return .usageEndLoaded(view, page, try queries.summary(view.tab, filter: filter, actor: viewer))
        case .loadEarlierUsage(let view, let cursor):
            return .usageEarlierLoaded(view, try UsageQueries(store).page(view.tab, filter: view.filter(now: store.now), sort: view.sort,
                                                                          before: cursor, limit: UsageState.pageSize, actor: viewer))
        case .loadSpending(let view):
            return .spendingLoaded(view, try Spending(store).report(view.spendingScope(now: store.now), actor: viewer))
        case .exportUsage(let view):
            return try export(view, viewer)
        case .loadDetail(let conversation):
            return .detailLoaded(conversation, try UsageQueries(store).detail(conversation: conversation, actor: viewer))
        case .loadInvoices:
            return .invoicesLoaded(try Billing(store).invoices(actor: viewer))
        case .loadWorkspaces:
            return .workspacesLoaded(try Workspaces(store).list(for: viewer.email))
        case .loadTypeFilter(let tab):
            return .typeFilterLoaded(tab, try typeValues(tab, viewer))
        case .switchWorkspace(let slug):
            let next = try Workspaces(store).actor(email: viewer.email, workspace: slug)
            shared.withLock { $0.viewer = next }
            return .viewerChanged(next)
        case .switchAccess(let toPersonal):
            return .done(.accessSwitched(try Members(store).switchSelf(actor: viewer, toPersonal: toPersonal)))
        case .buyPack(let amount, let count):
            let balance = try CreditPacks(store).buy(actor: viewer, amount: amount, count: count)
            return .done(.packBought(count: count, amount: amount, balance: balance))
        case .subscribe(let tier, let interval, let seats):
            let view = try Subscriptions(store).subscribe(actor: viewer, plan: tier, interval: interval, seats: seats)
            return .done(.subscribed(plan: view.name, status: view.status))
        case .setCard(let number):
            let owed = try Subscriptions(store).show(actor: viewer).status?.awaitsPayment == true
            let last4 = try Billing(store).setCard(actor: viewer, number: number)
            return .done(.cardSaved(last4: last4, retried: owed ? try Subscriptions(store).show(actor: viewer).status : nil))
        case .retryPayment:
            return .done(.paymentRetried(try Subscriptions(store).retry(actor: viewer).status))
        case .invite(let email):
            return try batch(Seats(store).add(actor: viewer, emails: [email]), done: .invited(email))
        case .replaceSeat(let from, let to):
            try Seats(store).replace(actor: viewer, from: from, to: to)
            return .done(.seatMoved(from: from, to: to))
        case .removeSeat(let email):
            try Seats(store).remove(actor: viewer, email: email)
            return .done(.seatRemoved(email))
        case .setAccess(let emails, let access):
            return bulk(emails, .access(access)) { try Members(store).setAccess(actor: viewer, email: $0, access: access) }
        case .setLimit(let emails, let limit):
            return bulk(emails, .limit(limit)) { try Members(store).setLimit(actor: viewer, email: $0, limit: limit) }
        case .pollChanges:
            try store.settle() // before a refresh, whatever has fallen due (R15a)
            let now = try store.changeToken(workspace: viewer.workspaceID)
            defer { token = now }
            return now != token ? .changed : nil
        }
    }

    /// A bulk change, member by member: what was applied stands; the first refusal is named (R26's batch rule).
    private func bulk(_ emails: [String], _ change: MemberChange, _ apply: (String) throws -> Void) -> DashboardAction {
        var refusals: [(email: String, reason: String)] = []
        for email in emails {
            do { try apply(email) } catch let error as CofferError { refusals.append((email, error.message)) } catch { refusals.append((email, "\(error)")) }
        }
        guard let first = refusals.first else { return .done(.membersChanged(emails, change)) }
        return .bulkRefused(BulkRefusal(applied: emails.count - refusals.count, total: emails.count, email: first.email, reason: first.reason))
    }

    /// A seat batch's answer: done, or the first item's refusal.
    private func batch(_ results: [SeatItemResult], done: DashboardOutcome) -> DashboardAction {
        results.first { $0.error != nil }.map { .failed($0.error!) } ?? .done(done)
    }

    /// Writes the whole filtered view as CSV — the bytes of `coffer usage export --format csv` with the
    /// same filters — to a new file named for the tab and the day (see ``ExportFile``).
    private func export(_ view: UsageView, _ viewer: Actor) throws -> DashboardAction {
        guard let folder = exportFolder ?? ExportFile.defaultFolder() else {
            throw CofferError("Nowhere to export to: neither the current directory nor $HOME is writable")
        }
        let now = store.now
        let csv = try UsageCSV.export(view.tab, filter: view.filter(now: now), sort: view.sort, actor: viewer, store: store)
        let path = try ExportFile.write(csv.text, folder: folder, base: "coffer-\(view.tab.rawValue)-\(UTC.dateString(now))", ext: "csv")
        return .exported(rows: csv.rows, path: path)
    }

    /// The values the type filter of `tab` offers: billing types, API keys, import types or adjustment types.
    private func typeValues(_ tab: UsageTab, _ viewer: Actor) throws -> [String] {
        switch tab {
        case .conversations: BillingType.allCases.map(\.rawValue)
        case .calls: try UsageQueries(store).apiKeyNames(actor: viewer)
        case .imports: ImportType.allCases.map(\.rawValue)
        case .adjustments: AdjustmentType.allCases.map(\.rawValue)
        }
    }
}
