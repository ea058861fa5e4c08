@testable import CofferCore
import Testing

/// R3: the amount parser's fast path for plain digits (`FixedPoint.plainDigits`, taken by every
/// imported quantity) agrees with the general parser on every input: same value, or the same refusal.
@Suite("Amount parsing: the plain-digits path (R3)")
struct FixedPointFastPathTests {
    /// What a parse gives: the value, or the refusal's message.
    static func outcome(_ parse: () throws -> Int64) -> String {
        do { return "= \(try parse())" } catch let error as CofferError { return "refused: \(error.message)" } catch { return "error: \(error)" }
    }

    /// Every string of up to `length` characters over `alphabet`.
    static func strings(over alphabet: [Character], upTo length: Int) -> [String] {
        var all = [""], level = [""]
        for _ in 0..<length {
            level = level.flatMap { prefix in alphabet.map { prefix + String($0) } }
            all += level
        }
        return all
    }

    @Test("R3: every string of up to 6 characters over 0 1 9 . , $ - and a space parses the same both ways, with and without $")
    func exhaustiveShortInputs() {
        var compared = 0, differing: [String] = []
        for input in Self.strings(over: ["0", "1", "9", ".", ",", "$", "-", " "], upTo: 6) {
            for dollar in [false, true] {
                let fast = Self.outcome { try FixedPoint.parse(input, allowDollar: dollar) }
                let general = Self.outcome { try FixedPoint.parseAnyForm(input, allowDollar: dollar) }
                if fast != general, differing.count < 10 { differing.append("\(input.debugDescription) $\(dollar): \(fast) ≠ \(general)") }
                compared += 1
            }
        }
        #expect(differing.isEmpty, "\(differing)")
        #expect(compared == 2 * (1 + 8 + 64 + 512 + 4_096 + 32_768 + 262_144))
    }

    @Test("R3: the limits — 13 digits, the largest whole, a fourth decimal, leading zeros — parse the same both ways", arguments: [
        "1000000000000", "1000000000000.000", "1000000000000.001", "999999999999.999", "9999999999999", "10000000000000",
        "0000000000000001", "00000000000001.5", "1.0000", "1.", ".", "..1", "1..", "0.000", "12345678901234567890",
        "٣", "１", "1\u{301}", "5\r\n", "\u{FEFF}5", "5\u{0}",
    ])
    func limits(input: String) {
        #expect(Self.outcome { try FixedPoint.parse(input, allowDollar: false) } == Self.outcome { try FixedPoint.parseAnyForm(input, allowDollar: false) })
    }
}
