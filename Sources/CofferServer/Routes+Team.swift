import CofferCore
import CofferPresentation
import CofferStore
import Foundation
import Hummingbird

extension Routes {
    /// Members, the caller's own access switch, and seed 003's billing team (R39).
    static let teamEndpoints: [Endpoint] = [
        Endpoint(method: .get, path: "/v1/members") { routes, request, _ in
            try await routes.read(request) { holder in try JSONBody.response(Members(routes.store).list(actor: holder.actor).map(MemberJSON.init)) }
        },
        Endpoint(method: .put, path: "/v1/members/{email}") { routes, request, context in
            let email = try pathParameter("email", context)
            let fields = try BodyFields(try await routes.body(of: request), allowed: ["access", "limit", "multiplier"])
            var changes = MemberChanges()
            if let access = try fields.string("access") {
                guard let type = AccessType(rawValue: access) else {
                    throw APIError(.badRequest, "access: seat, credits or personal (not \(CofferError.quote(access)))")
                }
                changes.access = type
            }
            changes.limit = try fields.nullableString("limit").map { try $0.map { try BodyFields.parseAmount($0, "limit") } }
            changes.multiplier = try fields.integer("multiplier")
            return try await routes.read(request) { [changes] holder in
                try JSONBody.response(MemberJSON(Members(routes.store).update(actor: holder.actor, email: email, changes: changes)))
            }
        },
        Endpoint(method: .post, path: "/v1/access/{direction}") { routes, request, context in
            let direction = try pathParameter("direction", context)
            guard direction == "personal" || direction == "team" else {
                throw APIError(.notFound, "Access is personal or team (not \(CofferError.quote(direction)))")
            }
            return try await routes.read(request) { holder in
                let access = try Members(routes.store).switchSelf(actor: holder.actor, toPersonal: direction == "personal")
                return try JSONBody.response(["email": holder.actor.email, "access": access.rawValue])
            }
        },
        Endpoint(method: .get, path: "/v1/billing-team") { routes, request, _ in
            try await routes.read(request) { holder in try JSONBody.response(BillingTeamJSON(BillingTeam(routes.store).show(actor: holder.actor))) }
        },
        Endpoint(method: .put, path: "/v1/billing-team") { routes, request, _ in
            let fields = try BodyFields(try await routes.body(of: request),
                                        allowed: ["auto_recharge_enabled", "recharge_threshold_amount", "recharge_amount", "max_period_spend"])
            let enabled = try fields.bool("auto_recharge_enabled")
            let threshold = try fields.amount("recharge_threshold_amount")
            let amount = try fields.amount("recharge_amount")
            let cap = try fields.nullableString("max_period_spend").map { try $0.map { try BodyFields.parseAmount($0, "max_period_spend") } }
            return try await routes.read(request) { holder in
                _ = try TeamSettings(routes.store).setRecharge(actor: holder.actor, seatEmail: nil, enabled: enabled, threshold: threshold,
                                                               amount: amount, maxPeriodSpend: cap)
                return try JSONBody.response(BillingTeamJSON(BillingTeam(routes.store).show(actor: holder.actor)))
            }
        },
        Endpoint(method: .get, path: "/v1/billing-team/seats") { routes, request, _ in
            try await routes.read(request) { holder in try JSONBody.response(Seats(routes.store).list(actor: holder.actor).map(SeatJSON.init)) }
        },
        Endpoint(method: .put, path: "/v1/billing-team/seats") { routes, request, _ in
            let fields = try BodyFields(try await routes.body(of: request), allowed: ["add_seats", "replace_seats"])
            let additions = try fields.strings("add_seats") ?? []
            let replacements = try (fields.objects("replace_seats", allowed: ["from", "to"]) ?? []).enumerated().map { index, item in
                guard let from = try item.string("from"), let to = try item.string("to") else {
                    throw APIError(.badRequest, "replace_seats[\(index)]: give from and to")
                }
                return (from: from, to: to)
            }
            guard additions.count + replacements.count <= 1_000 else { throw APIError(.contentTooLarge, "At most 1,000 seat items at a time") }
            return try await routes.read(request) { holder in
                let seats = Seats(routes.store)
                var results = additions.isEmpty ? [] : try seats.add(actor: holder.actor, emails: additions)
                if !replacements.isEmpty { results += try seats.replace(actor: holder.actor, pairs: replacements) }
                return try JSONBody.response(["results": results.map(SeatItemJSON.init)])
            }
        },
        Endpoint(method: .delete, path: "/v1/billing-team/seats/{email}") { routes, request, context in
            let email = try pathParameter("email", context)
            return try await routes.read(request) { holder in
                try Seats(routes.store).remove(actor: holder.actor, email: email)
                return try JSONBody.response(SeatItemJSON(SeatItemResult(item: email, error: nil)))
            }
        },
    ]

    /// A path parameter, percent-decoded (`ada%40acme.test` is `ada@acme.test`).
    static func pathParameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw APIError(.badRequest, "\(name): not a valid path segment")
        }
        return decoded
    }
}
