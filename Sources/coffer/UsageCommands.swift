import ArgumentParser
import CofferCore
import CofferPresentation
import CofferStore
import Foundation

extension BillingType: ExpressibleByArgument {}
extension ImportType: ExpressibleByArgument {}

/// `coffer consume`: record one usage event, exactly once (R28–R33).
struct ConsumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Record one usage event (charged once per --id).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The service's slug (see coffer plans).") var service: String
    @Option(help: "The event's id: the same id is charged once.") var id: String
    @Option(help: "Units used, priced from the catalog (default 1).") var quantity: String?
    @Option(help: "A metered amount of credits instead of a quantity.") var credits: String?
    @Option(name: .customLong("for"), help: "Record for another member (owners).") var member: String?
    @Option(help: "Conversation id.") var conversation: String?
    @Option(help: "Conversation title.") var title: String?
    @Option(help: "\(BillingType.spokenList).") var type: BillingType?
    @Option(name: .customLong("api-key"), help: "The API key's name (MCP-HTTP calls).") var apiKey: String?
    @Option(help: "The call's id (MCP-HTTP calls).") var call: String?
    @Option(help: "The import task's id.") var task: String?
    @Option(name: .customLong("import-type"), help: "\(ImportType.spokenList).") var importType: ImportType?
    @Option(help: "The imported URL.") var url: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var request = UsageRequest(eventID: id, service: service, quantity: try quantity.map(Quantity.parsePositive),
                                   credits: try credits.map(Credits.parsePositive), forEmail: member)
        request.conversationID = conversation
        request.title = title
        request.billingType = type?.rawValue
        request.apiKey = apiKey
        request.callID = call
        request.taskID = task
        request.importType = importType?.rawValue
        request.url = url
        let store = try global.openStore()
        let result = try Usage(store).consume(actor: global.actor(in: store), request: request)
        if json { return try Output.json(UsageResultJSON(result)) }
        if result.duplicate { print("Already recorded (event \(Output.clean(result.eventID))): nothing charged now. First result:") }
        if result.unlimited {
            print("Recorded \(result.service) for \(result.member): covered by an unlimited allowance, nothing charged")
            return
        }
        if result.units == .zero, result.credits == .zero {
            // A quantity whose price rounds to less than half a millicredit (R4): recorded, nothing drawn.
            print("Charged $0.000 (nothing drawn): this use of \(Output.clean(result.service)) rounds to $0.000")
            print("Balance: \(result.balance)")
            return
        }
        var charged: [String] = []
        if result.units > .zero { charged.append("\(result.units) \(result.service) from the allowance") }
        if result.credits > .zero { charged.append(result.credits.description) }
        print("Charged \(charged.joined(separator: " and ")) to \(result.wallets.joined(separator: " then ").replacingOccurrences(of: "_", with: " "))")
        print("Grants: " + result.draws.map { "#\($0.grant) \(UsageTextFormat.screen.amount($0.amount))" }.joined(separator: ", "))
        if let recharge = result.recharge { print("Auto-recharge: \(recharge)") }
        print("Balance: \(result.balance)")
    }
}

/// `coffer usage …`: usage records.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "Usage records.", subcommands: [List.self, Summary.self, Show.self, Export.self, Import.self])

    /// Imports a JSONL file of usage events, each exactly once.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import usage events from a JSONL file (one object per line, the fields of consume).",
            discussion: """
                Fields: id, service, quantity or credits (strings such as "2.5", or whole numbers), for, \
                conversation, title, type, api_key, call, task, import_type, url, workspace. Re-importing \
                the same file changes nothing.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The JSONL file.") var file: String
        @Option(help: "Events per transaction (1 to 100,000).") var batch: Int = 2_000
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...100_000).contains(batch) else { throw ValidationError("--batch takes 1 to 100,000") }
        }

        func run() throws {
            let store = try global.openStore()
            let report = try Usage(store).importFile(actor: global.actor(in: store), path: file, batchSize: batch)
            if json {
                try Output.json(ImportJSON(inserted: report.inserted, duplicate: report.duplicates, rejected: report.rejected.count,
                                           errors: report.rejected.map { .init(line: $0.line, reason: $0.reason) }))
            } else {
                for rejection in report.rejected.prefix(100) { print("line \(rejection.line): \(Output.clean(rejection.reason))") }
                if report.rejected.count > 100 { print("… and \(report.rejected.count - 100) more rejected lines") }
                print("inserted \(report.inserted), duplicate \(report.duplicates), rejected \(report.rejected.count)")
            }
            if !report.rejected.isEmpty { throw ExitCode(1) }
        }
    }
}

/// An import report in JSON.
struct ImportJSON: Encodable {
    struct Rejection: Encodable { let line: Int; let reason: String }
    let inserted, duplicate, rejected: Int
    let errors: [Rejection]
}
