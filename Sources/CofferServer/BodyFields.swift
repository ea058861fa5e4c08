import CofferCore
import Foundation

/// The JSON object body of a PUT (R41): only the fields an endpoint names, each of the type it
/// expects; anything else is a 400 naming the field, before anything is written.
struct BodyFields {
    private let values: [String: Value]

    /// A JSON value as a body reads it: numbers are whole or refused, never floating point (R1).
    enum Value: Decodable {
        case string(String), integer(Int64), bool(Bool), null, array([Value]), object([String: Value]), other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int64.self) { self = .integer(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([Value].self) { self = .array(value) }
            else if let value = try? container.decode([String: Value].self) { self = .object(value) }
            else { self = .other }
        }
    }

    /// How deeply a body may nest (a seat list is three levels): deeper is refused before decoding.
    static let maxNesting = 32

    /// The fields of `body`, which must be a non-empty JSON object of `allowed` fields.
    init(_ body: [UInt8], allowed: Set<String>) throws {
        // Before JSONDecoder, which traps on some texts at its own limit (`JSONNesting`): one body
        // must not end the server.
        guard !JSONNesting.exceeds(Self.maxNesting, in: body) else {
            throw APIError(.badRequest, "The body nests more than \(Self.maxNesting) levels deep")
        }
        guard let values = try? JSONDecoder().decode([String: Value].self, from: Data(body)) else {
            throw APIError(.badRequest, "The body is not a JSON object")
        }
        self = try BodyFields(values: values, allowed: allowed)
    }

    private init(values: [String: Value], allowed: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError(.badRequest, "unknown field \(CofferError.quote(unknown)) (this endpoint takes \(allowed.sorted().joined(separator: ", ")))")
        }
        guard !values.isEmpty else { throw APIError(.badRequest, "Give at least one of \(allowed.sorted().joined(separator: ", "))") }
        self.values = values
    }

    /// Whether the body has `key` (null included).
    func has(_ key: String) -> Bool { values[key] != nil }

    /// A string field, or nil when absent.
    func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil: return nil
        case .string(let value)?: return value
        default: throw APIError(.badRequest, "\(key): expected a string")
        }
    }

    /// A string field that may be null to clear: nil when absent, .some(nil) for null.
    func nullableString(_ key: String) throws -> String?? {
        switch values[key] {
        case nil: return nil
        case .null?: return .some(nil)
        case .string(let value)?: return .some(value)
        default: throw APIError(.badRequest, "\(key): expected a string or null")
        }
    }

    /// A whole-number field, or nil when absent.
    func integer(_ key: String) throws -> Int64? {
        switch values[key] {
        case nil: return nil
        case .integer(let value)?: return value
        default: throw APIError(.badRequest, "\(key): expected a whole number")
        }
    }

    /// A true/false field, or nil when absent.
    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil: return nil
        case .bool(let value)?: return value
        default: throw APIError(.badRequest, "\(key): expected true or false")
        }
    }

    /// An array of strings, or nil when absent.
    func strings(_ key: String) throws -> [String]? {
        switch values[key] {
        case nil: return nil
        case .array(let items)?:
            return try items.map {
                guard case .string(let value) = $0 else { throw APIError(.badRequest, "\(key): expected an array of strings") }
                return value
            }
        default: throw APIError(.badRequest, "\(key): expected an array of strings")
        }
    }

    /// An array of objects of `allowed` fields, or nil when absent.
    func objects(_ key: String, allowed: Set<String>) throws -> [BodyFields]? {
        switch values[key] {
        case nil: return nil
        case .array(let items)?:
            return try items.enumerated().map { index, item in
                guard case .object(let fields) = item else { throw APIError(.badRequest, "\(key)[\(index)]: expected an object") }
                do { return try BodyFields(values: fields, allowed: allowed) } catch let error as APIError {
                    throw APIError(.badRequest, "\(key)[\(index)]: \(error.message)")
                }
            }
        default: throw APIError(.badRequest, "\(key): expected an array of objects")
        }
    }

    /// An exact amount (R1) given as a decimal string, e.g. "12.5".
    func amount(_ key: String) throws -> Credits? {
        try string(key).map { try Self.parseAmount($0, key) }
    }

    static func parseAmount(_ text: String, _ key: String) throws -> Credits {
        do { return try Credits.parse(text) } catch let error as CofferError { throw APIError(.badRequest, "\(key): \(error.message)") }
    }
}
