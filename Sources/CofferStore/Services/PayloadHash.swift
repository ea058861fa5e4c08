import CofferCore

extension UsageRequest {
    /// The payload's fingerprint: the same id with a different payload is an error (R33).
    var payloadHash: String {
        var hasher = Digest.Hasher()
        let fields: [String?] = [service, quantity?.plain, credits?.plain, forEmail.flatMap { try? Email.normalize($0) },
                                 conversationID, title, billingType, apiKey, callID, taskID, importType, url]
        for field in fields {
            // Length-prefixed, so no two payloads share an encoding.
            guard let field else { hasher.update([0xFF]); continue }
            var text = field
            text.withUTF8 { bytes in
                let count = bytes.count
                hasher.update([UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                               UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)])
                hasher.update(bytes)
            }
        }
        return hasher.finalize().hex
    }
}
