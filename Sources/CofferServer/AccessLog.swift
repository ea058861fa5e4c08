import CofferCore
import Foundation
import HTTPTypes
import Hummingbird

/// One JSON line per request on stderr: time, method, path, status, duration and the key's
/// name once known — never the key itself, the query's values, or a body (R38).
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let write: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let entry: [String: String] = [
            "time": UTC.iso(Timestamp(Date().timeIntervalSince1970)),
            "method": request.method.rawValue,
            "path": request.uri.path,
            "status": String(response.status.code),
            "ms": String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3),
            "key": response.headers[HTTPField.Name.keyName] ?? "-",
        ]
        if let data = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) {
            write(String(decoding: data, as: UTF8.self))
        }
        response.headers[.keyName] = nil
        return response
    }
}

extension HTTPField.Name {
    /// Carries the authenticated key's name from a route to the access log; removed before sending.
    static let keyName = HTTPField.Name("X-Coffer-Key-Name")!
}
