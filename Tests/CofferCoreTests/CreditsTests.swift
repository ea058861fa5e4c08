import CofferCore
import Foundation
import Testing

/// R1–R4: exact amounts, parsing, formatting and rounding.
@Suite("Credits (R1–R4)")
struct CreditsTests {
    @Test("R3: every accepted form parses exactly", arguments: [
        ("12", 12_000), ("12.4", 12_400), ("12.480", 12_480), ("$12.48", 12_480), ("1,000.5", 1_000_500),
        ("0", 0), ("0.001", 1), (".5", 500), ("-3", -3_000), ("-$3.000", -3_000), ("$-3", -3_000),
        ("  7.25 ", 7_250), ("1,234,567.891", 1_234_567_891), ("+2", 2_000), ("1000000000000", 1_000_000_000_000_000),
    ] as [(String, Int64)])
    func parsesAcceptedForms(text: String, millicredits: Int64) throws {
        #expect(try Credits.parse(text).millicredits == millicredits)
    }

    @Test("R3: bad amounts are refused with a clear message", arguments: [
        ("1.2345", "Amounts have at most three decimals: 1.2345"),
        ("12.4800", "Amounts have at most three decimals: 12.4800"),
        ("abc", "Not an amount: abc"), ("", "Not an amount: \"\""), ("NaN", "Not an amount: NaN"),
        ("inf", "Not an amount: inf"), ("-Infinity", "Not an amount: -Infinity"), ("1e5", "Not an amount: 1e5"),
        ("1,00", "Not an amount: 1,00"), ("12..4", "Not an amount: 12..4"), ("$$5", "Not an amount: $$5"),
        ("--5", "Not an amount: --5"), ("٣", "Not an amount: ٣"), ("1 000", "Not an amount: 1 000"),
        ("0x10", "Not an amount: 0x10"), (".", "Not an amount: ."), ("5$", "Not an amount: 5$"),
        ("99999999999999999999", "Amount is too large: 99999999999999999999"),
        ("1000000000000.001", "Amount is too large: 1000000000000.001"),
        ("\u{1B}[31m5", "Not an amount: ?[31m5"),
    ])
    func refusesBadAmounts(text: String, message: String) {
        #expect(throws: CofferError(message)) { try Credits.parse(text) }
    }

    @Test("R3: a negative or zero where a positive is required is refused")
    func refusesNonPositive() {
        #expect(throws: CofferError("Amount must be greater than zero: -3")) { try Credits.parsePositive("-3") }
        #expect(throws: CofferError("Amount must be greater than zero: 0")) { try Credits.parsePositive("0") }
        #expect(throws: CofferError("Amount must not be negative: -0.001")) { try Credits.parseNonNegative("-0.001") }
        #expect(throws: CofferError("Quantity must be greater than zero: 0")) { try Quantity.parsePositive("0") }
        #expect(throws: CofferError("Not an amount: $3")) { try Quantity.parse("$3") }
    }

    @Test("R2: credits display as dollars with three decimals and separators", arguments: [
        (12_480, "$12.480"), (1_000_000, "$1,000.000"), (-3_000, "-$3.000"), (0, "$0.000"), (1, "$0.001"),
        (-1, "-$0.001"), (1_234_567_891, "$1,234,567.891"), (Int64.max, "$9,223,372,036,854,775.807"),
        (Int64.min, "-$9,223,372,036,854,775.808"),
    ] as [(Int64, String)])
    func formats(millicredits: Int64, text: String) {
        #expect(Credits(millicredits: millicredits).description == text)
    }

    @Test("R2: the plain form is used in JSON")
    func plainForm() {
        #expect(Credits(millicredits: 12_480).plain == "12.480")
        #expect(Credits(millicredits: -1_000_500).plain == "-1000.500")
        #expect(Quantity(milliunits: 2_500).description == "2.5")
        #expect(Quantity.whole(1000).description == "1,000")
    }

    @Test("R1: format then parse is the identity over random amounts (seeded)")
    func roundTripProperty() throws {
        var rng = SeededRandom(seed: 0xC0FFEE)
        for _ in 0..<20_000 {
            let magnitude = Int64(bitPattern: rng.next()) % 1_000_000_000_000_000
            let credits = Credits(millicredits: magnitude)
            #expect(try Credits.parse(credits.description) == credits)
            #expect(try Credits.parse(credits.plain) == credits)
        }
    }

    @Test("R1: arithmetic is overflow-checked, never wraps")
    func overflowChecked() throws {
        let big = Credits(millicredits: Int64.max)
        #expect(throws: CofferError.self) { try big.adding(Credits(millicredits: 1)) }
        #expect(throws: CofferError.self) { try Credits(millicredits: Int64.min).subtracting(Credits(millicredits: 1)) }
        #expect(throws: CofferError.self) { try big.multiplied(by: 2) }
        #expect(try Credits(millicredits: 500).adding(Credits(millicredits: 250)).millicredits == 750)
    }

    @Test("R4: quantity × unit price rounds half-up to the millicredit", arguments: [
        (1_500, 1, 2), (1_499, 1, 1), (3_000, 20, 60), (1, 499, 0), (1, 500, 1), (2_500, 40_000, 100_000),
        (333, 3, 1), (1_000, 0, 0),
    ] as [(Int64, Int64, Int64)])
    func costRounding(milliunits: Int64, unitPrice: Int64, expected: Int64) throws {
        let cost = try Credits.cost(of: Quantity(milliunits: milliunits), at: Credits(millicredits: unitPrice))
        #expect(cost.millicredits == expected)
    }

    @Test("R4: prorations round half-up and refuse overflow")
    func prorations() throws {
        #expect(try Rounding.mulDivHalfUp(9_900, 15, 30) == 4_950)
        #expect(try Rounding.mulDivHalfUp(1, 1, 2) == 1)
        #expect(try Rounding.mulDivHalfUp(-1, 1, 2) == -1)
        #expect(try Rounding.mulDivHalfUp(10, 1, 3) == 3)
        #expect(throws: CofferError.self) { try Rounding.mulDivHalfUp(Int64.max, 3, 1) }
    }

    @Test("R1: no floating point anywhere in CofferCore's money path")
    func noFloatingPoint() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/CofferCore").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for word in ["Double", "Float", "Decimal", "CGFloat"] {
                #expect(!text.contains(word), "\(file) mentions \(word)")
            }
        }
    }
}
