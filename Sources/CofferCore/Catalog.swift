import Foundation

/// The plan and service catalog (R9, R9a, R28), loaded from `assets/plans.json` or an operator's file.
public struct Catalog: Sendable {
    /// Every plan, in catalog order.
    public let plans: [Plan]
    /// Every service, in catalog order.
    public let services: [Service]

    /// The plan with this tier id (`free`, `pro`, …), if any.
    public func plan(_ tier: String) -> Plan? { plans.first { $0.tier == tier } }

    /// The service with this slug, if any.
    public func service(_ slug: String) -> Service? { services.first { $0.slug == slug } }

    /// The plan every workspace starts on.
    public var freePlan: Plan { plan("free")! }

    /// Decodes and validates a catalog; errors name the file and the field.
    public static func load(json: Data, source: String) throws -> Catalog {
        let file: CatalogFile
        do {
            file = try JSONDecoder().decode(CatalogFile.self, from: json)
        } catch let error as DecodingError {
            throw CofferError("Catalog \(source): \(describe(error))")
        } catch {
            throw CofferError("Catalog \(source): \(error)")
        }
        do {
            return try file.validated()
        } catch let error as CatalogFieldError {
            throw CofferError("Catalog \(source): \(error.path): \(error.message)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue): missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            let where_ = path(context.codingPath)
            return where_.isEmpty ? "not valid JSON" : "\(where_): \(context.debugDescription)"
        @unknown default:
            return "unreadable"
        }
    }
}

/// A subscription plan (R9).
public struct Plan: Sendable, Equatable {
    public let tier: String
    public let name: String
    public let description: String
    public let features: [String]
    /// Which billing intervals can be bought.
    public let intervals: [BillingInterval]
    /// Price per seat per month, in cents (also the price of one one-time period).
    public let pricePerSeatMonthCents: Int64
    /// Price per seat per year, in cents.
    public let pricePerSeatYearCents: Int64
    /// Credits granted per paid seat each credit period.
    public let monthlyCreditsPerSeat: Credits
    /// The service allowance items (R9a).
    public let allowances: [AllowanceItem]
    /// The share (percent of one period's grant) of unused credits that rolls over (R21); 0 = reset.
    public let rolloverCapPercent: Int64
    public let trialDays: Int64
    /// Whether the primary owner can buy seats (Pro, Scale); else an account manager does (R9).
    public let selfServeSeats: Bool
    /// The most seats a subscription can have (1 for individual plans).
    public let maxSeats: Int64
    /// Credits granted once when a workspace is created on this plan (the Free workspace grant).
    public let workspaceGrant: Credits

    /// Whether the plan is free of charge.
    public var isFree: Bool { pricePerSeatMonthCents == 0 && pricePerSeatYearCents == 0 }

    /// The price of one seat for one `interval`, in cents (one-time plans use the monthly price).
    public func seatPriceCents(_ interval: BillingInterval) -> Int64 { interval == .yearly ? pricePerSeatYearCents : pricePerSeatMonthCents }
}

/// Monthly, yearly or one-time billing (R9, R14).
public enum BillingInterval: String, CaseIterable, Codable, Sendable {
    case monthly, yearly
    case oneTime = "one-time"
}

/// A service allowance item: an amount per period (or unlimited) for the team or the owner (R9a).
public struct AllowanceItem: Sendable, Equatable {
    public let service: String
    /// Units per period, or nil for unlimited.
    public let amount: Quantity?
    /// true: the team (pool or each seat); false: the primary owner's personal consumable.
    public let isTeamAllowed: Bool

    /// Creates an item; `amount` nil means unlimited.
    public init(service: String, amount: Quantity?, isTeamAllowed: Bool) {
        self.service = service
        self.amount = amount
        self.isTeamAllowed = isTeamAllowed
    }

    /// Whether the allowance has no limit.
    public var isUnlimited: Bool { amount == nil }
}

/// What a service is (R28).
public enum ServiceKind: String, CaseIterable, Codable, Sendable {
    case conversationMessage = "conversation_message"
    case imageGeneration = "image_generation"
    case videoGeneration = "video_generation"
    case mcpHTTPCall = "mcp_http_call"
    case importJob = "import_job"
    case consumable
}

/// A priced service (R28); for models, the slug is the model's name.
public struct Service: Sendable, Equatable {
    public let slug: String
    public let name: String
    public let kind: ServiceKind
    /// What one unit is called (message, image, call, hour…).
    public let unit: String
    public let unitPrice: Credits

    /// A service with each field spelled out.
    public init(slug: String, name: String, kind: ServiceKind, unit: String, unitPrice: Credits) {
        (self.slug, self.name, self.kind, self.unit, self.unitPrice) = (slug, name, kind, unit, unitPrice)
    }
}

/// A validation failure at a field path inside the catalog file.
struct CatalogFieldError: Error {
    let path: String
    let message: String
}

/// The catalog as written in JSON (snake_case); validated into `Catalog`.
private struct CatalogFile: Decodable {
    struct PlanFile: Decodable {
        let tier, name, description: String
        let features: [String]
        let intervals: [String]
        let price_per_seat_month_cents, price_per_seat_year_cents: Int64
        let monthly_credits_per_seat: String
        let allowances: [AllowanceFile]
        let rollover_cap_percent, trial_days: Int64
        let self_serve_seats: Bool
        let max_seats: Int64
        let workspace_grant: String?
    }
    struct AllowanceFile: Decodable {
        let service, amount: String
        let is_team_allowed: Bool
    }
    struct ServiceFile: Decodable {
        let slug, name, kind, unit, unit_price: String
    }
    let services: [ServiceFile]
    let plans: [PlanFile]

