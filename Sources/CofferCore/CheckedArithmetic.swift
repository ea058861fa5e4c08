/// `a + b`, or an error if it would overflow (money paths, R1).
public func checked(_ a: Int64, plus b: Int64) throws -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return sum
}

/// `a − b`, or an error if it would overflow.
public func checked(_ a: Int64, minus b: Int64) throws -> Int64 {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return difference
}

/// `a × b`, or an error if it would overflow.
public func checked(_ a: Int64, times b: Int64) throws -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return product
}

extension Quantity {
    /// The sum, or an error if it would overflow.
    public func adding(_ other: Quantity) throws -> Quantity {
        Quantity(milliunits: try checked(milliunits, plus: other.milliunits))
    }
}
