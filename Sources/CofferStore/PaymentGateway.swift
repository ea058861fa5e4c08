import CofferCore

/// A card saved with the gateway: a token to charge and the last four digits to show.
public struct SavedCard: Sendable, Equatable {
    public let token: String
    public let last4: String
}

/// One charge, always with an idempotency key (R10): the same key never charges twice.
public struct ChargeRequest: Sendable, Equatable {
    public let cardToken: String
    public let amountCents: Int64
    public let description: String
    public let idempotencyKey: String
}

/// What a charge did.
public enum ChargeOutcome: Sendable, Equatable {
    case paid
    case failed(reason: String)
}

/// Where card payments go (R10). The store calls it inside the command's transaction.
public protocol PaymentGateway: Sendable {
    /// Validates and saves a card, or refuses it with a one-line reason.
    func saveCard(number: String) throws -> SavedCard
    /// Charges a saved card.
    func charge(_ request: ChargeRequest) -> ChargeOutcome
}

/// The built-in, in-process sandbox honouring the usual test cards (R10):
/// `4242424242424242` succeeds; `4000000000000002` is declined and cannot be saved;
/// `4000000000000341` can be saved but every charge on it fails. Any other number that
/// passes the Luhn check behaves like 4242.
public struct SandboxGateway: PaymentGateway {
    /// A sandbox gateway.
    public init() {}

    public func saveCard(number raw: String) throws -> SavedCard {
        let digits = raw.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), Self.luhn(digits) else {
            throw CofferError("Invalid card number: \(CofferError.quote(raw, limit: 24))")
        }
        if digits == "4000000000000002" { throw CofferError("Your card was declined") }
        let behaviour = digits == "4000000000000341" ? "fails" : "pays"
        return SavedCard(token: "sandbox_\(behaviour)_\(digits.suffix(4))", last4: String(digits.suffix(4)))
    }

    public func charge(_ request: ChargeRequest) -> ChargeOutcome {
        guard request.cardToken.hasPrefix("sandbox_pays_") else {
            return .failed(reason: "Your card was declined")
        }
        return .paid
    }

    /// The Luhn checksum of a card number.
    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            var digit = Int(String(character)) ?? 0
            if index % 2 == 1 { digit *= 2; if digit > 9 { digit -= 9 } }
            sum += digit
        }
        return sum % 10 == 0
    }
}