    func validated() throws -> Catalog {
        var services: [Service] = []
        for (i, s) in self.services.enumerated() {
            let at = "services[\(i)]"
            guard isSlug(s.slug), s.slug != "credits" else {
                throw CatalogFieldError(path: "\(at).slug", message: "a slug is lower-case letters, digits, '.', '_' or '-' (not 'credits')")
            }
            guard !services.contains(where: { $0.slug == s.slug }) else {
                throw CatalogFieldError(path: "\(at).slug", message: "duplicate service \(s.slug)")
            }
            guard let kind = ServiceKind(rawValue: s.kind) else {
                throw CatalogFieldError(path: "\(at).kind", message: "one of \(ServiceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let price = try field("\(at).unit_price") { try Credits.parseNonNegative(s.unit_price) }
            services.append(Service(slug: s.slug, name: s.name, kind: kind, unit: s.unit, unitPrice: price))
        }
        var plans: [Plan] = []
        for (i, p) in self.plans.enumerated() {
            let at = "plans[\(i)]"
            guard isSlug(p.tier), !plans.contains(where: { $0.tier == p.tier }) else {
                throw CatalogFieldError(path: "\(at).tier", message: "a unique lower-case id")
            }
            var intervals: [BillingInterval] = []
            for (j, text) in p.intervals.enumerated() {
                guard let interval = BillingInterval(rawValue: text) else {
                    throw CatalogFieldError(path: "\(at).intervals[\(j)]", message: "monthly, yearly or one-time")
                }
                intervals.append(interval)
            }
            guard !intervals.isEmpty else { throw CatalogFieldError(path: "\(at).intervals", message: "at least one interval") }
            guard p.price_per_seat_month_cents >= 0 else { throw CatalogFieldError(path: "\(at).price_per_seat_month_cents", message: "must not be negative") }
            guard p.price_per_seat_year_cents >= 0 else { throw CatalogFieldError(path: "\(at).price_per_seat_year_cents", message: "must not be negative") }
            let credits = try field("\(at).monthly_credits_per_seat") { try Credits.parseNonNegative(p.monthly_credits_per_seat) }
            let grant = try field("\(at).workspace_grant") { try Credits.parseNonNegative(p.workspace_grant ?? "0") }
            guard (0...100).contains(p.rollover_cap_percent) else { throw CatalogFieldError(path: "\(at).rollover_cap_percent", message: "from 0 to 100") }
            guard (0...365).contains(p.trial_days) else { throw CatalogFieldError(path: "\(at).trial_days", message: "from 0 to 365") }
            guard (1...100_000).contains(p.max_seats) else { throw CatalogFieldError(path: "\(at).max_seats", message: "from 1 to 100000") }
            var allowances: [AllowanceItem] = []
            for (j, a) in p.allowances.enumerated() {
                let here = "\(at).allowances[\(j)]"
                guard services.contains(where: { $0.slug == a.service }) else {
                    throw CatalogFieldError(path: "\(here).service", message: "unknown service \(CofferError.quote(a.service))")
                }
                guard !allowances.contains(where: { $0.service == a.service && $0.isTeamAllowed == a.is_team_allowed }) else {
                    throw CatalogFieldError(path: "\(here)", message: "a second item for \(a.service) with the same is_team_allowed")
                }
                let amount: Quantity? = a.amount == "unlimited" ? nil
                    : try field("\(here).amount") { try Quantity.parsePositive(a.amount) }
                allowances.append(AllowanceItem(service: a.service, amount: amount, isTeamAllowed: a.is_team_allowed))
            }
            plans.append(Plan(tier: p.tier, name: p.name, description: p.description, features: p.features,
                              intervals: intervals, pricePerSeatMonthCents: p.price_per_seat_month_cents,
                              pricePerSeatYearCents: p.price_per_seat_year_cents, monthlyCreditsPerSeat: credits,
                              allowances: allowances, rolloverCapPercent: p.rollover_cap_percent,
                              trialDays: p.trial_days, selfServeSeats: p.self_serve_seats, maxSeats: p.max_seats,
                              workspaceGrant: grant))
        }
        guard plans.contains(where: { $0.tier == "free" }) else {
            throw CatalogFieldError(path: "plans", message: "a plan with tier \"free\" is required (every workspace starts on it)")
        }
        return Catalog(plans: plans, services: services)
    }

    private func field<T>(_ path: String, _ parse: () throws -> T) throws -> T {
        do { return try parse() } catch let error as CofferError {
            throw CatalogFieldError(path: path, message: error.message)
        }
    }

    private func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
