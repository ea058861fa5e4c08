@testable import CofferStore
import CofferCore
import StoreUnderTest
import Testing

/// The conversations' rollups written at commit (`PendingRollups.flush`, SPEC §7): each upsert
/// must come back with its row's id — whether it created the row or added to it — so that the
/// conversation's days land on it, new days inserted and linked to the day before. SQLite reads a
/// created row's id from the connection's last inserted id; PostgreSQL returns it.
@Suite("Conversation rollups at commit (SPEC §7)")
struct ConversationRollupTests {
    /// A line of a conversation: its name, UTC day and messages (whole).
    typealias Line = (conversation: String, day: Int64, messages: Int64)

    let fixture: StoreFixture
    let store: CofferStore
    let workspace: Int64, user: Int64

    init() throws {
        fixture = try StoreFixture()
        store = try fixture.open()
        _ = try Workspaces(store).create(name: "Acme", owner: "ada@acme.test")
        let ada = try Workspaces(store).actor(email: "ada@acme.test", workspace: nil)
        (workspace, user) = (ada.workspaceID, ada.userID)
    }

    /// One transaction's lines, through the pending rollups as the consumption engine adds them;
    /// `before` runs first in the same transaction.
    private func commit(_ lines: [Line], before: (any StorageConnection) throws -> Void = { _ in }) throws {
        try store.write { tx in
            try before(tx.sql)
            for line in lines {
                tx.rollups.conversation(.init(workspace: workspace, conversation: line.conversation, billingType: "message"), user: user,
                                        creator: "ada@acme.test", title: "Title \(line.conversation)", messages: line.messages * 1_000,
                                        credits: line.messages * 15, at: line.day * UTC.day + 3_600, day: line.day)
            }
            tx.recordedUsage = true
        }
    }

    /// Conversations in id order with their messages; each conversation's days with messages and
    /// previous day; the conversations counted per day.
    private func stored() throws -> (conversations: [String], days: [String], counts: [String]) {
        try store.snapshot { sql in
            (try sql.all("SELECT conversation_id, messages FROM conversations ORDER BY id") { "\($0.text(0)):\($0.int(1) / 1_000)" },
             try sql.all("""
                SELECT c.conversation_id, d.day, d.messages, d.prev_day FROM conversation_days d JOIN conversations c ON c.id = d.conversation
                ORDER BY c.conversation_id, d.day
                """) { "\($0.text(0))@\($0.int(1)):\($0.int(2) / 1_000) after \($0.optionalInt(3).map(String.init) ?? "-")" },
             try sql.all("SELECT day, conversations FROM conversation_day_counts WHERE workspace_id = ? ORDER BY day", .int(workspace)) {
                 "\($0.int(0)):\($0.int(1))"
             })
        }
    }

    @Test("New and stored conversations, new and known days, a day before a later one: each on its own row")
    func newAndStored() throws {
        try commit([("a", 10, 2), ("b", 10, 1), ("c", 10, 1), ("c", 12, 4), ("a", 10, 1)])
        try commit([("b", 11, 5), ("d", 11, 1), ("a", 10, 3), ("c", 11, 2)])
        let (conversations, days, counts) = try stored()
        #expect(conversations == ["a:6", "b:6", "c:7", "d:1"]) // ids in first-seen order
        #expect(days == ["a@10:6 after -", "b@10:1 after -", "b@11:5 after 10", "c@10:1 after -", "c@11:2 after 10", "c@12:4 after 11",
                         "d@11:1 after -"])
        #expect(counts == ["10:3", "11:3", "12:1"])
    }

    @Test("SQLite: a created conversation is told from an updated one when its id is the one the last insert into another table got",
          .enabled(if: StoreUnderTest.isSQLite, "SQLite's last inserted id"))
    func sameIDAsTheLastInsert() throws {
        try commit([("a", 10, 1), ("b", 10, 1)])
        // The next conversation's id is 3: the last insert before the flush gets 3 too.
        try commit([("a", 11, 2), ("e", 11, 4), ("b", 10, 1)]) { sql in
            try sql.run("CREATE TEMP TABLE IF NOT EXISTS other(x)")
            try sql.run("INSERT INTO other(rowid, x) VALUES ((SELECT max(id) + 1 FROM conversations), 0)")
            #expect(sql.lastInsertedID == 3)
        }
        let (conversations, days, counts) = try stored()
        #expect(conversations == ["a:3", "b:2", "e:4"])
        #expect(days == ["a@10:1 after -", "a@11:2 after 10", "b@10:2 after -", "e@11:4 after -"])
        #expect(counts == ["10:2", "11:2"])
    }
}
