/// Email addresses identify users (R5): stored trimmed and lower-cased, validated on the way in.
public enum Email {
    /// The normalised address, or an error naming the bad input.
    public static func normalize(_ raw: String) throws -> String {
        let email = raw.trimmingSpaces.lowercased()
        let invalid = CofferError("Invalid email: \(CofferError.quote(raw))")
        guard email.utf8.count <= 254 else { throw invalid }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid }
        let local = parts[0], domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        let domainAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard (1...64).contains(local.count), local.allSatisfy(localAllowed.contains),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
              domain.allSatisfy(domainAllowed.contains), domain.contains("."),
              !domain.contains(".."),
              domain.split(separator: ".", omittingEmptySubsequences: false)
                .allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.count <= 63 })
        else { throw invalid }
        return email
    }
}
