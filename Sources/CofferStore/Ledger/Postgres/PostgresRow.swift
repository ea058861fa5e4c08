import CPq

/// An error PostgreSQL reported: its SQLSTATE and primary message.
struct PostgresError: Error, CustomStringConvertible {
    let state: String
    let message: String

    /// An integrity constraint (class 23: check, unique, foreign key, the append-only triggers).
    var isConstraint: Bool { state.hasPrefix("23") }
    /// A serialization failure or deadlock: the transaction may be retried.
    var isRetryable: Bool { state == "40001" || state == "40P01" }
    /// A lock another session holds was not granted within `lock_timeout`.
    var isLockTimeout: Bool { state == "55P03" }
    var description: String { message }
}

/// One row of a result, read by column index from libpq's text format.
struct PostgresRow: StorageRow {
    let result: OpaquePointer?
    let index: Int32

    private func value(_ column: Int32) -> UnsafeMutablePointer<CChar>? {
        PQgetisnull(result, index, column) == 1 ? nil : PQgetvalue(result, index, column)
    }

    func int(_ column: Int32) -> Int64 { optionalInt(column) ?? 0 }

    func optionalInt(_ column: Int32) -> Int64? {
        guard let value = value(column) else { return nil }
        switch value.pointee {
        case CChar(UInt8(ascii: "t")): return 1 // a boolean
        case CChar(UInt8(ascii: "f")): return 0
        default:
            let text = String(cString: value)
            if let exact = Int64(text) { return exact }
            return Double(text).map { Int64($0) } // numeric sums and averages
        }
    }

    func text(_ column: Int32) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: Int32) -> String? { value(column).map { String(cString: $0) } }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let value = value(column) else { return [] }
        // bytea in text format is hex: \x0a1b…
        let length = Int(PQgetlength(result, index, column))
        guard length >= 2 else { return [] }
        return UnsafeBufferPointer(start: value, count: length).withMemoryRebound(to: UInt8.self) { hex in
            var bytes: [UInt8] = []
            bytes.reserveCapacity((length - 2) / 2)
            var position = 2
            while position + 1 < length {
                bytes.append(Self.nibble(hex[position]) << 4 | Self.nibble(hex[position + 1]))
                position += 2
            }
            return bytes
        }
    }

    func storedType(_ column: Int32) -> StoredType {
        guard PQgetisnull(result, index, column) == 0 else { return .null }
        switch PQftype(result, column) {
        case 20, 21, 23, 16, 1700: return .integer // int8, int2, int4, bool, numeric
        case 700, 701: return .real
        case 17: return .blob
        default: return .text
        }
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: digit - UInt8(ascii: "A") + 10
        }
    }
}
