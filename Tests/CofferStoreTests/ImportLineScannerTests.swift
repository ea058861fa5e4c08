@testable import CofferStore
import CofferCore
import Foundation
import Testing

/// The byte scanner that reads `usage import` lines (issue #15 point 10) against two readings by
/// Foundation: the `JSONDecoder`-based reader it replaced (which it must match word for word, R33's
/// refusals included) and `JSONSerialization` (which must agree on what the keys and values are).
@Suite("Import line scanner (issue #15.10)")
struct ImportLineScannerTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Lines that probe the scanner: whitespace, commas, escapes, surrogates, raw control characters,
    /// numbers at every edge of Int64 and Double, literals, nesting, byte order marks, other
    /// encodings, invalid UTF-8, wrong types. None gives a key twice (see `duplicates`).
    static let tricky: [[UInt8]] = texts.map(bytes) + numbers + nesting + encodings

    static let texts: [String] = [
        #"{"id":"a","service":"gpt-4o"}"#, "\t{ \"id\" : \"a\" ,\r\"service\":\"gpt-4o\" } \r", "{\"id\":\"a\",\n\"service\":\"gpt-4o\"}",
        "{\"id\":\"a\",\u{0B}\"service\":\"gpt-4o\"}", "{\"id\":\"a\",\u{0C}\"service\":\"gpt-4o\"}", "\u{A0}{\"id\":\"a\",\"service\":\"gpt-4o\"}",
        #"{"id":"a","service":"gpt-4o",}"#, #"{"id":"a","service":"gpt-4o",,}"#, "{,}", #"{"id":"a",}"#,
        #"{"id":"a","service":"gpt-4o","title":[1,]}"#, #"{"id":"a","service":"gpt-4o","title":[,]}"#, #"{"id":"a","service":"gpt-4o","title":[1,,2]}"#,
        #"{"id":"e","service":"gpt-4o","title":"\"\\\/\b\f\n\r\t"}"#, #"{"id":"\u0041\u00e9\u20AC","service":"gpt-4o"}"#,
        #"{"id":"\ud83d\ude00","service":"gpt-4o","title":"\uD83D\uDE00x"}"#, #"{"id":"a","service":"gpt-4o","title":"\ud800"}"#,
        #"{"id":"a","service":"gpt-4o","title":"\ud800x"}"#, #"{"id":"a","service":"gpt-4o","title":"\ud800\ud800"}"#,
        #"{"id":"a","service":"gpt-4o","title":"\udc00"}"#, #"{"id":"a","service":"gpt-4o","title":"\ud800\n"}"#,
        #"{"id":"a","service":"gpt-4o","title":"\u12"}"#, #"{"id":"a","service":"gpt-4o","title":"\u12\"}"#,
        #"{"id":"a","service":"gpt-4o","title":"\uXYZW"}"#, #"{"id":"a","service":"gpt-4o","title":"\x"}"#,
        #"{"id":"a","service":"gpt-4o","title":"\'"}"#, #"{"id":"a","service":"gpt-4o","title":"a\u0000b"}"#,
        #"{"id":"a","service":"gpt-4o","title":"abc\"#, #"{"id":"a","service":"gpt-4o","title":"\u00"#,
        "{\"id\":\"a\",\"service\":\"gpt-4o\",\"title\":\"tab\there\"}", "{\"id\":\"a\",\"service\":\"gpt-4o\",\"title\":\"del\u{7F}\"}",
        "{\"id\":\"a\",\"service\":\"gpt-4o\",\"zz\":\"nul\u{0}\"}", "{\"id\":\"a\",\"service\":\"gpt-4o\",\"title\":[\"raw\u{1}\", \"\\q\"]}",
        "{\"i\td\":\"a\",\"service\":\"gpt-4o\"}", #"{"i\u0064":"k","service":"gpt-4o"}"#, #"{"\u0069d":"k","serv\u0069ce":"gpt-4o"}"#,
        #"{"id":"a","service":"gpt-4o","\u00e9":1}"#, #"{"id":"a","service":"gpt-4o","\ud800":1}"#, #"{"id":"a","service":"gpt-4o","\q":1}"#,
        #"{"id":"a","service":"gpt-4o","title":{"\q":"\ud800"}}"#, #"{"zeta":1,"alpha":2,"id":"a"}"#, #"{"é":1,"z":2,"Z":3}"#,
        #"{"ID":"a","service":"gpt-4o"}"#, #"{"\u212a":"kelvin","id":"a","service":"gpt-4o"}"#, #"{"":"","id":"a","service":"gpt-4o"}"#,
        "{\"id\":\"a\",\"service\":\"gpt-4o\",\"\u{1b}[31m\":1}",
        #"{"id":true,"service":"gpt-4o"}"#, #"{"id":null,"service":"gpt-4o"}"#, #"{"id":"a","service":5}"#, #"{"id":"a","service":"gpt-4o","for":5}"#,
        #"{"id":"a","service":"gpt-4o","quantity":true}"#, #"{"id":"a","service":"gpt-4o","quantity":false}"#,
        #"{"id":"a","service":"gpt-4o","quantity":null}"#, #"{"id":"a","service":"gpt-4o","quantity":{"a":1}}"#,
        #"{"id":"a","service":"gpt-4o","credits":[1]}"#, #"{"id":"a","service":"gpt-4o","title":{"nested":[{"deep":[true,null,-1.5e-3]}]}}"#,
        #"{"id":"a","service":"gpt-4o","title":tru}"#, #"{"id":"a","service":"gpt-4o","title":nul}"#, #"{"id":"a","service":"gpt-4o","title":truex}"#,
        #"{"id":"a","service":"gpt-4o","title":True}"#, #"{"id":"a","service":"gpt-4o","title":NULL}"#, #"{"id":"a","service":"gpt-4o","title":NaN}"#,
        "[]", #""s""#, "42", "null", "{}", "{", "}", " ", "", #"{"id":"a","service":"gpt-4o"} x"#, #"{"id":"a","service":"gpt-4o"}}"#,
        #"{"id":"a","service":"gpt-4o"}{}"#, #"{"id" "a"}"#, #"{"id":}"#, #"{id:"a"}"#, "{'id':'a'}", #"{"id":"a" "service":"b"}"#,
        #"{"id":"a","service":"gpt-4o""#, #"{"id":"a","service":"gpt-4o","title":"unterminated}"#, #"{"id":"a","service":"gpt-4o","title":1,"#,
        #"{"id":"a","service":"gpt-4o","quantity":"1e3"}"#, #"{"id":"a","service":"gpt-4o","quantity":" 1"}"#,
        #"{"id":"a","service":"gpt-4o","credits":"1,000.5"}"#, #"{"id":"a","service":"gpt-4o","credits":"$1"}"#,
        #"{"id":"a","service":"gpt-4o","credits":"１２"}"#, #"{"id":"a","service":"gpt-4o","workspace":"acme"}"#,
        "{\"id\":\"a\",\"service\":\"gpt-4o\",\"workspace\":\"acme\u{301}\"}", #"{"id":"a","service":"gpt-4o","title":"日本語 😀 é"}"#,
        "{\"id\":\"a\",\"service\":\"gpt-4o\",\"title\":\"" + String(repeating: "t", count: 20_001) + "\"}",
        #"{"id":"","service":"gpt-4o"}"#, #"{"id":"a","service":"brand-import","import_type":"x","type":"audio"}"#,
    ]

    /// Amounts as numbers: integers, fractions, exponents, overflow, and what is no number at all.
    static let numbers: [[UInt8]] = [
        "1", "-1", "0", "-0", "01", "-01", "00", "1.0", "1.5", "1e2", "1E2", "1e+2", "1e-2", "100e-2", "1.5e1", "0e5", "0.0", "-0.0",
        "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9007199254740992", "9007199254740993.0", "9007199254740993.5", "12345678901234567.5", "1.5e17", "9.3e18", "9.2e18",
        "9223372036854775807.0", "9223372036854775806.9", "123456789012345678901234567890", "12345678901234567890123456789012345678901.5",
        "9007199254740993.00000000000000000000000000000000001", "1.0000000000000001", "0.99999999999999999", "2e0", "2e-0",
        "1.2.3", "1-2", "1+2", "1e5e5", "1.e5", "1e", "1e+", "-", "-a", "2.", ".5", "+1", "1ee2", "0x10", "1_000", "Infinity", "-Infinity",
        "1E-7", "5e-1", "25e-1", "1000000000000000e-3", "1000000000000001e-3", "99999999999999999999e-10",
    ].flatMap { number in
        [#"{"id":"n","service":"gpt-4o","quantity":\#(number)}"#, #"{"id":"n","service":"gpt-4o","credits":\#(number)}"#,
         #"{"id":"n","service":"gpt-4o","zz":\#(number)}"#, #"{"id":"n","service":"gpt-4o","title":\#(number)}"#].map(bytes)
    }

    /// Nesting at and past the decoder's limit of 512 levels (the line itself is the first), closed,
    /// and left open at the end of the line — where the decoder itself traps at the limit
    /// (`JSONNesting`; `scripts/fuzz import` found it).
    static let nesting: [[UInt8]] = [510, 511, 512, 600].flatMap { depth in
        [#"{"id":"n","service":"gpt-4o","title":\#(String(repeating: "[", count: depth))\#(String(repeating: "]", count: depth))}"#,
         #"{"id":"n","service":"gpt-4o","zz":\#(String(repeating: "{\"a\":", count: depth))1\#(String(repeating: "}", count: depth))}"#]
            .map(bytes)
    } + [510, 511, 512, 513].map { bytes(#"{"id": "# + String(repeating: "[", count: $0)) }

    /// Byte order marks, lines whose first bytes mark UTF-16 or UTF-32, invalid UTF-8.
    static let encodings: [[UInt8]] = {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let line = bytes(#"{"id":"enc","service":"gpt-4o"}"#)
        let utf16LE: [UInt8] = line.flatMap { byte -> [UInt8] in [byte, 0] }, utf16BE: [UInt8] = line.flatMap { byte -> [UInt8] in [0, byte] }
        let utf32LE: [UInt8] = line.flatMap { byte -> [UInt8] in [byte, 0, 0, 0] }
        let utf32BE: [UInt8] = line.flatMap { byte -> [UInt8] in [0, 0, 0, byte] }
        let twice = bom + bom
        var lines: [[UInt8]] = [bom + line, twice + line, twice + bom + line, bom, twice, line + bom]
        lines.append(bom + bytes("  \t"))
        let inside: [UInt8] = bytes(#"{"id":"a"#) + bom
        lines.append(inside + bytes(#"","service":"gpt-4o"}"#))
        lines += [utf16LE, utf16BE, utf32LE, utf32BE, Array(utf16LE.dropLast())]
        lines.append(utf16BE + [0])
        lines.append(bom + utf16LE)
        lines.append([0x20, 0] + utf16LE)
        let nuls: [[UInt8]] = [[0, 0x7B, 0, 0x7D], [0x7B, 0, 0x7D, 0], [0, 0x7B], [0x7B, 0], [0, 0, 0, 0x7B], [0x7B, 0, 0, 0], [0, 0, 0, 0], [0]]
        lines += nuls
        lines.append([0x7B, 0x7D, 0])
        let open = Array(line.dropLast())
        for bad: [UInt8] in [[0xFF, 0x7D], [0xC0, 0xAF, 0x7D], [0xED, 0xA0, 0x80, 0x7D]] { lines.append(open + bad) }
        let beyond: [UInt8] = [0xF4, 0x90, 0x80, 0x80]
        lines.append(bytes(#"{"id":"a","service":"gpt-4o","title":""#) + beyond + bytes(#""}"#))
        return lines
    }()

    /// Lines that give a key twice: the first value counts.
    static let duplicates: [[UInt8]] = [
        #"{"id":"a","id":"b","service":"gpt-4o"}"#, #"{"id":"a","id":5,"service":"gpt-4o"}"#, #"{"id":5,"id":"a","service":"gpt-4o"}"#,
        #"{"id":"a","i\u0064":"b","service":"gpt-4o"}"#, #"{"id":"a","service":"gpt-4o","é":1,"e\u0301":2}"#,
        #"{"id":"a","service":"gpt-4o","e\u0301":1,"é":2}"#, #"{"id":"a","service":"gpt-4o","title":"\x","title":"ok"}"#,
        #"{"id":"a","service":"gpt-4o","zz":1,"zz":"\ud800"}"#, #"{"id":"a","service":"gpt-4o","zz":1,"z\u007a":2,"\ud800":3}"#,
        #"{"id":"a","service":"gpt-4o","quantity":"1","quantity":1.5}"#,
    ].map(bytes)

    /// The scanner's reading of a line: the request, the refusal, or nil for a blank line.
    static func read(_ line: [UInt8]) -> Result<UsageRequest, CofferError>? {
        line.withUnsafeBufferPointer { ImportLine.read(LineReader.classify($0), workspace: "acme") }
    }

    static func describe(_ result: Result<UsageRequest, CofferError>?) -> String {
        switch result {
        case nil: "skipped"
        case .success(let request)?: "\(request)"
        case .failure(let error)?: "refused: \(error.message)"
        }
    }

    @Test("Each tricky line is read as the JSONDecoder read it: the same request, or the same refusal word for word")
    func sameAsTheDecoder() {
        var refusals: Set<String> = []
        for line in Self.tricky + Self.duplicates {
            let read = Self.read(line), expected = ReferenceImportLine.read(line, workspace: "acme")
            #expect(Self.describe(read) == Self.describe(expected), "\(String(decoding: line.prefix(200), as: UTF8.self).debugDescription)")
            if case .failure(let error)? = read { refusals.insert(error.message) }
        }
        // The table reaches every kind of refusal the line reader gives (not only "not a JSON object").
        for reason in ["not a JSON object", "not valid UTF-8", "unknown field", "expected a string", "write amounts as strings",
                       "expected an amount", "id: missing", "service: missing", "Not an amount", "Amount is too large", "NUL character",
                       "must be greater than zero", "is not the one being imported into"] {
            #expect(refusals.contains { $0.contains(reason) }, "no line of the table is refused with \(reason)")
        }
    }

    /// JSONSerialization's reading of a line as an object: each key with its value, nil when it
    /// reads no object.
    static func serializationReading(_ line: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]) as? [String: Any]
    }

    @Test("Where JSONSerialization reads a line as an object, the scanner reads the same keys, strings and integers")
    func sameAsJSONSerialization() throws {
        let names = ImportLine.Field.allCases.map(\.name)
        var compared = 0
        for line in Self.tricky {
            guard let reference = Self.serializationReading(line) else { continue }
            let shown = String(decoding: line.prefix(200), as: UTF8.self).debugDescription
            let object = try line.withUnsafeBufferPointer { raw in
                try JSONLineScanner.object(raw, fields: names.map { Array($0.utf8) })
            }
            compared += 1
            let keys = Set(object.unknownKeys).union(names.indices.filter { object.values[$0] != nil }.map { names[$0] })
            #expect(keys == Set(reference.keys), "\(shown)")
            for (index, name) in names.enumerated() {
                switch (object.values[index], reference[name]) {
                case (.string(let text)?, let other?): #expect(other as? String == text, "\(shown): \(name)")
                case (.integer(let number)?, let other as NSNumber) where !other.stringValue.contains(where: { ".eE".contains($0) }):
                    // A fraction JSONSerialization keeps exactly (0.99999999999999999) the decoder took as its nearest
                    // Double (1): the scanner reads what the decoder read, so only whole numbers are compared here.
                    #expect(other.int64Value == number, "\(shown): \(name)")
                case (.null?, let other?): #expect(other is NSNull, "\(shown): \(name)")
                default: break
                }
            }
        }
        #expect(compared >= 60, "JSONSerialization read only \(compared) lines of the table")
    }

    @Test("A field name equals no other text as a Swift String, so comparing bytes finds the fields the decoder found")
    func fieldNamesEqualOnlyThemselves() {
        let letters = Set("abcdefghijklmnopqrstuvwxyz_".map(String.init))
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(!letters.contains(String(scalar)), "U+\(String(value, radix: 16)) equals an ASCII letter")
        }
    }

    @Test("Lines are handed over whole whatever the 64 KiB chunks cut, numbered, over-long ones refused (seeded)")
    func lineReader() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SeededGenerator(seed: 15)
        var lines: [[UInt8]] = []
        for n in 0..<400 {
            let length = [0, 1, 40, 150, 65_535, 65_536, 70_000, 300_000][Int.random(in: 0..<8, using: &generator)]
            var line = Array("\(n):".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: length)
            if n % 7 == 0 { line += [0x0D] }
            if n % 11 == 0 { line = [0xEF, 0xBB, 0xBF] + line }
            if n % 13 == 0 { line = Array("   \t\r".utf8) }
            lines.append(line)
        }
        lines.insert([UInt8](repeating: UInt8(ascii: "y"), count: 1_200_000), at: 200)
        let file = folder.appendingPathComponent("lines.jsonl")
        try Data(lines.joined(separator: [0x0A])).write(to: file)
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var reader = LineReader(handle: handle, maxLineBytes: 1 << 20)
        var seen: [(Int, String)] = []
        while try reader.next({ number, line in
            switch line {
            case .blank: seen.append((number, "blank"))
            case .refused(let error): seen.append((number, error.message))
            case .text(let bytes): seen.append((number, String(decoding: bytes, as: UTF8.self)))
            }
        }) {}
        #expect(seen.map(\.0) == Array(1...lines.count))
        for (index, line) in lines.enumerated() where index < seen.count {
            let expected: String
            if line.count > 1 << 20 {
                expected = "line is longer than 1048576 bytes"
            } else if line.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) {
                expected = "blank"
            } else {
                expected = String(decoding: line.starts(with: [0xEF, 0xBB, 0xBF]) ? line.dropFirst(3) : line[...], as: UTF8.self)
            }
            #expect(seen[index].1 == expected, "line \(index + 1)")
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing run can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
