import CofferCore

extension UsageRequest {
    /// The payload's fingerprint: the same id with a different payload is an error (R33).
    var payloadHash: String {
        let fields: [String?] = [service, quantity?.plain, credits?.plain, forEmail.flatMap { try? Email.normalize($0) },
                                 conversationID, title, billingType, apiKey, callID, taskID, importType, url]
        // Length-prefixed (an absent field is 0xFF), so no two payloads share an encoding; the
        // encoding is gathered into one buffer and hashed at once.
        var encoding: [UInt8] = []
        encoding.reserveCapacity(128)
        for field in fields {
            guard let field else { encoding.append(0xFF); continue }
            let count = field.utf8.count
            for shift in [24, 16, 8, 0] { encoding.append(UInt8(truncatingIfNeeded: count >> shift)) }
            encoding.append(contentsOf: field.utf8)
        }
        var hasher = Digest.Hasher()
        hasher.update(encoding)
        return hasher.finalize().hex
    }
}
