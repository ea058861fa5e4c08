import ArgumentParser
import CofferCore
import CofferPresentation
import CofferStore
import Foundation

extension UsageTab: ExpressibleByArgument {}

/// The filters every usage listing takes (SPEC §8).
struct UsageFilterOptions: ParsableArguments {
    @Option(help: "\(UsageTab.spokenList).") var tab: UsageTab = .conversations
    @Option(help: "First day (inclusive, UTC).") var from: String?
    @Option(help: "Last day (inclusive, UTC).") var to: String?
    @Option(help: "A quick pick: 7d, 30d or 3m.") var last: String?
    @Option(help: "Search conversation ID, title or (owners) creator.") var search: String?
    @Option(help: "Billing type, import type or adjustment type.") var type: String?
    @Option(name: .customLong("api-key"), help: "An API key's name (calls).") var apiKey: String?
    @Option(help: ArgumentHelp("FIELD[:asc|desc] (default: the first field, newest first). \(Self.sortFields)", valueName: "field"))
    var sort: String?

    /// Each tab's sort fields, for `--sort`'s help: `conversations: updated, messages, credits; …`.
    static var sortFields: String {
        "Fields: " + UsageTab.allCases.map { "\($0.rawValue): \($0.sortFields.map(\.rawValue).joined(separator: ", "))" }.joined(separator: "; ") + "."
    }

    /// The options as the shared reading of §8's filters.
    var query: UsageQuery {
        UsageQuery(tab: tab, from: from, to: to, last: last, search: search, type: type, apiKey: apiKey, sort: sort)
    }

    /// Usage errors (exit 64, SPEC §8), before anything is opened: a bad quick pick or sort names what is valid.
    func validate() throws {
        if last != nil, from != nil || to != nil { throw ValidationError("Use --last or --from/--to, not both") }
        do { try query.validate() } catch let error as CofferError { throw ValidationError(error.message) }
    }

    /// The filter, with `now` for quick picks.
    func filter(now: Timestamp) throws -> UsageFilter { try query.filter(now: now) }

    /// The sort, validated for the tab.
    func sortOrder() throws -> UsageSort? { try query.sortOrder() }
}

extension UsageCommand {
    /// Lists one page of a tab.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a tab's records (one page; --after for the next).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: UsageFilterOptions
        @Option(help: "Rows per page.") var limit: Int = 50
        @Option(help: "The cursor printed after the previous page.") var after: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit takes 1 to 10,000") }
            if let after, UsageCursor(text: after) == nil { throw ValidationError("--after takes a cursor printed by a previous page") }
        }

        func run() throws {
            let cursor = after.flatMap(UsageCursor.init(text:))
            let store = try global.openStoreForReading()
            let actor = try global.actor(in: store)
            let page = try UsageQueries(store).page(filters.tab, filter: filters.filter(now: store.now), sort: filters.sortOrder(),
                                                   after: cursor, limit: limit, actor: actor)
            if json {
                return try Output.json(UsagePageJSON(page, tab: filters.tab))
            }
            Output.table(TextTable(UsageTable(tab: filters.tab, role: actor.role), rows: page.rows))
            // On stderr, so a pipe of the table gets rows only.
            if let next = page.next { Output.note("More rows: add --after \(next.text) to see the next page") }
        }
    }

    /// Prints the summary bar's totals.
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "summary", abstract: "The summary bar's totals for the filtered tab.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: UsageFilterOptions
        @Option(help: "Only the charge lines of this member (owners and admins; a member may name themself).") var user: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStoreForReading()
            let queries = UsageQueries(store), filter = try filters.filter(now: store.now), actor = try global.actor(in: store)
            let summary = try user.map { try queries.summary(filters.tab, filter: filter, member: $0, actor: actor) }
                ?? queries.summary(filters.tab, filter: filter, actor: actor)
            if json {
                return try Output.json(UsageSummaryJSON(summary))
            }
            print(UsageTable.summaryLine(summary, tab: filters.tab))
        }
    }

    /// The billing detail sheet of a conversation.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A conversation's billing detail sheet.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The conversation ID.") var conversation: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStoreForReading()
            let lines = try UsageQueries(store).detail(conversation: conversation, actor: global.actor(in: store))
            if json { return try Output.json(lines.map(ChargeLineJSON.init)) }
            Output.table(TextTable(columns: BillingDetailSheet.columns, rows: lines.map(BillingDetailSheet.texts)))
        }
    }

    /// Exports the filtered view as CSV (RFC 4180) or JSON.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Export the filtered view: --format csv or json.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: UsageFilterOptions
        @Option(help: "csv or json.") var format: Format = .csv

        func run() throws {
            let store = try global.openStoreForReading()
            let actor = try global.actor(in: store)
            let (filter, sort) = (try filters.filter(now: store.now), try filters.sortOrder())
            if format == .json {
                let rows = try UsageQueries(store).all(filters.tab, filter: filter, sort: sort, actor: actor)
                return try Output.json(rows.map { UsageRowJSON($0, tab: filters.tab) })
            }
            // The dashboard's `e` writes these same bytes (UsageCSV).
            let csv = try UsageCSV.export(filters.tab, filter: filter, sort: sort, actor: actor, store: store)
            FileHandle.standardOutput.write(Data(csv.text.utf8))
        }
    }
}
