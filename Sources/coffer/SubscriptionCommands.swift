import ArgumentParser
import CofferCore
import CofferStore

extension BillingInterval: ExpressibleByArgument {}

/// `coffer subscribe`: checkout for the workspace (primary owner) or for oneself (`--personal`).
struct SubscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe", abstract: "Subscribe to a plan: a trial the first time, else a charge.")
    enum Strategy: String, ExpressibleByArgument, CaseIterable {
        case perTeam = "per-team", perSeat = "per-seat"
    }
    @OptionGroup var global: GlobalOptions
    @Option(help: "The plan's tier (see coffer plans).") var plan: String
    @Option(help: "monthly, yearly or one-time.") var interval: BillingInterval?
    @Option(help: "Paid seats, the owner's included.") var seats: Int64 = 1
    @Option(help: "per-team (one pool) or per-seat.") var strategy: Strategy = .perTeam
    @Option(help: "A card number to save and charge.") var card: String?
    @Flag(help: "A personal plan for the acting user.") var personal = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let store = try global.openStore()
        let subscriptions = Subscriptions(store)
        let view = if personal {
            try subscriptions.subscribePersonal(email: global.actingEmail(), plan: plan, interval: interval, card: card)
        } else {
            try subscriptions.subscribe(actor: global.actor(in: store), plan: plan, interval: interval, seats: seats,
                                        strategy: strategy == .perTeam ? "per_team" : "per_seat", card: card)
        }
        try SubscriptionCommand.Show.print(view, json: json)
    }
}

/// `coffer subscription show | change | cancel | pause | resume | retry`.
struct SubscriptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscription", abstract: "Show and change the workspace's subscription.",
        subcommands: [Show.self, Change.self, Cancel.self, Pause.self, Resume.self, Retry.self, Assign.self, Unassign.self],
        defaultSubcommand: Show.self)

    /// Shows tier, status, price and interval, features, seats, period end, next refresh, credits.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the plan, status, period and credits.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStoreForReading()
            try Self.print(Subscriptions(store).show(actor: global.actor(in: store)), json: json)
        }

        static func print(_ view: SubscriptionView, json: Bool) throws {
            if json { return try Output.json(SubscriptionJSON(view)) }
            let status = view.status?.title ?? "Active (Free plan)"
            var lines = [
                ("Plan", "\(view.name) (\(view.tier))" + (view.ended ? " — ended; the workspace is on the Free plan" : "")),
                ("Status", status + (view.cancelsAtPeriodEnd ? ", cancels at period end" : "")),
                ("Description", view.description),
                ("Price", view.interval.map { "\(Money.cents(view.pricePerSeatCents)) per seat, \($0.rawValue) — \(Money.cents(view.periodPriceCents)) for \(view.seats) seat\(view.seats == 1 ? "" : "s")" } ?? "free"),
                ("Features", view.features.joined(separator: ", ")),
                ("Seats", "\(view.seats) paid (\(view.strategy == "per_seat" ? "per seat" : "per team"))"),
            ]
            if let trialEnd = view.trialEnd { lines.append(("Trial ends", Output.time(trialEnd))) }
            if let end = view.periodEnd { lines.append(("Period ends", Output.time(end))) }
            lines.append(("Credits refresh", view.nextRefresh.map(Output.time) ?? "never (no recurring credits)"))
            if let scheduled = view.scheduledPlan { lines.append(("Scheduled", "changes to \(scheduled) at the period end")) }
            lines.append(("Credits left", view.remainingCredits.description))
            lines.append(("Card", view.cardLast4.map { "•••• \($0)" } ?? "none"))
            let width = lines.map(\.0.count).max() ?? 0
            for (label, value) in lines {
                Swift.print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + Output.clean(value))
            }
        }
    }

    /// Upgrades now (prorated) or downgrades at the period end (R15).
    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "change", abstract: "Change plan or interval (upgrade now, downgrade at period end).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The new plan's tier.") var plan: String
        @Option(help: "monthly, yearly or one-time.") var interval: BillingInterval?
        @Flag(help: "Confirm the change (every change between paid plans asks first, R15).") var yes = false

        func run() throws {
            let store = try global.openStore()
            switch try Subscriptions(store).change(actor: global.actor(in: store), plan: plan, interval: interval, confirmed: yes) {
            case .upgraded(let cents, let compensation):
                print("Upgraded to \(plan): charged \(Money.cents(cents)); \(compensation) of unused credits compensated")
            case .scheduled(let time?):
                print("Changes to \(plan) at the end of the current period (\(Output.time(time)))")
            case .scheduled(nil):
                print("Changes to \(plan) when the subscription is resumed")
            }
        }
    }

    /// Cancels at the period end, or now.
    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel at the period end (or --now).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Cancel immediately.") var now = false

        func run() throws {
            let store = try global.openStore()
            let view = try Subscriptions(store).cancel(actor: global.actor(in: store), now: now)
            print(now ? "Canceled." : "Cancels at the end of the period (\(view.periodEnd.map(Output.time) ?? "now")).")
        }
    }

    /// Pauses until resumed.
    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause the subscription until resumed.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try SubscriptionCommand.lifecycle(global) { try Subscriptions($0).pause(actor: $1) } }
    }

    /// Resumes a paused subscription.
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused subscription.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try SubscriptionCommand.lifecycle(global) { try Subscriptions($0).resume(actor: $1) } }
    }

    /// Retries the open payment now.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Retry the failed payment now.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try SubscriptionCommand.lifecycle(global) { try Subscriptions($0).retry(actor: $1) } }
    }

    /// Runs one lifecycle change as the acting user and prints the resulting status.
    static func lifecycle(_ global: GlobalOptions, _ change: (CofferStore, Actor) throws -> SubscriptionView) throws {
        let store = try global.openStore()
        print("Status: \(try change(store, global.actor(in: store)).status?.title ?? "")")
    }
}

