import CofferCore
import Foundation

/// libFuzzer entry point for the `usage import` line parser (R1, R33): any line either yields
/// a valid request that survives being written back as JSON and read again unchanged, or is
/// refused with a one-line `CofferError`. Never a trap, never a floating-point amount.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let line = text(data, size)
    let request: UsageRequest
    do {
        request = try ImportLine.parse(line, workspace: "acme")
    } catch {
        expectOneLineRefusal(error, input: line)
        return 0
    }
    do {
        try request.validate()
    } catch {
        fatalError("parsed but invalid: \(line.debugDescription): \(error)")
    }
    let again: UsageRequest
    do {
        again = try ImportLine.parse(rewrite(request), workspace: "acme")
    } catch {
        fatalError("\(line.debugDescription) parsed, but its rewrite did not: \(error)")
    }
    guard again == request else { fatalError("\(line.debugDescription) changed on a round trip: \(request) → \(again)") }
    return 0
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
