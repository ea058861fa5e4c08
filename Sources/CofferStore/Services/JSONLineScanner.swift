import Foundation

/// A JSON value of an import line as the import reads it: numbers stay integers or are refused,
/// never Double (R1). Anything else (arrays, objects, fractions, bad strings) is `other`.
enum JSONValue: Equatable {
    case string(String), integer(Int64), bool(Bool), null, other
}

/// Reads one `usage import` line — a flat JSON object — straight from its UTF-8 bytes, without a
/// `JSONDecoder` (issue #15 point 10). It accepts exactly what `JSONDecoder` accepted when the
/// line was decoded as `[String: JSONValue]` (swift-foundation 6.3's JSON scanner and decoder):
///
/// - the text: a UTF-8 byte order mark is skipped; lines whose first bytes mark UTF-16 or UTF-32
///   (NUL bytes among the first four) are converted as the decoder converted them;
/// - the structure is checked whole (nesting up to 512 levels, trailing commas allowed,
///   whitespace is space, tab, CR and LF); a broken structure, or a key that is not a valid
///   string (a bad escape, a raw control character, a lone surrogate), is not an object;
/// - values are read only for known fields, leniently: a string with a bad escape, a raw control
///   character or a lone surrogate is `other`, as is a number that is not exactly an `Int64`
///   (`1.0` and `1e2` are integers, `1.5` is not), an array or an object;
/// - of a key given twice the first value counts.
struct JSONLineScanner {
    /// What reading a line found: the first value of each field of `fields` given, and the keys
    /// that are none of them.
    struct Object {
        var values: [JSONValue?]
        var unknownKeys: [String] = []
    }

    /// The line is not a JSON object (or not one whose keys are all valid strings).
    struct NotAnObject: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// The field names, as UTF-8 bytes.
    private let fields: [[UInt8]]
    /// What the top-level object holds so far.
    private var object: Object

    private init(_ bytes: UnsafeBufferPointer<UInt8>, fields: [[UInt8]]) {
        self.bytes = bytes
        self.fields = fields
        object = Object(values: Array(repeating: nil, count: fields.count))
    }

    /// Reads `raw` (the line's bytes, valid UTF-8) as an object whose values are looked for under
    /// `fields`; throws `NotAnObject` where `JSONDecoder` refused the line.
    static func object(_ raw: UnsafeBufferPointer<UInt8>, fields: [[UInt8]]) throws -> Object {
        // The decoder guessed the encoding from the first four bytes (RFC 4627 §3) and skipped a BOM.
        func byte(_ at: Int) -> UInt8? { raw.count > at ? raw[at] : nil }
        let encoding: String.Encoding, bom: Int
        switch (byte(0), byte(1), byte(2), byte(3)) {
        case (0, 0, 0xFE, 0xFF): (encoding, bom) = (.utf32BigEndian, 4)
        case (0xFE, 0xFF, 0, 0): (encoding, bom) = (.utf32LittleEndian, 4)
        case (0xFE, 0xFF, _, _): (encoding, bom) = (.utf16BigEndian, 2)
        case (0xFF, 0xFE, _, _): (encoding, bom) = (.utf16LittleEndian, 2)
        case (0xEF, 0xBB, 0xBF, _): (encoding, bom) = (.utf8, 3)
        case let (0, 0, 0, .some(nz)) where nz != 0: (encoding, bom) = (.utf32BigEndian, 0)
        case let (0, .some(nz1), 0, .some(nz2)) where nz1 != 0 && nz2 != 0: (encoding, bom) = (.utf16BigEndian, 0)
        case let (.some(nz), 0, 0, 0) where nz != 0: (encoding, bom) = (.utf32LittleEndian, 0)
        case let (.some(nz1), 0, .some(nz2), 0) where nz1 != 0 && nz2 != 0: (encoding, bom) = (.utf16LittleEndian, 0)
        case let (0, .some(nz), nil, nil) where nz != 0: (encoding, bom) = (.utf16BigEndian, 0)
        case let (.some(nz), 0, nil, nil) where nz != 0: (encoding, bom) = (.utf16LittleEndian, 0)
        default: (encoding, bom) = (.utf8, 0)
        }
        let text = UnsafeBufferPointer(rebasing: raw[bom...])
        if encoding == .utf8 {
            var scanner = JSONLineScanner(text, fields: fields)
            return try scanner.topLevelObject()
        }
        guard var converted = String(bytes: text, encoding: encoding) else { throw NotAnObject() }
        return try converted.withUTF8 { utf8 in
            var scanner = JSONLineScanner(utf8, fields: fields)
            return try scanner.topLevelObject()
        }
    }

    // MARK: Structure (what the decoder's scanner checked before decoding anything)

