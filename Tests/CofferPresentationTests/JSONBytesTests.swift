@testable import CofferStore
import CofferCore
import CofferPresentation
import Foundation
import Testing

/// `JSONBytes`, the writer of `coffer serve`'s answers to events, writes the very bytes
/// `JSONEncoder` writes (keys sorted, slashes kept), for every character and every result shape.
@Suite("JSON written by hand equals JSONEncoder's (R39)")
struct JSONBytesTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    struct Sample: Encodable { let b: Bool; let n: Int64; let s: String; let z: String? }

    static func written(_ sample: Sample) -> String {
        var json = JSONBytes()
        json.openObject()
        json.key("b"); json.bool(sample.b)
        json.key("n"); json.int(sample.n)
        json.key("s"); json.string(sample.s)
        json.field("z", sample.z)
        json.closeObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Every ASCII character alone, characters JSON writers treat specially, and every string of up
    /// to three pieces that mix them (5,220).
    static let strings: [String] = {
        var all = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        all += ["", "é", "✓", "😀", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{85}", "a/b", "</script>", "\\u0000", "e\u{301}"]
        let pieces = ["\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1B}", "\u{7F}", "a", "Z", " ", "é", "😀", "\u{2028}", "\u{8}", "\u{C}"]
        var level = [""]
        for _ in 0..<3 {
            level = level.flatMap { prefix in pieces.map { prefix + $0 } }
            all += level
        }
        return all
    }()

    @Test("Strings, integers, booleans and an absent field: the same bytes as JSONEncoder")
    func scalars() throws {
        var differing: [String] = []
        for (index, text) in Self.strings.enumerated() {
            let sample = Sample(b: index.isMultiple(of: 2), n: Int64(index) * (index.isMultiple(of: 3) ? -1 : 1) * 1_000_003, s: text,
                                z: index.isMultiple(of: 5) ? nil : text.uppercased())
            let expected = String(decoding: try Self.encoder.encode(sample), as: UTF8.self)
            if Self.written(sample) != expected, differing.count < 5 { differing.append("\(text.debugDescription): \(Self.written(sample)) ≠ \(expected)") }
        }
        #expect(differing.isEmpty, "\(differing)")
        #expect(Self.written(Sample(b: true, n: .min, s: "", z: nil)) == String(decoding: try Self.encoder.encode(Sample(b: true, n: .min, s: "", z: nil)), as: UTF8.self))
    }

    static let results: [UsageResult] = [
        UsageResult(eventID: "e-1", service: "gpt-4o", member: "ada@acme.test", credits: 15, units: 0, value: 15, wallets: ["team_pool"],
                    draws: [.init(wallet: "team_pool", asset: "credits", grant: 4, amount: 15)], balance: 1_000_918_318, unlimited: false,
                    recharge: nil, duplicate: false),
        UsageResult(eventID: "e/\"2\"\n", service: "claude-sonnet-4", member: "chen@acme.test", credits: 2_500, units: 3_000, value: 9_500,
                    wallets: ["seat", "team_pool"], draws: [.init(wallet: "seat", asset: "claude-sonnet-4", grant: 9, amount: 3_000),
                                                            .init(wallet: "team_pool", asset: "credits", grant: 11, amount: 2_500)],
                    balance: -0, unlimited: false, recharge: "recharged: bought $20.000 of credits", duplicate: true),
        UsageResult(eventID: "ü😀", service: "mentorship-hour", member: "olga@acme.test", credits: 0, units: 0, value: 0, wallets: [],
                    draws: [], balance: 0, unlimited: true, recharge: "", duplicate: false),
    ]

    @Test("A usage result, as `consume --json` and the server give it: the same bytes as JSONEncoder", arguments: results)
    func usageResults(result: UsageResult) throws {
        var json = JSONBytes()
        UsageResultJSON(result).write(into: &json)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try Self.encoder.encode(UsageResultJSON(result)), as: UTF8.self))
    }
}
