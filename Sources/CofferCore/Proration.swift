/// Prorations by the second (R4, R15): charges round half-up to the cent, credits to the millicredit.
public enum Proration {
    /// The share `remaining / total` of `cents`, rounded half-up to the cent.
    public static func cents(_ cents: Int64, remaining: Int64, of total: Int64) throws -> Int64 {
        try Rounding.mulDivHalfUp(cents, max(0, min(remaining, total)), total)
    }

    /// The share `remaining / total` of `credits`, rounded half-up to the millicredit.
    public static func credits(_ credits: Credits, remaining: Int64, of total: Int64) throws -> Credits {
        Credits(millicredits: try Rounding.mulDivHalfUp(credits.millicredits, max(0, min(remaining, total)), total))
    }
}
