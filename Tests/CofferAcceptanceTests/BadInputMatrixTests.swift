import Foundation
import Testing

/// Bad input on the command line (issue #10, R3, R5, SPEC §8): every argument that takes an
/// amount, count, email, date, id, URL, card or enum, tried with malformed, empty, huge,
/// negative and Unicode-trick values. Each is refused — exit 1 with one line, or a usage error
/// (exit 64) — never a trap, never an escape sequence echoed to the terminal, and afterwards
/// every row of the database is as it was.
@Suite("Bad input matrix (R3, R5, SPEC §8)")
struct BadInputMatrixTests {
    /// One argument slot: a command line with `{}` where the value goes, and values it accepts.
    struct Slot {
        let kind: Kind
        let arguments: [String]
        var valid: Set<String> = []
        var environment: String? = nil
    }

    /// What a slot takes.
    enum Kind { case amount, signedAmount, count, email, date, id, url, card, choice }

    /// Values no slot of any kind accepts (the Unicode tricks and the malformed).
    static let tricks: [String] = [
        " ", "twelve", "１２", "١٢", "\u{202E}12", "1\u{200B}2", "\u{FEFF}12", "\u{1B}[31m12", "\u{1B}]0;pwned\u{07}",
        "12\u{07}", "1\t2", "1\n2", "12\u{7F}", "1\u{0301}2", "NaN", "inf", "-inf", "1e3", "0x10", "1_000", "--", "-", "$", "-$",
        "1,00", "12abc", "%s%n", "'; DROP TABLE entries; --", String(repeating: "9", count: 30_000),
    ]

    /// Values per kind, beside the tricks: empty, negative, zero, over-precise, overflowing…
    static func values(_ kind: Kind) -> [String] {
        switch kind {
        case .amount, .signedAmount:
            return ["", "1.2345", "0.0001", "1,0000", "9223372036854775807", "99999999999999999999", "1000000000001",
                             "$$1", "1.2.3", "+-1", "(5)", "5$"] + (kind == .amount ? ["-5", "-0.001", "0", "-$3", "$-3", "-0"] : [])
        case .count:
            return ["", "-5", "0", "1.5", "99999999999999999999", "9223372036854775808", "+", "1 2"]
        case .email:
            return ["", "bob", "@acme.test", "bob@", "bob@@acme.test", "ｂｏｂ@acme.test", "bob\u{202E}@acme.test",
                             "bo\u{200B}b@acme.test", "\u{1B}[31mbob@acme.test", "bob@acme.test\u{07}", "bob @acme.test",
                             "bob@acme..test", ".bob@acme.test", "bob@-acme.test", String(repeating: "b", count: 300) + "@acme.test",
                             "bob@acme.test\u{2028}x"]
        case .date:
            return ["", "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-32", "2026-01-01T24:00", "2026-01-01T12:60",
                             "2026-1-1", "26-01-01", "２０２６-01-01", "2026-01-01T12:00:00+25:00", "2026-01-01Z", "+2026-01-01",
                             "2026-01-01T12:00:00.Z", "2026-01-01T", "2025-02-29", "2026-01-01 12", "\u{202E}2026-01-01"]
        case .id:
            return ["", String(repeating: "i", count: 30_000)]
        case .url:
            return [String(repeating: "u", count: 20_001)]
        case .card:
            return ["", "4242424242424241", "4242 4242 4242 4243", "４２４２４２４２４２４２４２４２", "4000000000000002",
                             String(repeating: "4", count: 20)]
        case .choice:
            return ["", "MESSAGE", "messagez", "me\u{200B}ssage"]
        }
    }

