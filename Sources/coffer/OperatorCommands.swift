import ArgumentParser
import CofferCore
import CofferStore

/// `coffer operator …`: the service operator's commands (R8), audited as `operator`.
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Operator commands: credit adjustments (audited).",
        subcommands: [Adjust.self])

    /// An Admin adjustment of the team pool's credits.
    struct Adjust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or, negative, remove) credits in the team pool as an Admin adjustment.")
        @OptionGroup var global: GlobalOptions
        @Argument(parsing: .allUnrecognized, help: "The amount, e.g. 12.48 or -3.") var amount: [String]
        @Option(help: "Why (shown in Credit Adjustments and the audit log).") var reason: String

        func run() throws {
            guard amount.count == 1 else { throw ValidationError("Give one amount, e.g. 12.48 or -3") }
            let credits = try Credits.parse(amount[0])
            let store = try global.openStore()
            let workspace = try Workspaces(store).workspace(global.workspace)
            let balance = try OperatorActions(store).adjust(workspace: workspace, amount: credits, reason: reason)
            print("Adjusted \(Output.clean(workspace.slug)) by \(credits): team pool \(balance)")
        }
    }
}
