import CofferCore
import CofferStore
import TerminalUI

/// Something that happened: a key, the mouse, a resize, a tick, or the result of an effect.
public enum DashboardAction: Sendable {
    case key(Key)
    case mouse(Mouse)
    case resize(Size)
    /// Time passed (the clock now): look for changes.
    case tick(Timestamp)
    case billingLoaded(BillingSnapshot)
    case membersLoaded([MemberView])
    /// A page of records, with its totals or (nil) before them.
    case usageLoaded(UsageView, UsagePage, UsageSummary?)
    /// The totals of a view whose page came first.
    case summaryLoaded(UsageView, UsageSummary)
    /// The next page of the same view, to append.
    case usageMoreLoaded(UsageView, UsagePage)
    /// The last page of a view (End), with its totals: the window then ends at the last row.
    case usageEndLoaded(UsageView, UsagePage, UsageSummary)
    /// The page before the window of the same view, to prepend.
    case usageEarlierLoaded(UsageView, UsagePage)
    /// Where the credits of a view's range went.
    case spendingLoaded(UsageView, SpendingReport)
    case detailLoaded(String, [ChargeLine])
    /// The filtered view was written as CSV: `rows` records to the file at `path`.
    case exported(rows: Int, path: String)
    case invoicesLoaded([Invoice])
    /// A list to choose from, ready to show (the two answers below become one).
    case choicesLoaded(Choice)
    /// The viewer's workspaces, for the workspace switcher.
    case workspacesLoaded([WorkspaceSummary])
    /// The values the type filter of a records tab offers.
    case typeFilterLoaded(UsageTab, [String])
    /// The workspace switcher moved the viewer to another workspace.
    case viewerChanged(Actor)
    case changed
    /// A change the viewer asked for went through.
    case done(DashboardOutcome)
    /// The store refused, in its own words.
    case failed(String)
    /// A bulk change went through for some members only.
    case bulkRefused(BulkRefusal)
    /// The status message has been on screen a few seconds: news goes, warnings and errors wait for a key (#19.6).
    case messageAged
}

/// Work the reducer asks for; the engine runs it off the UI loop and answers with actions.
public enum DashboardEffect: Sendable, Equatable {
    case loadBilling
    case loadMembers
    case loadUsage(UsageView)
    case loadMoreUsage(UsageView, UsageCursor)
    /// The last page of the view and its totals (End: a keyset query from the other end).
    case loadUsageEnd(UsageView)
    /// The page that ends where the window starts (scrolling up after End).
    case loadEarlierUsage(UsageView, UsageCursor)
    /// The same view again after another process wrote: as many rows as are shown, so the cursor stays.
    case refreshUsage(UsageView, rows: Int)
    /// The Spending tab's report for the Usage view's range and filters.
    case loadSpending(UsageView)
    case loadDetail(String)
    /// The whole view as CSV in a new file (`e`), as `coffer usage export --format csv` writes it.
    case exportUsage(UsageView)
    case loadInvoices
    case loadWorkspaces
    case loadTypeFilter(UsageTab)
    case switchWorkspace(String)
    case switchAccess(toPersonal: Bool)
    case buyPack(Credits, count: Int64)
    case subscribe(tier: String, interval: BillingInterval?, seats: Int64)
    case setCard(String)
    case retryPayment
    case invite(String)
    case replaceSeat(from: String, to: String)
    case removeSeat(String)
    case setAccess([String], AccessType)
    case setLimit([String], Credits?)
    case pollChanges
}

/// A modal over the screen; it takes every key until it closes.
public enum Modal: Sendable, Equatable {
    /// A question before an effect that charges or destroys (Cancel has focus).
    case confirm(Confirmation, DialogState)
    /// A line of text to type (an email, a limit, a card, a date range).
    case prompt(Prompt, TextFieldState)
    /// A list to choose from (access type, workspace, type filter).
    case choose(Choice, selected: Int)
    /// The billing portal: payment method, invoices, retry (R7: primary owner only).
    case portal([Invoice]?)
    /// A conversation's billing detail sheet, scrolled like a table.
    case detail(conversation: String, lines: [ChargeLine], table: TableState = TableState())
    /// Every key of every context, from the keymaps, scrolled `scroll` lines down.
    case help(scroll: Int)
}

/// A confirmation and the effect it runs when confirmed.
public struct Confirmation: Sendable, Equatable {
    public let title: String
    public let message: String
    public let confirmLabel: String
    /// Drawn as a warning: it removes something.
    public let destructive: Bool
    public let effect: DashboardEffect
}

/// What a prompt's text is for.
public enum PromptPurpose: Sendable, Equatable {
    case invite
    case replace(from: String)
    case limit([String])
    case card
    /// The Usage search, applied as it is typed; Esc puts back the search it `was` (#19.12).
    case search(was: String)
    case days
}

/// A one-line text entry.
public struct Prompt: Sendable, Equatable {
    public let purpose: PromptPurpose
    public let title: String
    /// What to type, shown above the field.
    public let hint: String
}

/// What a list's choice is for.
public enum ChoicePurpose: Sendable, Equatable {
    case access([String])
    case workspace
    case typeFilter(UsageTab)
    /// The Usage tab's date range: a quick pick or custom days.
    case range
}

/// A list to choose from: labels shown, values returned.
public struct Choice: Sendable, Equatable {
    public let purpose: ChoicePurpose
    public let title: String
    public let labels: [String]
    /// What each label stands for (nil: "all").
    public let values: [String?]
    /// A key that picks each label at once, shown beside it (nil: none).
    public let shortcuts: [Character?]

    /// A list of `labels` standing for `values`, with optional `shortcuts` (one per label).
    public init(purpose: ChoicePurpose, title: String, labels: [String], values: [String?], shortcuts: [Character?] = []) {
        (self.purpose, self.title, self.labels, self.values) = (purpose, title, labels, values)
        self.shortcuts = shortcuts.isEmpty ? labels.map { _ in nil } : shortcuts
    }
}
