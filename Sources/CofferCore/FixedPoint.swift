/// Exact decimal amounts with three fractional digits, stored as Int64 thousandths (R1, R4).
///
/// Credits and service quantities share this representation; nothing on the path from input
/// to ledger to screen uses floating point.
public enum FixedPoint {
    /// Thousandths per whole unit.
    public static let scale: Int64 = 1_000
    /// The largest whole amount accepted as input: larger sums could not be added safely.
    public static let maxInputWhole: Int64 = 1_000_000_000_000

    /// Parses `12`, `12.4`, `12.480`, `$12.48`, `1,000.5`, `-3` into thousandths (R3).
    ///
    /// - Parameter allowDollar: whether a `$` sign may lead (credits) or not (quantities).
    /// - Throws: `CofferError` with a clear one-line message; nothing is rounded.
    public static func parse(_ input: String, allowDollar: Bool) throws -> Int64 {
        if let plain = plainDigits(input) { return plain }
        return try parseAnyForm(input, allowDollar: allowDollar)
    }

    /// `parse` character by character, every form and every refusal (the plain form too, which
    /// `plainDigits` reads faster with the same result).
    static func parseAnyForm(_ input: String, allowDollar: Bool) throws -> Int64 {
        let trimmed = input.trimmingSpaces
        // The input as an error message quotes it, built only when there is an error to report.
        var shown: String { CofferError.quote(trimmed) }
        var chars = Substring(trimmed)
        guard !chars.isEmpty else { throw CofferError("Not an amount: \"\"") }
        // Accepted prefixes: "-", "$", "-$", "$-" (and "+" in place of "-").
        var negative: Bool?
        func takeSign() {
            guard let first = chars.first, first == "-" || first == "+" else { return }
            negative = first == "-"
            chars = chars.dropFirst()
        }
        takeSign()
        if allowDollar, chars.first == "$" {
            chars = chars.dropFirst()
            if negative == nil { takeSign() }
        }
        let isNegative = negative ?? false
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wholeText = parts[0]
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard !(wholeText.isEmpty && fractionText.isEmpty) else { throw notAmount(shown) }
        guard fractionText.allSatisfy(\.isASCIIDigit) else { throw notAmount(shown) }
        guard let wholeDigits = groupedDigits(wholeText) else { throw notAmount(shown) }
        guard fractionText.count <= 3 else {
            throw CofferError("Amounts have at most three decimals: \(shown)")
        }
        let significant = wholeDigits.drop(while: { $0 == "0" })
        guard significant.count <= 13, let whole = Int64(wholeDigits.isEmpty ? "0" : String(wholeDigits)),
              whole <= maxInputWhole else {
            throw CofferError("Amount is too large: \(shown)")
        }
        var fraction: Int64 = 0
        for digit in fractionText.utf8 { fraction = fraction * 10 + Int64(digit - UInt8(ascii: "0")) }
        for _ in fractionText.utf8.count..<3 { fraction *= 10 }
        let value = whole * scale + fraction
        guard value <= maxInputWhole * scale else { throw CofferError("Amount is too large: \(shown)") }
        return isNegative ? -value : value
    }

    /// The common form read straight from its bytes: 1 to 13 digits, then optionally a point and
    /// up to three decimals, within `maxInputWhole`. Nil for anything else, which `parse` then reads
    /// character by character (signs, `$`, grouping, spaces) or refuses with its message.
    private static func plainDigits(_ input: String) -> Int64? {
        var whole: Int64 = 0, fraction: Int64 = 0
        var wholeDigits = 0, fractionDigits = 0, afterPoint = false
        for byte in input.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte &- UInt8(ascii: "0"))
                if afterPoint {
                    guard fractionDigits < 3 else { return nil }
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else {
                    guard wholeDigits < 13 else { return nil }
                    whole = whole * 10 + digit
                    wholeDigits += 1
                }
            case UInt8(ascii: "."):
                guard !afterPoint else { return nil }
                afterPoint = true
            default:
                return nil
            }
        }
        guard wholeDigits > 0 else { return nil }
        for _ in fractionDigits..<3 { fraction *= 10 }
        let value = whole * scale + fraction
        return value <= maxInputWhole * scale ? value : nil
    }

    /// Formats thousandths as `1,234.560` (no currency sign; `-` for negatives).
    public static func format(_ value: Int64, grouping: Bool) -> String {
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(scale)
        let fraction = magnitude % UInt64(scale)
        var wholeText = String(whole)
        if grouping { wholeText = group(wholeText) }
        let fractionText = String(fraction)
        let padded = String(repeating: "0", count: 3 - fractionText.count) + fractionText
        return (value < 0 ? "-" : "") + wholeText + "." + padded
    }

    /// `1234567` → `1,234,567`.
    static func group(_ digits: String) -> String {
        var out: [Character] = []
        for (index, ch) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// The digits of an integer part, with optional thousands separators in their proper places.
    private static func groupedDigits(_ text: Substring) -> Substring? {
        guard text.contains(",") else { return text.allSatisfy(\.isASCIIDigit) ? text : nil }
        let groups = text.split(separator: ",", omittingEmptySubsequences: false)
        guard let head = groups.first, (1...3).contains(head.count),
              groups.dropFirst().allSatisfy({ $0.count == 3 }),
              groups.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return Substring(groups.joined())
    }

    private static func notAmount(_ shown: String) -> CofferError {
        CofferError("Not an amount: \(shown)")
    }
}

extension Character {
    /// True for `0`…`9` only (not other scripts' digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
