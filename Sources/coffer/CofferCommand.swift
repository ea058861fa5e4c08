import ArgumentParser
import CofferCore
import Foundation

/// The `coffer` executable: the dashboard and every command of SPEC §8.
///
/// Errors from the domain go to stderr as one line with exit status 1; usage errors exit 64.
@main
struct Coffer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coffer",
        abstract: "Team subscriptions, seats and shared credit pools.",
        discussion: """
            Global options (on every command): --db PATH (else $COFFER_DB, else \
            $XDG_DATA_HOME/coffer/coffer.sqlite), --as EMAIL (else $COFFER_USER), --workspace SLUG, \
            --catalog PATH (else $COFFER_CATALOG). COFFER_NOW (ISO-8601) fixes the clock.
            """,
        subcommands: [
            OpenDashboard.self, DemoCommand.self, WorkspaceCommand.self, PlansCommand.self, SubscribeCommand.self,
            SubscriptionCommand.self, BillingCommand.self, PacksCommand.self, BalanceCommand.self,
            SeatsCommand.self, InviteCommand.self, MembersCommand.self, AccessCommand.self, AuditCommand.self,
            ConsumeCommand.self, UsageCommand.self, KeysCommand.self, WhitelistCommand.self, RechargeCommand.self, AlertsCommand.self,
            ServeCommand.self, OperatorCommand.self, CheckCommand.self, MigrateCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: OpenDashboard.self
    )

    /// Runs the command line, mapping domain errors to one stderr line and exit 1, and usage
    /// errors to exit 64; every error's first line starts `coffer:` (SPEC §8).
    static func main() {
        let arguments = GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst()))
        if let unknown = UnknownCommand.find(in: arguments, root: Coffer.self) {
            FileHandle.standardError.write(Data("coffer: \(Output.clean(unknown.message))\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as CofferError {
            Output.fail(error.message)
        } catch {
            let code = exitCode(for: error)
            // Help and --version go to stdout as they are; an error's first line is `coffer: …`,
            // then the usage. Argument errors quote what was typed: no escape sequence of it reaches the terminal.
            let text = code == .success || code.rawValue == 0 ? fullMessage(for: error) : errorText(for: error)
            let message = Output.terminalSafe(text)
            if !message.isEmpty {
                (code == .success ? FileHandle.standardOutput : FileHandle.standardError).write(Data((message + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// An argument error as `coffer: MESSAGE` followed by the usage and where to find help.
    private static func errorText(for error: any Error) -> String {
        let message = self.message(for: error)
        guard !message.isEmpty else { return "" }
        let rest = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  Usage:") }
        return (["coffer: " + message] + rest.map(String.init)).joined(separator: "\n")
    }
}
