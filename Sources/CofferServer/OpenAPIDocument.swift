import Foundation
import Hummingbird

/// The OpenAPI 3.1 document of every endpoint (R39), kept in the repo beside the routes and
/// served at `/openapi.json`.
enum OpenAPIDocument {
    /// The document's bytes, read once from the module's resources.
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else { return [] }
        return Array(data)
    }()

    static func response() throws -> Response {
        guard !bytes.isEmpty else { throw APIError(.serviceUnavailable, "The OpenAPI document is missing from this build") }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