    static let bob = CofferCLI.member
    /// Every slot (SPEC §8), with `{}` where the value goes.
    static let slots: [Slot] = [
        Slot(kind: .amount, arguments: ["consume", "--service", "gpt-4o", "--id", "bad", "--credits", "{}"]),
        Slot(kind: .amount, arguments: ["consume", "--service", "gpt-4o", "--id", "bad", "--quantity", "{}"]),
        Slot(kind: .amount, arguments: ["packs", "buy", "{}"]),
        Slot(kind: .amount, arguments: ["operator", "grant", "referral-signup", "{}", "--for", bob]),
        Slot(kind: .signedAmount, arguments: ["operator", "adjust", "{}", "--reason", "bad input"], valid: ["-5", "-0.001", "-$3", "$-3"]),
        Slot(kind: .amount, arguments: ["members", "set-limit", bob, "{}"], valid: ["0", "-0"]),
        Slot(kind: .amount, arguments: ["recharge", "set", "--threshold", "{}"], valid: ["0", "-0"]),
        Slot(kind: .amount, arguments: ["recharge", "set", "--amount", "{}"], valid: ["0", "-0"]),
        Slot(kind: .amount, arguments: ["recharge", "set", "--max-period-spend", "{}"], valid: ["0", "-0"]),
        Slot(kind: .amount, arguments: ["alerts", "set", "{}"], valid: ["0", "-0"]),
        Slot(kind: .count, arguments: ["seats", "buy", "{}"]),
        Slot(kind: .count, arguments: ["packs", "buy", "10", "--count", "{}"]),
        Slot(kind: .count, arguments: ["members", "set-multiplier", bob, "{}"]),
        Slot(kind: .count, arguments: ["operator", "seats", "set", "{}"]),
        Slot(kind: .count, arguments: ["usage", "list", "--limit", "{}"]),
        Slot(kind: .count, arguments: ["subscribe", "--plan", "scale", "--seats", "{}"]),
        Slot(kind: .email, arguments: ["balance", "--as", "{}"]),
        Slot(kind: .email, arguments: ["workspace", "create", "Bad", "--owner", "{}"]),
        Slot(kind: .email, arguments: ["seats", "add", "{}"]),
        Slot(kind: .email, arguments: ["seats", "replace", bob, "{}"]),
        Slot(kind: .email, arguments: ["seats", "remove", "{}"]),
        Slot(kind: .email, arguments: ["members", "set-access", "{}", "personal"]),
        Slot(kind: .email, arguments: ["members", "set-limit", "{}", "5"]),
        Slot(kind: .email, arguments: ["members", "set-role", "{}", "owner"]),
        Slot(kind: .email, arguments: ["members", "transfer-ownership", "{}"]),
        Slot(kind: .email, arguments: ["consume", "--service", "gpt-4o", "--id", "bad", "--for", "{}"]),
        Slot(kind: .email, arguments: ["operator", "grant", "referral-signup", "5", "--for", "{}"]),
        Slot(kind: .email, arguments: ["recharge", "set", "--seat", "{}", "--amount", "5"]),
        Slot(kind: .date, arguments: ["usage", "list", "--from", "{}"]),
        Slot(kind: .date, arguments: ["usage", "summary", "--to", "{}"]),
        Slot(kind: .date, arguments: ["usage", "export", "--from", "2026-01-01", "--to", "{}"]),
        Slot(kind: .date, arguments: ["operator", "adjust", "1", "--reason", "clock"], valid: [""], environment: "COFFER_NOW"),
        Slot(kind: .id, arguments: ["consume", "--service", "gpt-4o", "--id", "{}"]),
        Slot(kind: .id, arguments: ["consume", "--service", "gpt-4o", "--id", "bad", "--conversation", "{}"], valid: [""]),
        Slot(kind: .id, arguments: ["consume", "--service", "mcp-http-call", "--id", "bad", "--api-key", "ci", "--call", "{}"], valid: [""]),
        Slot(kind: .id, arguments: ["keys", "create", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "show", "{}"]),
        Slot(kind: .choice, arguments: ["balance", "--workspace", "{}"]),
        Slot(kind: .choice, arguments: ["consume", "--service", "{}", "--id", "bad"]),
        Slot(kind: .choice, arguments: ["consume", "--service", "mcp-http-call", "--id", "bad", "--api-key", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "list", "--after", "{}"]),
        Slot(kind: .choice, arguments: ["whitelist", "set", "{}"]),
        Slot(kind: .url, arguments: ["consume", "--service", "brand-import", "--id", "bad", "--task", "t", "--import-type", "brand", "--url", "{}"]),
        Slot(kind: .card, arguments: ["billing", "card", "{}"]),
        Slot(kind: .choice, arguments: ["consume", "--service", "gpt-4o", "--id", "bad", "--type", "{}"]),
        Slot(kind: .choice, arguments: ["consume", "--service", "brand-import", "--id", "bad", "--import-type", "{}"]),
        Slot(kind: .choice, arguments: ["subscription", "change", "--plan", "{}", "--yes"]),
        Slot(kind: .choice, arguments: ["subscription", "change", "--plan", "scale", "--interval", "{}", "--yes"]),
        Slot(kind: .choice, arguments: ["subscribe", "--plan", "pro", "--strategy", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "list", "--tab", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "list", "--last", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "list", "--sort", "{}"]),
        Slot(kind: .choice, arguments: ["usage", "export", "--format", "{}"]),
        Slot(kind: .choice, arguments: ["members", "set-access", bob, "{}"]),
        Slot(kind: .choice, arguments: ["members", "set-role", bob, "{}"]),
        Slot(kind: .choice, arguments: ["access", "{}"]),
        Slot(kind: .choice, arguments: ["operator", "grant", "{}", "5", "--for", bob]),
        Slot(kind: .choice, arguments: ["recharge", "set", "--enabled", "{}"]),
    ]

