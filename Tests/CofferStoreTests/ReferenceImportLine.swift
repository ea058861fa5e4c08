#if canImport(CofferStore)
@testable import CofferStore
#endif
import CofferCore
import Foundation

/// `usage import`'s reading of a line as it was before issue #15 point 10 — the line made a String
/// by `String(data:encoding:)`, then a `JSONDecoder` per line — kept word for word as the oracle
/// the byte scanner is compared with: by `ImportLineScannerTests` and by `scripts/fuzz import`
/// (which compiles this file on its own, without the CofferStore module).
enum ReferenceImportLine {
    /// What the import made of one line's bytes: nil for a blank line (skipped), else the request
    /// or the refusal.
    static func read(_ bytes: [UInt8], workspace: String) -> Result<UsageRequest, CofferError>? {
        guard let text = String(data: Data(bytes), encoding: .utf8) else { return .failure(CofferError("not valid UTF-8")) }
        if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return nil }
        return Result { try parse(text, workspace: workspace) }.mapError { $0 as? CofferError ?? CofferError("\($0)") }
    }

    static let fields: Set<String> = ["id", "service", "quantity", "credits", "for", "conversation", "title", "type",
                                      "api_key", "call", "task", "import_type", "url", "workspace"]

    /// The decoder's reading of a line as an object (the keys the decoder kept, and their values).
    static func object(_ text: String) throws -> [String: ReferenceJSONValue] {
        try JSONDecoder().decode([String: ReferenceJSONValue].self, from: Data(text.utf8))
    }

    static func parse(_ text: String, workspace: String) throws -> UsageRequest {
        let object: [String: ReferenceJSONValue]
        do {
            // The decoder refuses a text over its 512 levels — or traps, on one that reaches them
            // at its very end (`JSONNesting`): answered here as the decoder answers the others.
            guard !JSONNesting.exceeds(512, in: text.utf8) else { throw CofferError("not a JSON object") }
            object = try Self.object(text)
        } catch {
            throw CofferError("not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw CofferError("unknown field \(CofferError.quote(unknown))")
        }
        func string(_ key: String) throws -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw CofferError("\(key): expected a string")
            }
        }
        func amount(_ key: String) throws -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case .integer(let value)?: return String(value)
            case .other?: throw CofferError("\(key): write amounts as strings, e.g. \"2.5\"")
            default: throw CofferError("\(key): expected an amount")
            }
        }
        guard let id = try string("id") else { throw CofferError("id: missing") }
        guard let service = try string("service") else { throw CofferError("service: missing") }
        if let other = try string("workspace"), other != workspace {
            throw CofferError("workspace \(CofferError.quote(other)) is not the one being imported into (\(workspace))")
        }
        var request = UsageRequest(eventID: id, service: service,
                                   quantity: try amount("quantity").map(Quantity.parsePositive),
                                   credits: try amount("credits").map(Credits.parsePositive), forEmail: try string("for"))
        request.conversationID = try string("conversation")
        request.title = try string("title")
        request.billingType = try string("type")
        request.apiKey = try string("api_key")
        request.callID = try string("call")
        request.taskID = try string("task")
        request.importType = try string("import_type")
        request.url = try string("url")
        try request.validate()
        return request
    }
}

/// A JSON value as the import reads it: numbers stay integers or are refused, never Double.
enum ReferenceJSONValue: Decodable, Equatable {
    case string(String), integer(Int64), bool(Bool), null, other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode(Int64.self) { self = .integer(value); return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        self = .other
    }
}
