/// A closed set of words at the store's boundary: each case's raw value is its one text, the same
/// on the command line, in JSON, in the database and in error messages.
public protocol BoundaryWord: RawRepresentable<String>, CaseIterable, Hashable, Sendable {}

extension BoundaryWord {
    /// Every word, as a sentence lists them: `brand or product`, `message, image or video`.
    public static var spokenList: String {
        let words = allCases.map(\.rawValue)
        guard let last = words.last, words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}

/// The four tabs of usage records (SPEC §7).
public enum UsageTab: String, BoundaryWord {
    case conversations, calls, imports, adjustments

    /// The fields the tab sorts by (SPEC §7); the first is the default, newest first.
    public var sortFields: [SortField] {
        switch self {
        case .conversations: [.updated, .messages, .credits]
        case .calls, .imports: [.created, .credits]
        case .adjustments: [.created, .amount]
        }
    }

    /// The sort field after `field` in `sortFields`, round to the first (the dashboard's `s` key).
    public func sortField(after field: SortField) -> SortField {
        let fields = sortFields
        let next = (fields.firstIndex(of: field) ?? fields.count - 1) + 1
        return fields[next % fields.count]
    }

    /// The tab's title as people read it.
    public var title: String {
        switch self {
        case .conversations: "Conversations"
        case .calls: "MCP-HTTP Calls"
        case .imports: "Import Usage"
        case .adjustments: "Credit Adjustments"
        }
    }
}

/// A column a usage tab sorts by (SPEC §7); its text is the field of `--sort FIELD[:asc|desc]` (SPEC §8).
public enum SortField: String, BoundaryWord {
    /// Updated At (conversations).
    case updated
    /// Message Count (conversations).
    case messages
    /// Credits (conversations, calls, imports).
    case credits
    /// Created At (calls, imports, adjustments).
    case created
    /// Amount (adjustments).
    case amount
}

/// A tab's sort: one of the tab's `sortFields`, ascending or descending.
public struct UsageSort: Sendable, Equatable, Hashable {
    /// The column sorted by.
    public let field: SortField
    /// Largest (or newest) first.
    public let descending: Bool

    /// A sort; `parse` validates text against a tab.
    public init(field: SortField, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    /// The tab's default: newest first.
    public static func newest(_ tab: UsageTab) -> UsageSort { UsageSort(field: tab.sortFields[0], descending: true) }

    /// `credits`, `credits:asc`, `updated:desc` (SPEC §8); a field the tab does not sort by is refused.
    public static func parse(_ text: String, tab: UsageTab) throws -> UsageSort {
        let parts = text.split(separator: ":").map(String.init)
        guard let first = parts.first, let field = SortField(rawValue: first), tab.sortFields.contains(field), parts.count <= 2,
              parts.count == 1 || ["asc", "desc"].contains(parts[1]) else {
            throw refusal(text, tab: tab)
        }
        return UsageSort(field: field, descending: parts.count == 1 || parts[1] == "desc")
    }

    /// The error for a sort `tab` does not take, naming the fields it does.
    public static func refusal(_ text: String, tab: UsageTab) -> CofferError {
        CofferError("\(tab.title) sort by \(tab.sortFields.map(\.rawValue).joined(separator: ", ")) (optionally :asc or :desc), not \(CofferError.quote(text))")
    }

    /// `credits:desc`: the text `parse` reads back as this sort.
    public var text: String { "\(field.rawValue):\(descending ? "desc" : "asc")" }
}

/// A conversation's billing type (SPEC §7, §8 `consume --type`).
public enum BillingType: String, BoundaryWord {
    case message, image, video

    /// The type a conversation service's events have when they name none; nil for other services.
    public init?(defaultFor kind: ServiceKind) {
        switch kind {
        case .conversationMessage: self = .message
        case .imageGeneration: self = .image
        case .videoGeneration: self = .video
        case .mcpHTTPCall, .importJob, .consumable: return nil
        }
    }

    /// The type named by `text`, or the error SPEC §8's `consume` and `usage import` give.
    public static func parse(_ text: String) throws -> BillingType {
        guard let type = BillingType(rawValue: text) else {
            throw CofferError("Billing types are \(spokenList) (not \(CofferError.quote(text)))")
        }
        return type
    }
}

/// An import job's type (SPEC §7, §8 `consume --import-type`).
public enum ImportType: String, BoundaryWord {
    case brand, product

    /// The type of an import service's events that name none: brand for `brand…` services, else product.
    public init(defaultForService slug: String) {
        self = slug.hasPrefix(ImportType.brand.rawValue) ? .brand : .product
    }

    /// The type named by `text`, or the error SPEC §8's `consume` and `usage import` give.
    public static func parse(_ text: String) throws -> ImportType {
        guard let type = ImportType(rawValue: text) else {
            throw CofferError("Import types are \(spokenList) (not \(CofferError.quote(text)))")
        }
        return type
    }
}

/// An amount as front ends see it (R1, R4, R16): credits, or a quantity of one service's
/// allowance units — never a bare count of thousandths beside an asset name.
public enum Amount: Hashable, Sendable {
    case credits(Credits)
    /// Units of the allowance of the service with this slug.
    case quantity(Quantity, service: String)

    /// An amount of `asset` as the ledger counts it, in thousandths (millicredits or milliunits).
    public init(thousandths: Int64, of asset: Asset) {
        switch asset {
        case .credits: self = .credits(Credits(millicredits: thousandths))
        case .service(let slug): self = .quantity(Quantity(milliunits: thousandths), service: slug)
        }
    }

    /// What the amount counts: credits or the service's units.
    public var asset: Asset {
        switch self {
        case .credits: .credits
        case .quantity(_, let service): .service(service)
        }
    }

    /// The credits, when the amount is credits.
    public var credits: Credits? {
        if case .credits(let credits) = self { return credits }
        return nil
    }
}
