import Foundation
import Testing
@testable import CofferServer

/// R39: the OpenAPI document in the repo describes exactly the routes the server registers.
@Suite("OpenAPI document matches the routes (R39)")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/CofferServer/openapi.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    @Test("every route is documented and every documented operation is a route")
    func sameOperations() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let routed = Set(Routes.endpoints.map { "\($0.method.rawValue) \($0.path)" })
        #expect(documented == routed, "documented only: \(documented.subtracting(routed).sorted()); routed only: \(routed.subtracting(documented).sorted())")
        #expect(OpenAPIDocument.bytes.count > 1_000, "the document ships in the binary's resources")
    }

    @Test("every operation outside /healthz and /openapi.json requires the bearer key and documents its error responses")
    func securityAndErrors() throws {
        let document = try Self.document()
        let paths = document["paths"] as? [String: [String: [String: Any]]] ?? [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(responses["200"] != nil, "\(method) \(path) documents its answer")
                if path == "/healthz" || path == "/openapi.json" {
                    #expect((operation["security"] as? [Any])?.isEmpty == true, "\(path) is open")
                } else {
                    #expect(operation["security"] == nil && responses["401"] != nil, "\(method) \(path) needs the key (R38)")
                }
            }
        }
    }
}
