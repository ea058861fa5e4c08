import ArgumentParser
import CofferCore

/// `coffer plans`: the plan catalog in force (R9).
struct PlansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plans", abstract: "Show the plan catalog.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let catalog = try global.loadCatalog()
        if json { return try Output.json(CatalogJSON(catalog)) }
        Output.table(["Tier", "Name", "Per seat / month", "Per seat / year", "Credits / seat", "Rollover", "Trial", "Seats", "Intervals"],
                     catalog.plans.map { plan in
            [plan.tier, plan.name, Money.cents(plan.pricePerSeatMonthCents), Money.cents(plan.pricePerSeatYearCents),
             plan.monthlyCreditsPerSeat.description, "\(plan.rolloverCapPercent)%", "\(plan.trialDays) d",
             plan.maxSeats == 1 ? "1" : (plan.selfServeSeats ? "self-serve" : "account manager"),
             plan.intervals.map(\.rawValue).joined(separator: ", ")]
        }, rightAligned: [2, 3, 4, 5, 6])
        for plan in catalog.plans where !plan.allowances.isEmpty {
            let items = plan.allowances.map { item in
                "\(item.amount?.description ?? "unlimited") \(item.service) (\(item.isTeamAllowed ? "team" : "owner only"))"
            }
            print("\(plan.name) allowances per period: \(items.joined(separator: ", "))")
        }
        print("")
        Output.table(["Service", "Name", "Kind", "Unit", "Unit price"], catalog.services.map {
            [$0.slug, $0.name, $0.kind.rawValue, $0.unit, $0.unitPrice.description]
        }, rightAligned: [4])
    }
}

/// The catalog in JSON.
struct CatalogJSON: Encodable {
    struct PlanJSON: Encodable {
        struct Item: Encodable { let service: String; let amount: String; let is_team_allowed: Bool }
        let tier, name, description, monthly_credits_per_seat, workspace_grant: String
        let features, intervals: [String]
        let price_per_seat_month_cents, price_per_seat_year_cents, rollover_cap_percent, trial_days, max_seats: Int64
        let self_serve_seats: Bool
        let allowances: [Item]
    }
    struct ServiceJSON: Encodable { let slug, name, kind, unit, unit_price: String }
    let plans: [PlanJSON]
    let services: [ServiceJSON]

    init(_ catalog: Catalog) {
        plans = catalog.plans.map { p in
            PlanJSON(tier: p.tier, name: p.name, description: p.description,
                     monthly_credits_per_seat: p.monthlyCreditsPerSeat.plain, workspace_grant: p.workspaceGrant.plain,
                     features: p.features, intervals: p.intervals.map(\.rawValue),
                     price_per_seat_month_cents: p.pricePerSeatMonthCents, price_per_seat_year_cents: p.pricePerSeatYearCents,
                     rollover_cap_percent: p.rolloverCapPercent, trial_days: p.trialDays, max_seats: p.maxSeats,
                     self_serve_seats: p.selfServeSeats,
                     allowances: p.allowances.map { .init(service: $0.service, amount: $0.amount?.plain ?? "unlimited", is_team_allowed: $0.isTeamAllowed) })
        }
        services = catalog.services.map { .init(slug: $0.slug, name: $0.name, kind: $0.kind.rawValue, unit: $0.unit, unit_price: $0.unitPrice.plain) }
    }
}
