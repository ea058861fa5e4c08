import CofferCore

/// A usage request that passed `validate()`, with its payload fingerprint (R33). It can be made
/// on any thread, so the one writer of a batch receives its events ready to record.
struct CheckedUsage: Sendable {
    let request: UsageRequest
    let payloadHash: String

    /// A request its parser has validated already (the import line parser always does): only
    /// the fingerprint is left to make.
    init(validated request: UsageRequest) {
        self.request = request
        payloadHash = request.payloadHash
    }
}

extension UsageRequest {
    /// The request validated and fingerprinted; throws its first refusal, before anything is read or written.
    func checked() throws -> CheckedUsage {
        try validate()
        return CheckedUsage(validated: self)
    }

    /// The same, as a result (a batch keeps each event's refusal in its place).
    var checkedResult: Result<CheckedUsage, CofferError> {
        do { return .success(try checked()) } catch let error as CofferError { return .failure(error) } catch {
            return .failure(CofferError("\(error)"))
        }
    }
}

extension UsageRequest {
    /// The payload's fingerprint: the same id with a different payload is an error (R33).
    var payloadHash: String {
        // Length-prefixed (an absent field is 0xFF), so no two payloads share an encoding; the
        // encoding is gathered into one buffer and hashed at once.
        var encoding: [UInt8] = []
        encoding.reserveCapacity(128)
        func add(_ field: String?) {
            guard let field else { encoding.append(0xFF); return }
            let count = field.utf8.count
            encoding.append(UInt8(truncatingIfNeeded: count >> 24))
            encoding.append(UInt8(truncatingIfNeeded: count >> 16))
            encoding.append(UInt8(truncatingIfNeeded: count >> 8))
            encoding.append(UInt8(truncatingIfNeeded: count))
            encoding.append(contentsOf: field.utf8)
        }
        add(service); add(quantity?.plain); add(credits?.plain); add(forEmail.flatMap { try? Email.normalize($0) })
        add(conversationID); add(title); add(billingType); add(apiKey); add(callID); add(taskID); add(importType); add(url)
        var hasher = Digest.Hasher()
        hasher.update(encoding)
        return hasher.finalize().hex
    }
}
