import Foundation

/// How `JSONDecoder` (swift-foundation 6.3) read a JSON number token as an `Int64`, for
/// `JSONLineScanner`: the same tokens accepted, the same value for each (`1.0` and `1e2` are
/// whole numbers; `0.99999999999999999` is 1, as its nearest Double is; `9007199254740993.5` is
/// 9007199254740993, as a `Decimal` cut toward zero is).
enum JSONNumber {
    /// A number token as the decoder read it into an `Int64`, or nil where it refused. After a JSON
    /// grammar check: an integer read digit by digit; else the nearest Double, when it is a whole
    /// number below 2^53; else the token as a `Decimal`, cut to a whole number (toward zero).
    static func int64(_ token: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard isValidNumber(token) else { return nil }
        let negative = token[0] == UInt8(ascii: "-")
        var value: Int64 = 0
        var plain = true
        for byte in token.dropFirst(negative ? 1 : 0) {
            guard byte >= 0x30, byte <= 0x39 else { plain = false; break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(Int64(byte - 0x30))
                                      : times10.addingReportingOverflow(Int64(byte - 0x30))
            guard !o1, !o2 else { plain = false; break }
            value = next
        }
        if plain { return value }
        let text = String(decoding: token, as: UTF8.self)
        if let double = Double(text) {
            guard let whole = Int64(exactly: double) else { return nil }
            if double.magnitude < 0x1p53 { return whole }
        }
        guard isDecimalText(token), let decimal = Decimal(string: text) else { return nil }
        return wholePart(of: decimal)
    }

    /// The decoder's check of a number token: no leading zero, a digit after a minus sign, a digit
    /// before the exponent mark, and a digit at the end.
    private static func isValidNumber(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func afterLeadingZero(_ at: Int) -> Bool {
            at >= token.count || [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(token[at])
        }
        let firstDigit: Int
        switch token[0] {
        case UInt8(ascii: "0"):
            guard afterLeadingZero(1) else { return false }
            firstDigit = 0
        case UInt8(ascii: "-"):
            guard token.count > 1 else { return false }
            if token[1] == UInt8(ascii: "0") {
                guard afterLeadingZero(2) else { return false }
            } else if !isDigit(token[1]) {
                return false
            }
            firstDigit = 1
        default:
            firstDigit = 0
        }
        if let mark = token[(firstDigit + 1)...].firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
           !isDigit(token[mark - 1]) {
            return false
        }
        return isDigit(token[token.count - 1])
    }

    /// Whether `Decimal` reads the whole token: `-? digits (. digits)? ([eE] [+-]? digits)?`.
    private static func isDecimalText(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = token[0] == UInt8(ascii: "-") ? 1 : 0
        func digits() { while i < token.count, token[i] >= 0x30, token[i] <= 0x39 { i += 1 } }
        digits()
        if i < token.count, token[i] == UInt8(ascii: ".") { i += 1; digits() }
        if i < token.count, token[i] == UInt8(ascii: "e") || token[i] == UInt8(ascii: "E") {
            i += 1
            if i < token.count, token[i] == UInt8(ascii: "+") || token[i] == UInt8(ascii: "-") { i += 1 }
            digits()
        }
        return i == token.count
    }

    /// A `Decimal` as an `Int64` the way the decoder converted it: the mantissa must fit 64 bits,
    /// the exponent is applied by whole steps of ten (a fraction is cut off), overflow is nil.
    private static func wholePart(of decimal: Decimal) -> Int64? {
        guard !decimal.isNaN else { return nil }
        var d: UInt64 = 0
        for digit in decimal.significand.description.utf8 {
            guard digit >= 0x30, digit <= 0x39 else { return nil }
            let (times, o1) = d.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit - 0x30))
            guard !o1, !o2 else { return nil }
            d = sum
        }
        if decimal.exponent < 0 {
            for _ in 0 ..< -decimal.exponent { d /= 10 }
        } else {
            for _ in 0 ..< decimal.exponent {
                let (times, overflow) = d.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                d = times
            }
        }
        guard let value = Int64(exactly: d) else { return nil }
        return decimal.sign == .minus ? -value : value
    }
}
