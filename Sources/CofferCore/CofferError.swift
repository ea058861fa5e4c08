/// A refusal or failure the user should read: one line, shown as is on stderr (exit 1).
///
/// Every domain rule that says no throws one of these with the exact message of SPEC.md.
public struct CofferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The one-line message shown to the user.
    public let message: String

    /// Creates an error with its user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Makes user-supplied text safe to quote inside a one-line message:
    /// control characters become `?` and long text is cut with an ellipsis.
    public static func quote(_ text: String, limit: Int = 60) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { out += "…"; break }
            let v = scalar.value
            let isControl = v < 0x20 || (0x7F...0x9F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            out.unicodeScalars.append(isControl ? "?" : scalar)
            count += 1
        }
        return out
    }
}
