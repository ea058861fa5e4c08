import ArgumentParser
import CofferCore
import CofferPresentation
import CofferStore

extension AccessType: ExpressibleByArgument {}

/// `coffer seats list | add EMAIL... | replace FROM TO | remove EMAIL | buy N` (R26).
struct SeatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats", abstract: "Seats within the paid count.",
        subcommands: [List.self, Add.self, Replace.self, Remove.self, Buy.self], defaultSubcommand: List.self)

    /// Lists held, reserved and pending seats.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List seats: held, reserved or pending.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let store = try global.openStoreForReading()
            let seats = try Seats(store).list(actor: global.actor(in: store))
            if json {
                return try Output.json(seats.map(SeatJSON.init))
            }
            Output.table(["Email", "Role", "State", "Multiplier", "Added"], seats.map {
                [$0.email, $0.role.title, $0.state, "\($0.multiplier)×", Output.time($0.addedAt)]
            }, rightAligned: [3])
        }
    }

    /// Adds seats (invitations); reports each refused item, exit 1 if any was refused.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add seats for emails (pending until accepted).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Emails to add.") var emails: [String]
        func run() throws {
            let store = try global.openStore()
            let results = try Seats(store).add(actor: global.actor(in: store), emails: emails)
            try SeatsCommand.report(results, done: "added (pending until accepted)")
        }
    }

    /// Moves a seat to another email.
    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "replace", abstract: "Move a seat to another email.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The current holder.") var from: String
        @Argument(help: "The new holder.") var to: String
        func run() throws {
            let store = try global.openStore()
            try Seats(store).replace(actor: global.actor(in: store), from: from, to: to)
            print("Seat moved from \(Output.clean(from)) to \(Output.clean(to)) (pending until accepted)")
        }
    }

    /// Removes a seat.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a seat (its slot is free again).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The holder's email.") var email: String
        func run() throws {
            let store = try global.openStore()
            try Seats(store).remove(actor: global.actor(in: store), email: email)
            print("Seat of \(Output.clean(email)) removed")
        }
    }

    /// Buys paid seats (self-serve plans).
    struct Buy: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "buy", abstract: "Buy more paid seats (prorated; self-serve plans).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "How many seats.") var count: Int64
        func run() throws {
            let store = try global.openStore()
            let total = try Seats(store).buy(actor: global.actor(in: store), count: count)
            print("The subscription now has \(total) paid seats")
        }
    }

    /// Prints one line per item; throws exit 1 when any item was refused (R26).
    static func report(_ results: [SeatItemResult], done: String) throws {
        for result in results {
            print("\(Output.clean(result.item)): \(result.error ?? done)")
        }
        if results.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}

/// `coffer invite accept`.
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invite", abstract: "Invitations.", subcommands: [Accept.self])

    /// The acting user accepts their pending seat.
    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "accept", abstract: "Accept your pending seat.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStore()
            let actor = try global.actor(in: store, acceptInvitation: false)
            try Members(store).acceptInvite(actor: actor)
            print("Welcome to \(Output.clean(actor.workspaceName)): your seat is active")
        }
    }
}

/// `coffer members list | set-access | set-limit | set-multiplier | set-role | transfer-ownership`.
struct MembersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "Members, roles, access types, limits and multipliers.",
        subcommands: [List.self, SetAccess.self, SetLimit.self, SetMultiplier.self, SetRole.self, TransferOwnership.self],
        defaultSubcommand: List.self)

    /// The members table.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List members with access, limits and this period's use.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let store = try global.openStoreForReading()
            let members = try Members(store).list(actor: global.actor(in: store))
            if json { return try Output.json(members.map(MemberJSON.init)) }
            Output.table(["Name", "Email", "Role", "Access", "Multiplier", "Limit", "Used", "Remaining", "Plan"], members.map(\.displayFields), rightAligned: [4, 5, 6, 7])
        }
    }

    /// Sets a member's access type (owners).
    struct SetAccess: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-access", abstract: "Set a member's access: seat, credits or personal.")
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        @Argument(help: "seat, credits or personal.") var access: AccessType
        func run() throws {
            let store = try global.openStore()
            try Members(store).setAccess(actor: global.actor(in: store), email: email, access: access)
            print("\(Output.clean(email)): \(access.title) access")
        }
    }

    /// Sets a member's credit limit per credit period.
    struct SetLimit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-limit", abstract: "Set a member's credit limit per period (or none).")
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        @Argument(help: "An amount, or none.") var amount: String
        func run() throws {
            let limit = amount.lowercased() == "none" ? nil : try Credits.parseNonNegative(amount)
            let store = try global.openStore()
            try Members(store).setLimit(actor: global.actor(in: store), email: email, limit: limit)
            print("\(Output.clean(email)): limit \(limit?.description ?? "none") per period")
        }
    }

    /// Sets a seat's multiplier (per-seat plans).
    struct SetMultiplier: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-multiplier", abstract: "Set a seat's multiplier (1–10, per-seat plans).")
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        @Argument(help: "1 to 10.") var multiplier: Int64
        func run() throws {
            let store = try global.openStore()
            try Members(store).setMultiplier(actor: global.actor(in: store), email: email, multiplier: multiplier)
            print("\(Output.clean(email)): seat multiplier \(multiplier)×")
        }
    }

    /// Makes a member an owner or a member.
    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Make a member an owner or a member.")
        enum RoleName: String, ExpressibleByArgument, CaseIterable { case owner, member }
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        @Argument(help: "owner or member.") var role: RoleName
        func run() throws {
            let store = try global.openStore()
            try Members(store).setRole(actor: global.actor(in: store), email: email, role: role == .owner ? .owner : .member)
            print("\(Output.clean(email)): \(role.rawValue)")
        }
    }

    /// Hands the primary owner role to an owner.
    struct TransferOwnership: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "transfer-ownership", abstract: "Hand the primary owner role to an owner.")
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        func run() throws {
            let store = try global.openStore()
            try Members(store).transferOwnership(actor: global.actor(in: store), to: email)
            print("\(Output.clean(email)) is now the primary owner")
        }
    }
}

/// `coffer access personal | team`: the acting user switches themself (R31).
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "access", abstract: "Switch yourself to Personal, or back to the team.")
    enum Direction: String, ExpressibleByArgument, CaseIterable { case personal, team }
    @OptionGroup var global: GlobalOptions
    @Argument(help: "personal or team.") var direction: Direction
    func run() throws {
        let store = try global.openStore()
        let access = try Members(store).switchSelf(actor: global.actor(in: store), toPersonal: direction == .personal)
        print("You are on \(access.title) access")
    }
}

/// `coffer audit list`.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log (owners).", subcommands: [List.self], defaultSubcommand: List.self)

    /// Lists the audit log, newest first.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List audited changes, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let store = try global.openStoreForReading()
            let entries = try AuditLog(store).list(actor: global.actor(in: store))
            if json {
                return try Output.json(entries.map {
                    ["time": UTC.iso($0.time), "actor": $0.actor, "role": $0.role, "action": $0.action, "subject": $0.subject,
                     "before": $0.before ?? "", "after": $0.after ?? ""]
                })
            }
            Output.table(["Time", "Actor", "Role", "Action", "Subject", "Before", "After"], entries.map {
                [Output.time($0.time), $0.actor, $0.role, $0.action, $0.subject, $0.before ?? "", $0.after ?? ""]
            })
        }
    }
}