extension SubscriptionCommand {
    /// Gives the subscription back to the team (R32).
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign the subscription to the team (your seat returns).")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStore()
            try Members(store).assign(actor: global.actor(in: store))
            print("The subscription is assigned to the team; add the others again with coffer seats add")
        }
    }

    /// Takes the subscription away from the team (R32).
    struct Unassign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unassign", abstract: "Unassign the subscription: every seat goes, everyone is Personal.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let store = try global.openStore()
            try Members(store).unassign(actor: global.actor(in: store))
            print("The subscription is unassigned: everyone is on Personal access; the team pool is kept but closed")
        }
    }
}

/// `coffer subscription show --json`.
struct SubscriptionJSON: Encodable {
    let tier, name, description, strategy, remaining_credits, status: String
    let features: [String]
    let interval, period_end, next_refresh, trial_end, scheduled_plan, card_last4: String?
    let seats, price_per_seat_cents, period_price_cents: Int64
    let cancel_at_period_end, ended: Bool

    init(_ v: SubscriptionView) {
        ended = v.ended
        tier = v.tier; name = v.name; description = v.description; strategy = v.strategy
        remaining_credits = v.remainingCredits.plain; status = v.status?.rawValue ?? "active"
        features = v.features; interval = v.interval?.rawValue
        period_end = v.periodEnd.map(UTC.iso); next_refresh = v.nextRefresh.map(UTC.iso); trial_end = v.trialEnd.map(UTC.iso)
        scheduled_plan = v.scheduledPlan; card_last4 = v.cardLast4
        seats = v.seats; price_per_seat_cents = v.pricePerSeatCents; period_price_cents = v.periodPriceCents
        cancel_at_period_end = v.cancelsAtPeriodEnd
    }
}

extension SubscriptionView {
    /// Whether a cancellation is still to come at the period end: never once the subscription has
    /// ended or reached a final status (R12) — a canceled plan does not also "cancel at period end".
    var cancelsAtPeriodEnd: Bool { cancelAtPeriodEnd && !ended && !(status?.isFinal ?? false) }
}

/// `coffer billing card NUMBER | invoices`: the billing portal (primary owner).
struct BillingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing", abstract: "The billing portal: card on file and invoices.", subcommands: [Card.self, Invoices.self])

    /// Saves the card; a failed payment is retried with it.
    struct Card: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "card", abstract: "Set the card on file (a failed payment is retried with it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The card number.") var number: String
        @Flag(help: "Set your personal card instead of the workspace's.") var personal = false

        func run() throws {
            let store = try global.openStore()
            let last4 = personal
                ? try Billing(store).setPersonalCard(email: global.actingEmail(), number: number)
                : try Billing(store).setCard(actor: global.actor(in: store), number: number)
            print("Card •••• \(last4) saved.")
        }
    }

    /// Lists invoices, newest first.
    struct Invoices: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "invoices", abstract: "List invoices, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStoreForReading()
            let invoices = try Billing(store).invoices(actor: global.actor(in: store))
            if json {
                return try Output.json(invoices.map {
                    InvoiceJSON(id: $0.id, created_at: UTC.iso($0.createdAt), description: $0.description,
                                amount_cents: $0.amountCents, status: $0.status, failure: $0.failure)
                })
            }
            Output.table(["Date", "Description", "Amount", "Status"], invoices.map {
                [Output.time($0.createdAt), $0.description, Money.cents($0.amountCents), $0.status + ($0.failure.map { " (\($0))" } ?? "")]
            }, rightAligned: [2])
        }
    }
}

/// An invoice in JSON.
struct InvoiceJSON: Encodable {
    let id: Int64
    let created_at, description: String
    let amount_cents: Int64
    let status: String
    let failure: String?
}

/// `coffer packs buy AMOUNT [--count N] [--personal] [--id KEY]` (R23; `--id` makes a retry safe, R10).
struct PacksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "packs", abstract: "Buy credit packs.", subcommands: [Buy.self])

    /// Buys packs into the team pool, or the personal wallet.
    struct Buy: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "buy", abstract: "Buy $10, $25, $50, $100, $500 or $1,000 packs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pack's amount.") var amount: String
        @Option(help: "How many packs.") var count: Int64 = 1
        @Flag(help: "Into your personal wallet.") var personal = false
        @Option(help: "A purchase id of yours: the same id again is bought once, charged once (safe to retry).") var id: String?

        func run() throws {
            let store = try global.openStore()
            let balance = try CreditPacks(store).buy(actor: global.actor(in: store), amount: Credits.parsePositive(amount),
                                                     count: count, personal: personal, id: id)
            print("Bought \(count) × \(try Credits.parse(amount)) pack\(count == 1 ? "" : "s"): \(personal ? "personal wallet" : "team pool") \(balance)")
        }
    }
}
