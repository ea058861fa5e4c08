/// How deeply a JSON text nests its arrays and objects, counted outside strings. Read before
/// untrusted bytes reach Foundation's `JSONDecoder`: swift-foundation 6.x traps — ending the
/// process — on a text that reaches its 512-level limit at its very end (`{"id": ` and 512 `[`),
/// where it refuses any other text over the limit. Found by `scripts/fuzz import`.
public enum JSONNesting {
    /// Whether `bytes` has more than `limit` arrays and objects open at once anywhere. Exact for
    /// valid JSON up to the point it answers; on malformed text a decoder refuses earlier anyway.
    public static func exceeds(_ limit: Int, in bytes: some Sequence<UInt8>) -> Bool {
        var depth = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return false
    }
}
