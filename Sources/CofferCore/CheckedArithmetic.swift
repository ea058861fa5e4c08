/// `a + b`, or an error if it would overflow (money paths of CofferCore, R1).
func checked(_ a: Int64, plus b: Int64) throws -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return sum
}

/// `a − b`, or an error if it would overflow.
func checked(_ a: Int64, minus b: Int64) throws -> Int64 {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return difference
}

/// `a × b`, or an error if it would overflow.
func checked(_ a: Int64, times b: Int64) throws -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw CofferError("Amount overflow") }
    return product
}
