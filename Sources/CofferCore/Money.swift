/// Money in cents, as `$99.00` (card charges and invoices are in cents, R1).
public enum Money {
    /// `$1,234.50`, `-$3.00`.
    public static func cents(_ cents: Int64) -> String {
        let digits = FixedPoint.format(cents * 10, grouping: true)
        let text = String(digits.dropLast())
        return cents < 0 ? "-$" + text.dropFirst() : "$" + text
    }

    /// Whole dollars without cents, as on a pack button: `$1,000`.
    public static func wholeDollars(_ dollars: Int64) -> String {
        let text = cents(dollars * 100)
        return String(text.dropLast(3))
    }
}
