import Crypto

/// SHA-256 and HMAC-SHA256 for the hash chain and payload fingerprints (SPEC §10, R33), through
/// swift-crypto (BoringSSL, which uses the CPU's SHA instructions where it has them).
enum Digest {
    /// The SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(Crypto.SHA256.hash(data: bytes)) }

    /// The HMAC-SHA256 of `message` under `key`.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// SHA-256 over data given piece by piece.
    struct Hasher {
        private var inner = Crypto.SHA256()

        /// Adds bytes.
        mutating func update(_ bytes: [UInt8]) { inner.update(data: bytes) }

        /// Adds the bytes of a buffer.
        mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) { inner.update(bufferPointer: UnsafeRawBufferPointer(bytes)) }

        /// The digest of everything added.
        func finalize() -> [UInt8] { Array(inner.finalize()) }
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
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