    /// The next byte after whitespace, or nil at the end.
    private mutating func peekAfterWhitespace() -> UInt8? {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D, 0x0A: index += 1
            default: return bytes[index]
            }
        }
        return nil
    }

    /// The next byte after whitespace; the end of the text is an error.
    private mutating func next() throws -> UInt8 {
        guard let byte = peekAfterWhitespace() else { throw NotAnObject() }
        return byte
    }

    /// The top-level object, with the values of known fields read and unknown keys collected.
    private mutating func topLevelObject() throws -> Object {
        guard try next() == UInt8(ascii: "{") else { throw NotAnObject() }
        try members(recorded: true)
        guard peekAfterWhitespace() == nil else { throw NotAnObject() }
        return object
    }

    /// An object's members from its `{` through its `}`, filed in `object` when `recorded`.
    private mutating func members(recorded: Bool) throws {
        guard depth < 512 else { throw NotAnObject() }
        index += 1
        depth += 1
        defer { depth -= 1 }
        if try next() == UInt8(ascii: "}") { index += 1; return }
        while true {
            let key = try string()
            guard try next() == UInt8(ascii: ":") else { throw NotAnObject() }
            index += 1
            let value = try valueToken()
            if recorded { try record(key: key, value: value) }
            switch try next() {
            case UInt8(ascii: ","):
                index += 1
                if try next() == UInt8(ascii: "}") { index += 1; return } // a trailing comma, as the decoder allowed
            case UInt8(ascii: "}"):
                index += 1
                return
            default:
                throw NotAnObject()
            }
        }
    }

    /// An array from its `[` through its `]`.
    private mutating func elements() throws {
        guard depth < 512 else { throw NotAnObject() }
        index += 1
        depth += 1
        defer { depth -= 1 }
        if try next() == UInt8(ascii: "]") { index += 1; return }
        while true {
            _ = try valueToken()
            switch try next() {
            case UInt8(ascii: "]"):
                index += 1
                return
            case UInt8(ascii: ","):
                index += 1
                if try next() == UInt8(ascii: "]") { index += 1; return }
            default:
                throw NotAnObject()
            }
        }
    }

    /// Where a value lies in the text, checked for shape only (strings and numbers are read later).
    private enum Token {
        case string(Range<Int>, simple: Bool), number(Range<Int>), bool(Bool), null, container
    }

    private mutating func valueToken() throws -> Token {
        switch try next() {
        case UInt8(ascii: "\""):
            let (range, simple) = try string()
            return .string(range, simple: simple)
        case UInt8(ascii: "{"):
            try members(recorded: false)
            return .container
        case UInt8(ascii: "["):
            try elements()
            return .container
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // The decoder's scanner took any run of digits, signs, points and exponent marks.
            let start = index
            index += 1
            scan: while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
                     UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index += 1
                default:
                    break scan
                }
            }
            return .number(start..<index)
        default:
            throw NotAnObject()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw NotAnObject() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw NotAnObject() }
        index += count
    }

    /// A string from its opening quote: the range of its contents, and whether they hold no escape
    /// and no control character. Escapes are checked for shape only: a backslash and one byte,
    /// or `\u` and four bytes that are not quotes.
    private mutating func string() throws -> (Range<Int>, simple: Bool) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw NotAnObject() }
        index += 1
        let start = index
        var simple = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start..<index - 1, simple)
            }
            if byte == UInt8(ascii: "\\") {
                simple = false
                index += 1
                guard index < bytes.count else { throw NotAnObject() }
                let escaped = bytes[index]
                index += 1
                if escaped == UInt8(ascii: "u") {
                    guard bytes.count - index >= 4 else { throw NotAnObject() }
                    for offset in 0..<4 where bytes[index + offset] == UInt8(ascii: "\"") { throw NotAnObject() }
                    index += 4
                }
            } else {
                if byte < 0x20 { simple = false }
                index += 1
            }
        }
        throw NotAnObject()
    }

    // MARK: Members

    /// Files one member: a key that is not a valid string makes the line no object; the first
    /// value of a known field is read; later ones are ignored.
    private mutating func record(key: (Range<Int>, simple: Bool), value: Token) throws {
        let field: Int?
        var decodedKey: String?
        if key.simple {
            field = fieldIndex(UnsafeBufferPointer(rebasing: bytes[key.0]))
        } else {
            guard let text = decodeString(key.0) else { throw NotAnObject() }
            decodedKey = text
            var copy = text
            field = copy.withUTF8 { fieldIndex($0) }
        }
        guard let field else {
            let name = decodedKey ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[key.0]), as: UTF8.self)
            if !object.unknownKeys.contains(name) { object.unknownKeys.append(name) }
            return
        }
        guard object.values[field] == nil else { return }
        object.values[field] = switch value {
        case .string(let range, let simple):
            simple ? .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
                   : decodeString(range).map(JSONValue.string) ?? .other
        case .number(let range): JSONNumber.int64(UnsafeBufferPointer(rebasing: bytes[range])).map(JSONValue.integer) ?? .other
        case .bool(let value): .bool(value)
        case .null: .null
        case .container: .other
        }
    }

    private func fieldIndex(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        fields.firstIndex { $0.count == name.count && $0.elementsEqual(name) }
    }

    // MARK: Values (what the decoder read lazily)

    /// A string's contents with its escapes resolved; nil for a bad escape, a raw control
    /// character or a lone surrogate.
    private func decodeString(_ range: Range<Int>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        func hex4(_ at: Int) -> UInt32? {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let digit: UInt32
                switch bytes[at + offset] {
                case let c where c >= 0x30 && c <= 0x39: digit = UInt32(c - 0x30)
                case let c where c >= 0x41 && c <= 0x46: digit = UInt32(c - 0x41 + 10)
                case let c where c >= 0x61 && c <= 0x66: digit = UInt32(c - 0x61 + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        while i < range.upperBound {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                guard byte >= 0x20 else { return nil }
                out.append(byte)
                i += 1
                continue
            }
            let escaped = bytes[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(i) else { return nil }
                i += 4
                var scalar = unit
                if (0xD800...0xDBFF).contains(unit) {
                    guard range.upperBound - i >= 2, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                          let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low) else { return nil }
                    i += 6
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let value = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(value)!)
            default:
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
