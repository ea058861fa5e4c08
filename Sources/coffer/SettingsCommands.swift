import ArgumentParser
import CofferCore
import CofferStore

/// `coffer keys create NAME | revoke NAME | list` (owners, R38).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "API keys for `coffer serve` and MCP-HTTP calls.",
                                                    subcommands: [Create.self, Revoke.self, List.self], defaultSubcommand: List.self)
    /// Creates a key and shows its secret once.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an API key (its secret is shown once).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        func run() throws {
            let store = try global.openStore()
            let secret = try APIKeys(store).create(actor: global.actor(in: store), name: name)
            print("API key \(Output.clean(name)): \(secret)\nKeep it now: it is not shown again.")
        }
    }
    /// Revokes a key: it authenticates nothing from the next request on.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API key at once.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        func run() throws {
            let store = try global.openStore()
            try APIKeys(store).revoke(actor: global.actor(in: store), name: name)
            print("API key \(Output.clean(name)) revoked: it no longer authenticates")
        }
    }
    /// Lists keys.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List API keys.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let store = try global.openStoreForReading()
            let keys = try APIKeys(store).list(actor: global.actor(in: store))
            if json { return try Output.json(keys.map { ["name": $0.name, "prefix": $0.prefix, "created_by": $0.createdBy, "created_at": UTC.iso($0.createdAt)] }) }
            Output.table(["Name", "Prefix", "Created by", "Created"], keys.map { [$0.name, $0.prefix + "…", $0.createdBy, Output.time($0.createdAt)] })
        }
    }
}

/// `coffer whitelist set SLUG... | clear` (owners).
struct WhitelistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whitelist", abstract: "The team's model whitelist (Seat access).",
                                                    subcommands: [Set.self, Clear.self, Show.self], defaultSubcommand: Show.self)
    /// Sets the whitelist.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Allow only these models for Seat access.")
        @OptionGroup var global: GlobalOptions
        @Argument var models: [String]
        func run() throws {
            let store = try global.openStore()
            try TeamSettings(store).setWhitelist(actor: global.actor(in: store), models: models)
            print("Whitelist: \(models.map(Output.clean).joined(separator: ", "))")
        }
    }
    /// Clears the whitelist.
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "clear", abstract: "Allow every model again.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStore()
            try TeamSettings(store).setWhitelist(actor: global.actor(in: store), models: [])
            print("Whitelist cleared: every model is allowed")
        }
    }
    /// Shows the whitelist.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the whitelist.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStoreForReading()
            let models = try TeamSettings(store).whitelist(actor: global.actor(in: store))
            print(models.isEmpty ? "No whitelist: every model is allowed" : models.joined(separator: "\n"))
        }
    }
}

/// `coffer recharge set …` (primary owner, R34).
struct RechargeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recharge", abstract: "Auto-recharge.", subcommands: [Set.self])
    /// Changes auto-recharge settings.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set auto-recharge for the team, or one seat (--seat).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "true or false.") var enabled: Bool?
        @Option(help: "Recharge when the wallet would fall below this.") var threshold: String?
        @Option(help: "How much each recharge buys.") var amount: String?
        @Option(name: .customLong("max-period-spend"), help: "The most recharges may spend per credit period, or none.") var maxPeriodSpend: String?
        @Option(help: "A seat holder's email (per-seat plans).") var seat: String?
        func run() throws {
            var cap: Credits?? = nil
            if let maxPeriodSpend {
                cap = .some(maxPeriodSpend.lowercased() == "none" ? nil : try Credits.parseNonNegative(maxPeriodSpend))
            }
            let store = try global.openStore()
            let settings = try TeamSettings(store).setRecharge(
                actor: global.actor(in: store), seatEmail: seat, enabled: enabled,
                threshold: try threshold.map(Credits.parseNonNegative), amount: try amount.map(Credits.parseNonNegative), maxPeriodSpend: cap)
            print("Auto-recharge \(settings.enabled ? "on" : "off"): below \(settings.threshold) buy \(settings.amount), at most \(settings.maxPeriodSpend?.description ?? "no cap") per period")
        }
    }
}

/// `coffer alerts set AMOUNT|none` (primary owner, R24).
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Low-balance alerts.", subcommands: [Set.self])
    /// Sets the alert amount.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Alert when a team wallet falls below AMOUNT (or none).")
        @OptionGroup var global: GlobalOptions
        @Argument var amount: String
        func run() throws {
            let threshold = amount.lowercased() == "none" ? nil : try Credits.parseNonNegative(amount)
            let store = try global.openStore()
            try TeamSettings(store).setAlert(actor: global.actor(in: store), threshold: threshold)
            print(threshold.map { "Alert below \($0)" } ?? "Low-balance alerts off")
        }
    }
}
