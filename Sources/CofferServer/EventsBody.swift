import CofferCore
import CofferStore

/// The body of `POST /v1/events` (R39): one event in the import line format, or
/// `{"events": [...]}` with 1 to 1,000 of them. Any event that is not a valid line refuses the
/// whole body (400, naming the event) before anything is written (R41).
enum EventsBody {
    static let maxEvents = 1_000

    /// The parsed events, and whether the body was a batch.
    static func parse(_ bytes: [UInt8], as actor: Actor) throws -> (events: [GroupedEvent], batch: Bool) {
        guard let elements = try batchElements(bytes) else {
            return ([try line(bytes[...], as: actor, name: nil)], false)
        }
        guard !elements.isEmpty else { throw APIError(.badRequest, "events: give 1 to 1,000 events") }
        guard elements.count <= maxEvents else {
            throw APIError(.contentTooLarge, "events: a batch holds at most 1,000 events (this one has \(elements.count))")
        }
        return (try elements.enumerated().map { try line(bytes[$1], as: actor, name: "events[\($0)]") }, true)
    }

    private static func line(_ bytes: ArraySlice<UInt8>, as actor: Actor, name: String?) throws -> GroupedEvent {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError(.badRequest, "The body is not valid UTF-8") }
        do {
            return try GroupedEvent(actor: actor, line: text)
        } catch let error as CofferError {
            throw APIError(.badRequest, name.map { "\($0): \(error.message)" } ?? error.message)
        }
    }

    /// The byte ranges of the elements of `{"events": [ ... ]}`, or nil when the body is not of
    /// that shape's start (then it is a single event). Elements must be objects; their contents
    /// are checked by the line parser.
    static func batchElements(_ bytes: [UInt8]) throws -> [Range<Int>]? {
        var scanner = Scanner(bytes: bytes)
        guard scanner.take(UInt8(ascii: "{")), scanner.peekString() == "events" else { return nil }
        _ = try scanner.string()
        guard scanner.take(UInt8(ascii: ":")), scanner.take(UInt8(ascii: "[")) else {
            throw APIError(.badRequest, "events: expected an array of events")
        }
        var ranges: [Range<Int>] = []
        if !scanner.take(UInt8(ascii: "]")) {
            repeat {
                guard scanner.peek == UInt8(ascii: "{") else { throw APIError(.badRequest, "events[\(ranges.count)]: expected an object") }
                ranges.append(try scanner.object())
                if ranges.count > maxEvents { break }
            } while scanner.take(UInt8(ascii: ","))
            guard ranges.count > maxEvents || scanner.take(UInt8(ascii: "]")) else {
                throw APIError(.badRequest, "The body is not valid JSON")
            }
        }
        if ranges.count > maxEvents { return ranges }
        guard scanner.take(UInt8(ascii: "}")), scanner.atEnd else {
            throw APIError(.badRequest, "A batch is {\"events\": [...]} and nothing else")
        }
        return ranges
    }

    /// Just enough of JSON to find where the batch's elements begin and end.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? {
            mutating get {
                skipSpace()
                return index < bytes.count ? bytes[index] : nil
            }
        }

        var atEnd: Bool { mutating get { peek == nil } }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Consumes `byte` (after white space) if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// The next string's raw contents when it has no escapes, without consuming it.
        mutating func peekString() -> String? {
            var copy = self
            guard let range = try? copy.string() else { return nil }
            return String(decoding: bytes[range.lowerBound + 1..<range.upperBound - 1], as: UTF8.self)
        }

        /// Consumes a string, quotes included.
        mutating func string() throws -> Range<Int> {
            guard peek == UInt8(ascii: "\"") else { throw APIError(.badRequest, "The body is not valid JSON") }
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<index
                default: index += 1
                }
            }
            throw APIError(.badRequest, "The body is not valid JSON")
        }

        /// Consumes an object (nested values included) and returns its range.
        mutating func object() throws -> Range<Int> {
            let start = index
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    _ = try string()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return start..<index
                    }
                default: break
                }
                index += 1
            }
            throw APIError(.badRequest, "The body is not valid JSON")
        }
    }
}
