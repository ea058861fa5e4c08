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
