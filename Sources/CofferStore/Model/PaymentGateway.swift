import CofferCore
import Foundation

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
    /// What `charge` would answer, without charging or remembering anything: for a what-if
    /// (a read command settling a future clock, R15a, which is rolled back).
    func preview(_ request: ChargeRequest) -> ChargeOutcome
}

extension PaymentGateway {
    /// A gateway that cannot say in advance expects a saved card to pay.
    public func preview(_ request: ChargeRequest) -> ChargeOutcome { .paid }
}

/// A gateway for a what-if (R15a): charges are previewed, never made.
struct WhatIfGateway: PaymentGateway {
    let base: any PaymentGateway

    func saveCard(number: String) throws -> SavedCard { try base.saveCard(number: number) }
    func charge(_ request: ChargeRequest) -> ChargeOutcome { base.preview(request) }
}

/// The built-in, in-process sandbox honouring the usual test cards (R10):
/// `4242424242424242` succeeds; `4000000000000002` is declined and cannot be saved;
/// `4000000000000341` can be saved but every charge on it fails. Any other number that
/// passes the Luhn check behaves like 4242.
///
/// With a `journal` file the sandbox remembers charges across processes the way a real
/// gateway does: a charge whose idempotency key it has seen returns the first outcome and
/// charges nothing (a `replay` line). `dieAfterCharge` is fault injection: the process is
/// SIGKILLed right after the gateway has charged, before the command's transaction commits.
public struct SandboxGateway: PaymentGateway {
    /// The journal file (JSON lines), or nil for a sandbox without memory.
    public let journal: String?
    /// Whether to die between charge and commit.
    public let dieAfterCharge: Bool

    /// A sandbox gateway, optionally remembering charges in `journal`.
    public init(journal: String? = nil, dieAfterCharge: Bool = false) {
        self.journal = journal
        self.dieAfterCharge = dieAfterCharge
    }

    public func saveCard(number raw: String) throws -> SavedCard {
        let digits = raw.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), Self.luhn(digits) else {
            throw CofferError("Invalid card number: \(CofferError.quote(raw, limit: 24))")
        }
        if digits == "4000000000000002" { throw CofferError("Your card was declined") }
        let behaviour = digits == "4000000000000341" ? "fails" : "pays"
        return SavedCard(token: "sandbox_\(behaviour)_\(digits.suffix(4))", last4: String(digits.suffix(4)))
    }

    public func preview(_ request: ChargeRequest) -> ChargeOutcome {
        if let journal, let first = SandboxJournal.outcome(of: request.idempotencyKey, in: journal) { return first }
        return Self.outcome(request)
    }

    /// How the sandbox answers a charge on a card token (R10).
    private static func outcome(_ request: ChargeRequest) -> ChargeOutcome {
        request.cardToken.hasPrefix("sandbox_pays_") ? .paid : .failed(reason: "Your card was declined")
    }

    public func charge(_ request: ChargeRequest) -> ChargeOutcome {
        if let journal, let first = SandboxJournal.outcome(of: request.idempotencyKey, in: journal) {
            SandboxJournal.append(["event": "replay", "key": request.idempotencyKey], to: journal)
            return first
        }
        let outcome = Self.outcome(request)
        if let journal {
            var line = ["event": "charge", "key": request.idempotencyKey, "cents": String(request.amountCents)]
            if case .failed(let reason) = outcome { line["failure"] = reason }
            SandboxJournal.append(line, to: journal)
        }
        if dieAfterCharge { kill(getpid(), SIGKILL) }
        return outcome
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

/// The sandbox's memory of charges: one JSON object per line, appended atomically.
enum SandboxJournal {
    /// The outcome of the first charge recorded under `key`, if any.
    static func outcome(of key: String, in path: String) -> ChargeOutcome? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        for line in data.split(separator: 0x0A) {
            guard let object = try? JSONDecoder().decode([String: String].self, from: Data(line)),
                  object["event"] == "charge", object["key"] == key else { continue }
            return object["failure"].map { .failed(reason: $0) } ?? .paid
        }
        return nil
    }

    /// Appends one line with a single `write` on an `O_APPEND` descriptor (safe across processes).
    static func append(_ object: [String: String], to path: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard var line = try? encoder.encode(object) else { return }
        line.append(0x0A)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
