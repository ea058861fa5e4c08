import Crypto

/// SHA-256 and HMAC-SHA256 for the hash chain and payload fingerprints (SPEC §10, R33), through
/// swift-crypto (BoringSSL, which uses the CPU's SHA instructions where it has them).
enum Digest {
    /// The SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Crypto.SHA256.hash(data: bytes).withUnsafeBytes { Array($0) } }

    /// The HMAC-SHA256 of `message` under `key`.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        // The bytes at once (a digest iterated byte by byte as a sequence cost more than hashing a short message).
        HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)).withUnsafeBytes { Array($0) }
    }

    /// SHA-256 over data given piece by piece.
    struct Hasher {
        private var inner = Crypto.SHA256()

        /// Adds bytes.
        mutating func update(_ bytes: [UInt8]) { inner.update(data: bytes) }

        /// Adds the bytes of a buffer.
        mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) { inner.update(bufferPointer: UnsafeRawBufferPointer(bytes)) }

        /// The digest of everything added.
        func finalize() -> [UInt8] { inner.finalize().withUnsafeBytes { Array($0) } }
    }

    /// `count` bytes from the system's cryptographically secure generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal.
    var hex: String {
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The lower-case hexadecimal digit of a value 0…15.
@inline(__always)
private func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}

extension Array where Element == UInt8 {
    /// Appends `value` in decimal, exactly as `String(value)` spells it: the digits are written
    /// backwards into a buffer on the stack and appended at once (a ledger entry's hash covers
    /// seven numbers).
    mutating func appendDecimal(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in // "-9223372036854775808"
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
