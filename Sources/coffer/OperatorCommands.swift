import ArgumentParser
import CofferCore
import CofferStore

/// `coffer operator …`: the service operator's commands (R8), audited as `operator`.
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Operator commands: credit adjustments (audited).",
        subcommands: [Adjust.self, Grant.self, SeatsCommand.self])

    /// An Admin adjustment of the team pool's credits.
    struct Adjust: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adjust",
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

    /// A referral reward into the team pool (R22).
    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "grant", abstract: "Grant a referral reward into the team pool.")
        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case referralSignup = "referral-signup"
            case referralFirstPaid = "referral-first-paid"
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: "referral-signup or referral-first-paid.") var kind: Kind
        @Argument(help: "The amount.") var amount: String
        @Option(name: .customLong("for"), help: "The referred member's email.") var member: String

        func run() throws {
            let credits = try Credits.parsePositive(amount)
            let store = try global.openStore()
            let workspace = try Workspaces(store).workspace(global.workspace)
            let balance = try OperatorActions(store).referral(workspace: workspace, firstPaid: kind == .referralFirstPaid,
                                                              amount: credits, for: member)
            print("Granted \(credits) (\(kind.rawValue)) to \(Output.clean(workspace.slug)): team pool \(balance)")
        }
    }

    /// `coffer operator seats set N`: Business/Enterprise seat changes, from the next credit period (R9).
    struct SeatsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "seats", abstract: "Set paid seats (from the next credit period).",
                                                        subcommands: [Set.self])
        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Set the paid seats, effective from the next credit period.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The number of paid seats.") var seats: Int64
            func run() throws {
                let store = try global.openStore()
                let workspace = try Workspaces(store).workspace(global.workspace)
                let from = try Seats(store).operatorSet(workspace: workspace, seats: seats)
                print("\(Output.clean(workspace.slug)): \(seats) paid seats from \(Output.time(from))")
            }
        }
    }
}
