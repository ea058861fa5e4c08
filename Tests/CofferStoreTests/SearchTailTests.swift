@testable import CofferStore
import CofferCore
import Foundation
import StoreUnderTest
import Testing

/// The trigram index catches up in batches (SPEC §11): a search reads the index for what it holds
/// and scans the newer tail, so its results stay complete (SPEC §7).
@Suite("Search over the index and its tail (SPEC §7, §11)")
struct SearchTailTests {
    @Test("SPEC §7: a search finds indexed and not-yet-indexed conversations alike, for owners and members")
    func indexedAndTail() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        try OperatorActions(store).adjust(workspace: try Workspaces(store).workspace(nil), amount: .whole(1_000), reason: "float")
        // One import of more than a batch: indexed when its transaction ends.
        let count = Int(SearchIndex.batch) + 40
        let lines = (0..<count).map { #"{"id": "e\#($0)", "service": "gpt-4o", "conversation": "c\#($0)", "title": "\#($0 % 7 == 0 ? "Rocket" : "Plain") plan \#($0)"}"# }
        let file = fixture.folder.appendingPathComponent("batch.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        #expect(try Usage(store).importFile(actor: ada, path: file.path).inserted == count)
        // How far the catch-up index has got: SQLite's FTS5 table only (PostgreSQL's pg_trgm indexes
        // are kept by the server as each row is written, so there is no tail and no such mark).
        func indexed() throws -> Int64? {
            try store.snapshot { try $0.int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'") }
        }
        let indexedBefore = try indexed()
        if StoreUnderTest.isSQLite { #expect(indexedBefore == Int64(count), "the batch was indexed") }
        // A few more, one by one: they wait in the tail.
        for n in 0..<5 {
            var request = UsageRequest(eventID: "t\(n)", service: "gpt-4o")
            request.conversationID = "t\(n)"
            request.title = n % 2 == 0 ? "ROCKET launch \(n)" : "Other \(n)"
            _ = try Usage(store).consume(actor: ada, request: request)
        }
        if StoreUnderTest.isSQLite { #expect(try indexed() == indexedBefore, "the tail waits") }
        let expected = Set((0..<count).filter { $0 % 7 == 0 }.map { "c\($0)" } + ["t0", "t2", "t4"])
        let found = Set(try UsageQueries(store).all(.conversations, filter: UsageFilter(search: "rocket"), actor: ada).map(\.key))
        #expect(found == expected)
        let summary = try UsageQueries(store).summary(.conversations, filter: UsageFilter(search: "rocket"), actor: ada)
        #expect(summary.count == Int64(expected.count))
        // Owners search by creator too (R7), in the index and in the tail alike.
        #expect(try UsageQueries(store).all(.conversations, filter: UsageFilter(search: "ada@acme"), actor: ada).count == count + 5)
    }
}
