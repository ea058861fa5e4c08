import CofferCore
import Foundation

/// libFuzzer entry point for the `usage import` line reader (R1, R33): any line's bytes are read
/// exactly as the JSONDecoder-based reader read them before issue #15 point 10 (the same request,
/// or the same refusal word for word, or both skip it); a request is valid and survives being
/// written back as JSON and read again unchanged; a refusal is one line. Never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let read = bytes.withUnsafeBufferPointer { ImportLine.read(LineReader.classify($0), workspace: "acme") }
    let reference = ReferenceImportLine.read(bytes, workspace: "acme")
    let shown = String(decoding: bytes, as: UTF8.self).debugDescription
    switch (read, reference) {
    case (nil, nil):
        return 0
    case (.failure(let error)?, .failure(let expected)?):
        guard error.message == expected.message else {
            fatalError("\(shown) refused as \(error.message.debugDescription), the JSONDecoder said \(expected.message.debugDescription)")
        }
        expectOneLineRefusal(error, input: shown)
        return 0
    case (.success(let request)?, .success(let expected)?):
        guard request == expected else { fatalError("\(shown) read as \(request), the JSONDecoder read \(expected)") }
        do {
            try request.validate()
        } catch {
            fatalError("parsed but invalid: \(shown): \(error)")
        }
        let again: UsageRequest
        do {
            again = try ImportLine.parse(rewrite(request), workspace: "acme")
        } catch {
            fatalError("\(shown) parsed, but its rewrite did not: \(error)")
        }
        guard again == request else { fatalError("\(shown) changed on a round trip: \(request) → \(again)") }
        return 0
    default:
        fatalError("\(shown) read as \(String(describing: read)), the JSONDecoder read \(String(describing: reference))")
    }
}

/// The request as an import line, amounts as strings.
private func rewrite(_ r: UsageRequest) throws -> String {
    var object: [String: String] = ["id": r.eventID, "service": r.service]
    let optional: [(String, String?)] = [
        ("quantity", r.quantity?.plain), ("credits", r.credits?.plain), ("for", r.forEmail), ("conversation", r.conversationID),
        ("title", r.title), ("type", r.billingType), ("api_key", r.apiKey), ("call", r.callID), ("task", r.taskID),
        ("import_type", r.importType), ("url", r.url),
    ]
    for case let (key, value?) in optional { object[key] = value }
    return String(decoding: try JSONEncoder().encode(object), as: UTF8.self)
}
