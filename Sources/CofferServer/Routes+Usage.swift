import CofferCore
import CofferPresentation
import CofferStore
import Foundation
import Hummingbird

extension Routes {
    /// The usage tabs, their summaries and the billing detail sheet (R39, SPEC §7–8), with §8's
    /// filters as query parameters and keyset paging by `after`.
    static let usageEndpoints: [Endpoint] = [
        Endpoint(method: .get, path: "/v1/usage/{tab}") { routes, request, context in
            let query = try usageQuery(request, context, extra: ["sort", "limit", "after"])
            let limit = try request.uri.queryParameters["limit"].map { text -> Int in
                guard let limit = Int(text), (1...1_000).contains(limit) else { throw APIError(.badRequest, "limit takes 1 to 1,000") }
                return limit
            } ?? 50
            let after = try request.uri.queryParameters["after"].map { text -> UsageCursor in
                guard let cursor = UsageCursor(text: String(text)) else { throw APIError(.badRequest, "after takes the next cursor of a previous page") }
                return cursor
            }
            return try await routes.read(request) { holder in
                let page = try UsageQueries(routes.store).page(query.tab, filter: query.filter(now: routes.store.now), sort: query.sortOrder(),
                                                               after: after, limit: limit, actor: holder.actor)
                return try JSONBody.response(UsagePageJSON(page, tab: query.tab))
            }
        },
        Endpoint(method: .get, path: "/v1/usage/{tab}/summary") { routes, request, context in
            let query = try usageQuery(request, context, extra: [])
            return try await routes.read(request) { holder in
                try JSONBody.response(UsageSummaryJSON(UsageQueries(routes.store).summary(query.tab, filter: query.filter(now: routes.store.now),
                                                                                          actor: holder.actor)))
            }
        },
        Endpoint(method: .get, path: "/v1/usage/conversations/{id}", pattern: "/v1/usage/{tab}/{id}") { routes, request, context in
            let conversation = try pathParameter("id", context)
            guard try pathParameter("tab", context) == "conversations" else {
                throw APIError(.notFound, "Only conversations have a billing detail sheet (GET /v1/usage/conversations/{id})")
            }
            return try await routes.read(request) { holder in
                try JSONBody.response(UsageQueries(routes.store).detail(conversation: conversation, actor: holder.actor).map(ChargeLineJSON.init))
            }
        },
    ]

    /// §8's filters from the query string: unknown parameters, a bad tab, date, quick pick or
    /// sort are a 400 naming what is valid.
    static func usageQuery(_ request: Request, _ context: BasicRequestContext, extra: Set<String>) throws -> UsageQuery {
        let tabText = (try? context.parameters.require("tab")) ?? "conversations"
        guard let tab = UsageTab(rawValue: tabText) else {
            throw APIError(.notFound, "Usage tabs are \(UsageTab.allCases.map(\.rawValue).joined(separator: ", ")) (not \(CofferError.quote(tabText)))")
        }
        let parameters = request.uri.queryParameters
        let known = Set(["from", "to", "last", "search", "type", "api_key"]).union(extra)
        if let unknown = parameters.map({ String($0.key) }).sorted().first(where: { !known.contains($0) }) {
            throw APIError(.badRequest, "unknown query parameter \(CofferError.quote(unknown)) (this endpoint takes \(known.sorted().joined(separator: ", ")))")
        }
        func text(_ name: String) -> String? { parameters[Substring(name)].map(String.init) }
        let query = UsageQuery(tab: tab, from: text("from"), to: text("to"), last: text("last"), search: text("search"),
                               type: text("type"), apiKey: text("api_key"), sort: text("sort"))
        if query.last != nil, query.from != nil || query.to != nil { throw APIError(.badRequest, "Use last or from/to, not both") }
        do {
            try query.validate()
            _ = try query.filter(now: 0)
        } catch let error as CofferError {
            throw APIError(.badRequest, error.message)
        }
        return query
    }
}
