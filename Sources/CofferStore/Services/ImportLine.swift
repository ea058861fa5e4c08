import CofferCore
import Foundation

/// One line of an import file: a JSON object with the fields of `consume` (amounts as strings
/// or whole numbers, never floating point, R1). Read by `JSONLineScanner`, straight from bytes.
enum ImportLine {
    /// The fields a line may carry, in the order `JSONLineScanner` files their values.
    enum Field: Int, CaseIterable {
        case id, service, quantity, credits, `for`, conversation, title, type, apiKey, call, task, importType, url, workspace

        /// The field's name in a line.
        var name: String {
            switch self {
            case .apiKey: "api_key"
            case .importType: "import_type"
            default: "\(self)"
            }
        }
    }

    /// The field names.
    static let fields: Set<String> = Set(Field.allCases.map(\.name))
    private static let fieldBytes: [[UInt8]] = Field.allCases.map { Array($0.name.utf8) }

    /// What `usage import` makes of one line: nil for a blank line (skipped), else the request or
    /// the refusal.
    static func read(_ line: LineReader.Line, workspace: String) -> Result<UsageRequest, CofferError>? {
        switch line {
        case .blank: nil
        case .refused(let error): .failure(error)
        case .text(let bytes): Result { try parse(bytes, workspace: workspace) }.mapError { $0 as? CofferError ?? CofferError("\($0)") }
        }
    }

    /// Parses a line given as text.
    static func parse(_ text: String, workspace: String) throws -> UsageRequest {
        var text = text
        return try text.withUTF8 { try parse($0, workspace: workspace) }
    }

    /// Parses a line's bytes (valid UTF-8, without its newline) into a request for `workspace`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, workspace: String) throws -> UsageRequest {
        let object: JSONLineScanner.Object
        do {
            object = try JSONLineScanner.object(bytes, fields: fieldBytes)
        } catch {
            throw CofferError("not a JSON object")
        }
        if let unknown = object.unknownKeys.min() {
            throw CofferError("unknown field \(CofferError.quote(unknown))")
        }
        func string(_ field: Field) throws -> String? {
            switch object.values[field.rawValue] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw CofferError("\(field.name): expected a string")
            }
        }
        func amount(_ field: Field) throws -> String? {
            switch object.values[field.rawValue] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case .integer(let value)?: return String(value)
            case .other?: throw CofferError("\(field.name): write amounts as strings, e.g. \"2.5\"")
            default: throw CofferError("\(field.name): expected an amount")
            }
        }
        guard let id = try string(.id) else { throw CofferError("id: missing") }
        guard let service = try string(.service) else { throw CofferError("service: missing") }
        if let other = try string(.workspace), other != workspace {
            throw CofferError("workspace \(CofferError.quote(other)) is not the one being imported into (\(workspace))")
        }
        var request = UsageRequest(eventID: id, service: service,
                                   quantity: try amount(.quantity).map(Quantity.parsePositive),
                                   credits: try amount(.credits).map(Credits.parsePositive), forEmail: try string(.for))
        request.conversationID = try string(.conversation)
        request.title = try string(.title)
        request.billingType = try string(.type)
        request.apiKey = try string(.apiKey)
        request.callID = try string(.call)
        request.taskID = try string(.task)
        request.importType = try string(.importType)
        request.url = try string(.url)
        try request.validate()
        return request
    }
}
