import CofferCore
import CofferPresentation
import CofferStore
import Foundation
import Hummingbird
import NIOCore

/// The endpoints of R39. Each authenticates the key (R38), calls one use case — the same the
/// CLI calls — and answers with the CLI's `--json` fields.
struct Routes: Sendable {
    let store: CofferStore
    let writer: GroupCommitWriter
    /// How long a client may take to send a whole body (R41: a trickling client is let go).
    let clientTimeout: Duration

    /// The largest body read (R41).
    static let maxBody = 1 << 20

    /// One endpoint: its method, its path (with `{name}` parameters, as in the OpenAPI document)
    /// and what answers it.
    struct Endpoint: Sendable {
        let method: HTTPRequest.Method
        let path: String
        /// The router's pattern when it differs from the documented path (the router does not
        /// backtrack from a constant segment to a parameter, so overlapping paths share one pattern).
        var pattern: String?
        let answer: @Sendable (Routes, Request, BasicRequestContext) async throws -> Response

        init(method: HTTPRequest.Method, path: String, pattern: String? = nil,
             answer: @escaping @Sendable (Routes, Request, BasicRequestContext) async throws -> Response) {
            (self.method, self.path, self.pattern, self.answer) = (method, path, pattern, answer)
        }
    }

    /// Every endpoint of R39; `/openapi.json` documents exactly these (a test checks it).
    static let endpoints = recordingEndpoints + teamEndpoints + usageEndpoints

    /// Health, the document, events, balance.
    static let recordingEndpoints: [Endpoint] = [
        Endpoint(method: .get, path: "/healthz") { _, _, _ in try JSONBody.response(["status": "ok"]) },
        Endpoint(method: .get, path: "/openapi.json") { _, _, _ in try OpenAPIDocument.response() },
        Endpoint(method: .post, path: "/v1/events") { routes, request, _ in try await routes.events(request) },
        Endpoint(method: .get, path: "/v1/balance") { routes, request, _ in
            try await routes.read(request) { holder in try JSONBody.response(BalanceJSON(Balances(routes.store).report(for: holder.actor))) }
        },
    ]

    /// Registers every endpoint on `router`.
    func register(on router: Router<BasicRequestContext>) {
        for endpoint in Self.endpoints {
            router.on(RouterPath(endpoint.pattern ?? endpoint.path), method: endpoint.method) { request, context in
                try await endpoint.answer(self, request, context)
            }
        }
    }

    /// `POST /v1/events`: one event or a batch, through the group-commit writer.
    private func events(_ request: Request) async throws -> Response {
        let holder = try await authenticate(request)
        let body = try await body(of: request)
        let (events, batch) = try EventsBody.parse(body, as: holder.actor)
        let outcomes = try await writer.submit(events)
        let results = zip(events, outcomes).enumerated().map { EventJSON(index: $0, id: $1.0.eventID, outcome: $1.1) }
        var response: Response
        if batch {
            response = JSONBody.response(EventJSON.batch(results))
        } else {
            let result = results[0]
            var json = JSONBytes()
            result.write(into: &json)
            response = JSONBody.response(json, status: result.error.map { APIError.status(of: $0) } ?? .ok)
        }
        response.headers[.keyName] = holder.keyName
        return response
    }

    /// A use case for the key's holder, off the event loops, after settling what time has made
    /// due, as every CLI command does (R15a).
    func read(_ request: Request, _ answer: @escaping @Sendable (KeyHolder) throws -> Response) async throws -> Response {
        let holder = try await authenticate(request)
        var response = try await Blocking.run { [store] in
            try store.settle()
            return try answer(holder)
        }
        response.headers[.keyName] = holder.keyName
        return response
    }

    /// The key's holder (R38): 401 without a key or with a wrong or revoked one.
    func authenticate(_ request: Request) async throws -> KeyHolder {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "Give an API key: Authorization: Bearer KEY (coffer keys create NAME)")
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let holder = try await Blocking.run({ [store] in try APIKeys(store).holder(ofSecret: secret) }) else {
            throw APIError(.unauthorized, "The API key is not valid: wrong, or revoked")
        }
        return holder
    }

    /// The request's body: at most 1 MiB (413 past it), all of it within `clientTimeout` (408
    /// after: a client that trickles its body is let go, R41).
    func body(of request: Request) async throws -> [UInt8] {
        let timeout = clientTimeout
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                do {
                    return Array(buffer: try await request.body.collect(upTo: Self.maxBody))
                } catch is NIOTooManyBytesError {
                    throw APIError(.contentTooLarge, "The body is larger than 1 MiB")
                } catch is CancellationError {
                    throw APIError(.requestTimeout, "The body did not arrive within \(timeout.components.seconds) s")
                } catch {
                    throw APIError(.badRequest, "The body did not arrive whole: \(error)")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw APIError(.requestTimeout, "The body did not arrive within \(timeout.components.seconds) s")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw APIError(.badRequest, "No body") }
            return first
        }
    }
}

/// One event's outcome in `POST /v1/events` (R39): `charged` with the result, `duplicate` with
/// the first result, or `refused` with the message.
struct EventJSON: Encodable, Sendable {
    let index: Int
    let id: String
    let status: String
    let result: UsageResultJSON?
    let error: String?

    init(index: Int, id: String, outcome: EventOutcome) {
        self.index = index
        self.id = id
        switch outcome {
        case .recorded(let result):
            status = result.duplicate ? "duplicate" : "charged"
            self.result = UsageResultJSON(result)
            error = nil
        case .refused(let message):
            status = "refused"
            result = nil
            error = message
        }
    }

    /// Writes the outcome as `JSONEncoder` (keys sorted) would, without its cost (a served event's
    /// answer took it longer to encode than the rest of the answer).
    func write(into json: inout JSONBytes) {
        json.openObject()
        json.field("error", error)
        json.key("id"); json.string(id)
        json.key("index"); json.int(index)
        if let result { json.key("result"); result.write(into: &json) }
        json.key("status"); json.string(status)
        json.closeObject()
    }

    /// A batch's answer: `{"results": [...]}`.
    static func batch(_ results: [EventJSON]) -> JSONBytes {
        var json = JSONBytes(capacity: 512 * results.count)
        json.openObject()
        json.key("results")
        json.openArray()
        for result in results { result.write(into: &json) }
        json.closeArray()
        json.closeObject()
        return json
    }
}
