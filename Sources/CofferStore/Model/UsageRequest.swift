import CofferCore
import Foundation

/// One usage event to record (SPEC §8 `consume`, one line of `usage import`), with its id (R33).
public struct UsageRequest: Sendable, Equatable {
    public var eventID: String
    public var service: String
    /// Units used, priced from the catalog (default one unit).
    public var quantity: Quantity?
    /// A metered amount of credits instead of a quantity.
    public var credits: Credits?
    /// The member who used it, when an owner records for someone else.
    public var forEmail: String?
    public var conversationID: String?
    public var title: String?
    /// A `BillingType` as text (message, image or video), as the event gave it; `validate` checks it.
    public var billingType: String?
    public var apiKey: String?
    public var callID: String?
    public var taskID: String?
    /// An `ImportType` as text (brand or product), as the event gave it; `validate` checks it.
    public var importType: String?
    public var url: String?

    /// A request for `service` under `eventID`; set the other fields as needed.
    public init(eventID: String, service: String, quantity: Quantity? = nil, credits: Credits? = nil, forEmail: String? = nil) {
        self.eventID = eventID
        self.service = service
        self.quantity = quantity
        self.credits = credits
        self.forEmail = forEmail
    }

    /// Refuses malformed requests before anything is read or written.
    func validate() throws {
        // (Counting characters only when the bytes alone do not settle it.)
        guard !eventID.isEmpty, eventID.utf8.count <= 200 || eventID.count <= 200 else { throw CofferError("An event id has 1 to 200 characters") }
        guard quantity == nil || credits == nil else { throw CofferError("Give --quantity or --credits, not both") }
        if let quantity, quantity.milliunits <= 0 { throw CofferError("Quantity must be greater than zero: \(quantity.plain)") }
        if let credits, credits.millicredits <= 0 { throw CofferError("Amount must be greater than zero: \(credits.plain)") }
        _ = try billingType.map(BillingType.parse)
        _ = try importType.map(ImportType.parse)
        try Self.checkText("id", eventID)
        try Self.checkText("service", service)
        try Self.checkText("title", title)
        try Self.checkText("url", url)
        try Self.checkText("conversation", conversationID)
        try Self.checkText("call", callID)
        try Self.checkText("task", taskID)
        try Self.checkText("api key", apiKey)
    }

    /// A text field fits (at most 20,000 bytes) and holds no NUL: SQLite text ends at a NUL, so it
    /// is refused rather than stored cut short.
    private static func checkText(_ name: String, _ value: String?) throws {
        guard let value else { return }
        if value.utf8.count > 20_000 { throw CofferError("The \(name) is longer than 20,000 bytes") }
        let hasNul = value.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? value.utf8.contains(0)
        if hasNul { throw CofferError("The \(name) contains a NUL character (U+0000)") }
    }
}

/// What recording a usage event did (stored, and returned again for a duplicate id, R33).
public struct UsageResult: Sendable, Equatable {
    /// One draw from one grant.
    public struct Draw: Sendable, Equatable {
        /// The paying wallet: `team_pool`, `seat`, `personal` or `owner_allowance`.
        public let wallet: String
        public let grant: Int64
        /// Credits, or units of the service's allowance.
        public let amount: Amount
    }
    public let eventID: String
    public let service: String
    public let member: String
    /// Credits drawn.
    public let credits: Credits
    /// Allowance units drawn.
    public let units: Quantity
    /// The usage's value in credits (credits + units × unit price).
    public let value: Credits
    /// The wallets that paid, in order (`team_pool`, `seat`, `personal`, `owner_allowance`).
    public let wallets: [String]
    public internal(set) var draws: [Draw]
    /// The credit balance left in the first paying wallet.
    public let balance: Credits
    /// True when an unlimited allowance covered it at no charge.
    public let unlimited: Bool
    /// What auto-recharge did before the debit, if anything.
    public let recharge: String?
    /// True when this id was recorded before and nothing was charged now.
    public var duplicate: Bool
}

extension UsageResult {
    /// A result from the ledger's stored figures: millicredits and thousandths of a unit.
    init(eventID: String, service: String, member: String, credits: Int64, units: Int64, value: Int64, wallets: [String],
         draws: [Draw], balance: Int64, unlimited: Bool, recharge: String?, duplicate: Bool) {
        self.init(eventID: eventID, service: service, member: member, credits: Credits(millicredits: credits),
                  units: Quantity(milliunits: units), value: Credits(millicredits: value), wallets: wallets, draws: draws,
                  balance: Credits(millicredits: balance), unlimited: unlimited, recharge: recharge, duplicate: duplicate)
    }
}

extension UsageResult.Draw {
    /// A draw from the ledger's stored figures: the asset's code and the amount in thousandths.
    init(wallet: String, asset: String, grant: Int64, amount: Int64) {
        self.init(wallet: wallet, grant: grant, amount: Amount(thousandths: amount, of: Asset(code: asset)))
    }
}
