/// Compact JSON written straight into bytes, the bytes `JSONEncoder` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes` (tests compare the two): for `coffer serve`'s answers to events, where
/// the encoder cost more than the rest of the answer. Whoever writes an object gives its keys in
/// sorted order.
public struct JSONBytes: Sendable {
    /// What has been written.
    public private(set) var bytes: [UInt8] = []
    /// For each object or array open, whether nothing has been written in it yet.
    private var empty: [Bool] = []
    /// A key was just written: its value follows with no comma.
    private var afterKey = false

    /// An empty writer.
    public init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    /// Opens an object.
    public mutating func openObject() { separate(); bytes.append(UInt8(ascii: "{")); empty.append(true) }
    /// Closes the innermost object.
    public mutating func closeObject() { empty.removeLast(); bytes.append(UInt8(ascii: "}")) }
    /// Opens an array.
    public mutating func openArray() { separate(); bytes.append(UInt8(ascii: "[")); empty.append(true) }
    /// Closes the innermost array.
    public mutating func closeArray() { empty.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `name` as the next key of the innermost object; its value follows.
    public mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A string value.
    public mutating func string(_ value: String) { separate(); quoted(value) }
    /// An integer value.
    public mutating func int(_ value: some BinaryInteger) { separate(); bytes.append(contentsOf: String(value).utf8) }
    /// A boolean value.
    public mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    /// `key` and a string value, only when there is one (as `encodeIfPresent` leaves a nil out).
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// Before a value or key: a comma unless it is the first in its object or array, or the value of a key.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard let first = empty.last else { return }
        if !first { bytes.append(UInt8(ascii: ",")) }
        empty[empty.count - 1] = false
    }

    /// `text` in quotes, escaped as `JSONEncoder` escapes it.
    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hex(byte >> 4))
                bytes.append(Self.hex(byte & 0x0F))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hex(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
}
