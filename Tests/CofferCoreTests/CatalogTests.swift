import CofferCore
import Foundation
import Testing

@Suite("Catalog (R9, R9a, R28)")
struct CatalogTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../assets/plans.json").standardized

    static func load() throws -> Catalog {
        try Catalog.load(json: Data(contentsOf: shipped), source: "plans.json")
    }

    @Test("R9: the shipped catalog has the six tiers and the services of R28")
    func shippedCatalog() throws {
        let catalog = try Self.load()
        #expect(catalog.plans.map(\.tier) == ["free", "starter", "pro", "scale", "business", "enterprise"])
        let pro = try #require(catalog.plan("pro"))
        #expect(pro.pricePerSeatMonthCents == 9_900)
        #expect(pro.selfServeSeats)
        #expect(catalog.plan("business")?.selfServeSeats == false)
        #expect(catalog.plan("enterprise")?.selfServeSeats == false)
        #expect(catalog.plan("starter")?.maxSeats == 1)
        #expect(catalog.freePlan.workspaceGrant > .zero)
        let kinds = Set(catalog.services.map(\.kind))
        #expect(kinds == Set(ServiceKind.allCases))
        for slug in ["brand-import", "product-import", "mentorship-hour", "event-ticket", "mcp-http-call"] {
            #expect(catalog.service(slug) != nil, "missing \(slug)")
        }
    }

    @Test("R9a: Pro gives the team 100 mentorship hours and the primary owner 10 of their own")
    func allowanceItems() throws {
        let pro = try #require(try Self.load().plan("pro"))
        let hours = pro.allowances.filter { $0.service == "mentorship-hour" }
        #expect(hours.contains(AllowanceItem(service: "mentorship-hour", amount: .whole(100), isTeamAllowed: true)))
        #expect(hours.contains(AllowanceItem(service: "mentorship-hour", amount: .whole(10), isTeamAllowed: false)))
        let scale = try #require(try Self.load().plan("scale"))
        #expect(scale.allowances.contains { $0.service == "event-ticket" && $0.isUnlimited })
    }

    @Test("R9: a malformed catalog names the file and the field", arguments: [
        (#"{"services": [], "plans": "x"}"#, "Catalog ops.json: plans: expected Array<Any>"),
        (#"{"services": []}"#, "Catalog ops.json: plans: missing"),
        ("not json", "Catalog ops.json: not valid JSON"),
        (#"{"services": [{"slug": "a", "name": "A", "kind": "teleport", "unit": "u", "unit_price": "1"}], "plans": []}"#,
         "Catalog ops.json: services[0].kind: one of conversation_message, image_generation, video_generation, mcp_http_call, import_job, consumable"),
        (#"{"services": [{"slug": "a", "name": "A", "kind": "consumable", "unit": "u", "unit_price": "1.2345"}], "plans": []}"#,
         "Catalog ops.json: services[0].unit_price: Amounts have at most three decimals: 1.2345"),
        (#"{"services": [], "plans": []}"#, #"Catalog ops.json: plans: a plan with tier "free" is required (every workspace starts on it)"#),
    ])
    func malformed(json: String, message: String) {
        #expect(throws: CofferError(message)) { try Catalog.load(json: Data(json.utf8), source: "ops.json") }
    }

    @Test("R9: a plan field error names the plan's index and field")
    func planFieldError() throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.shipped)) as! [String: Any]
        var plans = object["plans"] as! [[String: Any]]
        plans[2]["monthly_credits_per_seat"] = "ten"
        object["plans"] = plans
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: CofferError("Catalog x.json: plans[2].monthly_credits_per_seat: Not an amount: ten")) {
            try Catalog.load(json: data, source: "x.json")
        }
        plans[2]["monthly_credits_per_seat"] = "1"
        plans[2]["allowances"] = [["service": "nope", "amount": "1", "is_team_allowed": true]]
        object["plans"] = plans
        #expect(throws: CofferError("Catalog x.json: plans[2].allowances[0].service: unknown service nope")) {
            try Catalog.load(json: JSONSerialization.data(withJSONObject: object), source: "x.json")
        }
    }
}