    /// One tried input: the command line, and an environment variable set instead, if any.
    struct Case: Sendable {
        let arguments: [String]
        let environment: [String: String]
    }

    /// Every slot × the values it must refuse. In CI each slot gets its kind's own values and a
    /// rotating share of the tricks (every trick still meets every kind); `COFFER_BAD_INPUT=full`
    /// tries every trick on every slot.
    static var cases: [Case] {
        let full = ProcessInfo.processInfo.environment["COFFER_BAD_INPUT"] == "full"
        return slots.enumerated().flatMap { index, slot in
            let tried = values(slot.kind) + (slot.kind == .id || slot.kind == .url ? [] : tricks.enumerated()
                .filter { position, _ in full || (position + index) % 6 == 0 }.map(\.element))
            return tried.filter { !slot.valid.contains($0) }.map { value in
                if let name = slot.environment { return Case(arguments: slot.arguments, environment: [name: value]) }
                return Case(arguments: slot.arguments.map { $0 == "{}" ? value : $0 }, environment: [:])
            }
        }
    }

    @Test("Every argument × malformed, empty, huge, negative and Unicode-trick values: refused cleanly, nothing changes")
    func matrix() throws {
        let cli = try CofferCLI()
        try cli.team()
        let before = try cli.digest()
        let cases = Self.cases
        let problems = Problems()
        DispatchQueue.concurrentPerform(iterations: 4) { lane in
            for index in stride(from: lane, to: cases.count, by: 4) {
                let tried = cases[index]
                let runner = cli.with(environment: tried.environment)
                guard let result = try? runner.run(arguments: tried.arguments) else { return problems.add("\(tried): did not run") }
                if let problem = Self.problem(result) { problems.add("\(Self.describe(tried)): \(problem)") }
            }
        }
        let found = problems.all
        #expect(found.isEmpty, "\(found.count) of \(cases.count) inputs:\n\(found.prefix(40).joined(separator: "\n"))")
        #expect(try cli.digest() == before, "a refused input changed the database")
        try cli.expectSound()
        if found.isEmpty { print("bad input matrix: \(cases.count) inputs over \(Self.slots.count) arguments, each refused cleanly; nothing changed") }
    }

    /// What is wrong with a refusal, or nil when it is clean (SPEC §8).
    static func problem(_ result: CofferCLI.Result) -> String? {
        if let signal = result.signal { return "killed by signal \(signal)" }
        let message = result.stderr.isEmpty ? result.stdout : result.stderr
        let unsafe = message.unicodeScalars.first { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) }
        if let unsafe { return "echoed U+\(String(unsafe.value, radix: 16)) to the terminal: \(message.debugDescription.prefix(300))" }
        switch result.status {
        case 1:
            guard message.filter({ $0 == "\n" }).count == 1, !message.hasPrefix("\n") else { return "not one line: \(message.debugDescription.prefix(300))" }
            return nil
        case 64:
            return message.hasPrefix("coffer: ") ? nil : "a usage error without 'coffer:': \(message.prefix(300))"
        default:
            return "exit \(result.status): \(message.prefix(300))"
        }
    }

    static func describe(_ tried: Case) -> String {
        (tried.environment.map { "\($0.key)=\($0.value.debugDescription.prefix(40))" } + tried.arguments.map { String($0.debugDescription.prefix(40)) })
            .joined(separator: " ")
    }
}

/// Problems found by concurrent lanes.
final class Problems: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [String] = []
    func add(_ problem: String) { lock.withLock { found.append(problem) } }
    var all: [String] { lock.withLock { found } }
}

extension CofferCLI {
    /// A CLI on the same database with extra environment variables.
    func with(environment extra: [String: String]) -> CofferCLI {
        let copy = CofferCLI(sharing: self)
        copy.environment.merge(extra) { _, new in new }
        return copy
    }
}
