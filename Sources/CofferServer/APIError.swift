import CofferCore
import CofferPresentation
import Foundation
import Hummingbird

/// A request the server answers with a 4xx (or 503) and a one-line JSON error (R41).
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The status a domain refusal gets: 403 for R7's refusals, 404 for what is not there or not
    /// the caller's to see, else 422 (understood, and refused by a rule).
    static func refusal(_ error: CofferError) -> APIError {
        APIError(status(of: error.message), error.message)
    }

    static func status(of message: String) -> HTTPResponse.Status {
        if permissionRefusals.contains(message) { return .forbidden }
        if message.hasPrefix("No ") || message.contains(" is not a member of ") { return .notFound }
        return .unprocessableContent
    }

    private static let permissionRefusals = Set(Action.allCases.map(Permissions.refusal(for:)))
}

/// Turns every error a route throws into `{"error": "..."}` with its status, so nothing a
/// client sends produces a 500 or an HTML page.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONBody.error(error.status, error.message)
        } catch let error as CofferError {
            let refusal = APIError.refusal(error)
            return JSONBody.error(refusal.status, refusal.message)
        } catch let error as HTTPError {
            return JSONBody.error(error.status, error.body ?? Self.phrase(error.status))
        } catch {
            return JSONBody.error(.internalServerError, "The server failed to answer: nothing was recorded")
        }
    }

    private static func phrase(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "No such endpoint"
        case 405: "This endpoint does not take that method"
        case 413: "The body is larger than 1 MiB"
        default: status.reasonPhrase
        }
    }
}

/// JSON responses: compact, keys sorted, the same fields as the CLI's `--json`.
enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as a JSON response with `status`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// JSON already written, as a response with `status`.
    static func response(_ json: JSONBytes, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    /// `{"error": message}` with `status` (R41).
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        // Encoding a dictionary of one string cannot fail.
        (try? response(["error": message], status: status)) ?? Response(status: status)
    }
}
