/// An exact amount of credits, in millicredits (R1). Displayed as dollars: `$12.480` (R2).
public struct Credits: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in thousandths of a credit.
    public let millicredits: Int64

    /// Creates an amount from millicredits.
    public init(millicredits: Int64) { self.millicredits = millicredits }

    /// Zero credits.
    public static let zero = Credits(millicredits: 0)

    /// A whole number of credits (for catalogs and tests); traps on overflow.
    public static func whole(_ credits: Int64) -> Credits {
        Credits(millicredits: credits * FixedPoint.scale)
    }

    /// Parses any accepted form (R3); negative amounts are allowed here.
    public static func parse(_ text: String) throws -> Credits {
        Credits(millicredits: try FixedPoint.parse(text, allowDollar: true))
    }

    /// Parses an amount that must be greater than zero (R3).
    public static func parsePositive(_ text: String) throws -> Credits {
        let amount = try parse(text)
        guard amount.millicredits > 0 else {
            throw CofferError("Amount must be greater than zero: \(CofferError.quote(text))")
        }
        return amount
    }

    /// Parses an amount that may be zero but not negative (thresholds, caps).
    public static func parseNonNegative(_ text: String) throws -> Credits {
        let amount = try parse(text)
        guard amount.millicredits >= 0 else {
            throw CofferError("Amount must not be negative: \(CofferError.quote(text))")
        }
        return amount
    }

    /// `$1,000.000`, `-$3.000` (R2).
    public var description: String {
        let digits = FixedPoint.format(millicredits, grouping: true)
        return millicredits < 0 ? "-$" + digits.dropFirst() : "$" + digits
    }

    /// `12.480`: the plain form used in JSON and CSV (no sign of currency, no separators).
    public var plain: String { FixedPoint.format(millicredits, grouping: false) }

    public static func < (lhs: Credits, rhs: Credits) -> Bool { lhs.millicredits < rhs.millicredits }

    /// The sum, or an error if it would overflow.
    public func adding(_ other: Credits) throws -> Credits {
        let (sum, overflow) = millicredits.addingReportingOverflow(other.millicredits)
        guard !overflow else { throw CofferError("Amount overflow: \(self) + \(other)") }
        return Credits(millicredits: sum)
    }

    /// The sum of `amounts`, or an error if it would overflow.
    public static func sum(_ amounts: some Sequence<Credits>) throws -> Credits {
        try amounts.reduce(.zero) { try $0.adding($1) }
    }

    /// The difference, or an error if it would overflow.
    public func subtracting(_ other: Credits) throws -> Credits {
        let (difference, overflow) = millicredits.subtractingReportingOverflow(other.millicredits)
        guard !overflow else { throw CofferError("Amount overflow: \(self) - \(other)") }
        return Credits(millicredits: difference)
    }

    /// This amount times a whole factor, or an error if it would overflow.
    public func multiplied(by factor: Int64) throws -> Credits {
        let (product, overflow) = millicredits.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw CofferError("Amount overflow: \(self) × \(factor)") }
        return Credits(millicredits: product)
    }

    /// The price of `quantity` units at `unitPrice` each, rounded half-up to the millicredit (R4).
    public static func cost(of quantity: Quantity, at unitPrice: Credits) throws -> Credits {
        Credits(millicredits: try Rounding.mulDivHalfUp(quantity.milliunits, unitPrice.millicredits,
                                                         FixedPoint.scale))
    }
}

/// An exact quantity of a service (hours, tickets, messages) in thousandths of a unit (R4).
public struct Quantity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The quantity in thousandths of a unit.
    public let milliunits: Int64

    /// Creates a quantity from thousandths of a unit.
    public init(milliunits: Int64) { self.milliunits = milliunits }

    /// No units.
    public static let zero = Quantity(milliunits: 0)

    /// A whole number of units; traps on overflow.
    public static func whole(_ units: Int64) -> Quantity { Quantity(milliunits: units * FixedPoint.scale) }

    /// Parses `3`, `2.5`, `1,000.125` (no `$`); more than three decimals is refused (R3).
    public static func parse(_ text: String) throws -> Quantity {
        Quantity(milliunits: try FixedPoint.parse(text, allowDollar: false))
    }

    /// Parses a quantity that must be greater than zero.
    public static func parsePositive(_ text: String) throws -> Quantity {
        let quantity = try parse(text)
        guard quantity.milliunits > 0 else {
            throw CofferError("Quantity must be greater than zero: \(CofferError.quote(text))")
        }
        return quantity
    }

    /// `1,000.5` style: up to three decimals, trailing zeros dropped.
    public var description: String {
        var text = FixedPoint.format(milliunits, grouping: true)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `12.500`: the plain form used in JSON and CSV.
    public var plain: String { FixedPoint.format(milliunits, grouping: false) }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.milliunits < rhs.milliunits }
}

/// Integer rounding helpers for prices and prorations (R4). All exact, all overflow-checked.
public enum Rounding {
    /// `a × b ÷ d`, rounded half-up (half away from zero), computed in 128 bits.
    /// - Throws: when the result does not fit in Int64 or `d` is not positive.
    public static func mulDivHalfUp(_ a: Int64, _ b: Int64, _ d: Int64) throws -> Int64 {
        guard d > 0 else { throw CofferError("Division by a non-positive number") }
        let product = Int128(a) * Int128(b)
        let magnitude = product.magnitude
        let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: UInt128(d))
        let rounded = remainder * 2 >= UInt128(d) ? quotient + 1 : quotient
        guard rounded <= UInt128(Int64.max) else { throw CofferError("Amount overflow") }
        return product < 0 ? -Int64(rounded) : Int64(rounded)
    }
}
