@testable import CofferStore
import CofferCore
import Foundation
import StoreUnderTest
import Testing

/// The dashboard's change token (SPEC §9 "Live", §13): it moves whenever a commit, in this process or
/// another, changes what the workspace's dashboard shows — on PostgreSQL even when the commit's ids
/// are older than ids another team's transaction already committed (R42's parallel writers).
@Suite("Change token (SPEC §9 Live, §13)")
struct ChangeTokenTests {
    @Test("SPEC §9: the token moves on a consume and on a member's change, and stays put across reads")
    func movesOnWrites() throws {
        let (_, store, ada) = try ConsumptionTests.team(pool: 100_000)
        let start = try store.changeToken(workspace: ada.workspaceID)
        _ = try Balances(store).report(for: ada)
        #expect(try store.changeToken(workspace: ada.workspaceID) == start, "a read changes nothing")
        _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: .whole(1))
        let consumed = try store.changeToken(workspace: ada.workspaceID)
        #expect(consumed != start)
        try Members(store).setAccess(actor: ada, email: "bob@acme.test", access: .personal)
        #expect(try store.changeToken(workspace: ada.workspaceID) != consumed)
    }

    @Test("SPEC §13, R42: a team's usage committed after another team's later-numbered usage still moves its dashboard's token",
          .enabled(if: StoreUnderTest.isPostgres, "PostgreSQL's writers of different workspaces run at once; SQLite's never do"))
    func outOfOrderCommit() throws {
        let (fixture, store, ada) = try ConsumptionTests.team(pool: 100_000)
        _ = try ConsumptionTests.use(store, ada, "gpt-4o", credits: .whole(1), id: "seed")
        let other = try Workspaces(store).create(name: "Beta", owner: "zed@beta.test")
        // Usage rows that record no entry (as an unlimited allowance's do, R33): copies of the seed row.
        func copy(as key: String, into workspace: Int64) -> String {
            """
            CREATE TEMP TABLE copied AS SELECT * FROM usage_events WHERE event_key = 'seed';
            UPDATE copied SET id = nextval(pg_get_serial_sequence('usage_events', 'id')), event_key = '\(key)', workspace_id = \(workspace);
            INSERT INTO usage_events SELECT * FROM copied;
            """
        }
        let first = try PostgresConnection(url: fixture.path, shownAs: fixture.path)
        let second = try PostgresConnection(url: fixture.path, shownAs: fixture.path)
        try first.execute("BEGIN; " + copy(as: "taken-first", into: ada.workspaceID))
        try second.execute("BEGIN; " + copy(as: "taken-second", into: other.id) + "COMMIT;")
        let before = try store.changeToken(workspace: ada.workspaceID)
        try first.execute("COMMIT")
        let late = try fixture.rawWrite { sql in
            try sql.all("SELECT id FROM usage_events WHERE event_key IN ('taken-first', 'taken-second') ORDER BY event_key") { $0.int(0) }
        }
        #expect(late.count == 2 && late[0] < late[1], "the row committed last took the smaller id")
        #expect(try store.changeToken(workspace: ada.workspaceID) != before, "Acme's late commit is seen")
    }
}
