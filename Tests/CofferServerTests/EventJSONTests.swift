@testable import CofferServer
@testable import CofferStore
import CofferPresentation
import Foundation
import Testing

/// R39: `POST /v1/events` answers with the bytes `JSONEncoder` would write for the same outcomes
/// (keys sorted, an absent field left out), single and in batches.
@Suite("Events' answers (R39)")
struct EventJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let outcomes: [EventJSON] = {
        let charged = UsageResult(eventID: "e-1", service: "gpt-4o", member: "ada@acme.test", credits: 15, units: 0, value: 15,
                                  wallets: ["team_pool"], draws: [.init(wallet: "team_pool", asset: "credits", grant: 4, amount: 15)],
                                  balance: 1_000, unlimited: false, recharge: nil, duplicate: false)
        var again = charged
        again.duplicate = true
        return [EventJSON(index: 0, id: "e-1", outcome: .recorded(charged)), EventJSON(index: 1, id: "e-1", outcome: .recorded(again)),
                EventJSON(index: 2, id: "x/\"y\"", outcome: .refused("Insufficient credits: balance $8.000, needed $12.000")),
                EventJSON(index: 999, id: "😀\n", outcome: .refused("Credit limit reached: you have used $45.000 of your $50.000 limit this period"))]
    }()

    @Test("Charged, duplicate and refused, one at a time: JSONEncoder's bytes", arguments: outcomes)
    func single(outcome: EventJSON) throws {
        var json = JSONBytes()
        outcome.write(into: &json)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try Self.encoder.encode(outcome), as: UTF8.self))
    }

    @Test("A batch of them, and an empty one: JSONEncoder's bytes")
    func batch() throws {
        for results in [Self.outcomes, [], [Self.outcomes[2]]] {
            #expect(String(decoding: EventJSON.batch(results).bytes, as: UTF8.self)
                    == String(decoding: try Self.encoder.encode(["results": results]), as: UTF8.self))
        }
    }
}
