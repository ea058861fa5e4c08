@testable import CofferStore
import GRDB
import StoreUnderTest
import Testing

/// What the SQLite writer binds is what is stored: texts and blobs are bound in place from one
/// buffer (`Statement.withBound`), so each value must land in its own column, whole, with the
/// same types and NULLs as before, however the values mix and whatever ran before.
@Suite("Binding texts and blobs in place (SQLite)", .enabled(if: StoreUnderTest.isSQLite, "the SQLite writer's binding"))
struct StatementBindingTests {
    /// (values bound, what each column reads back as: typeof and value).
    static let cases: [([Bind], [String])] = [
        ([.text(""), .blob([]), .text("é"), .int(7)], ["text:", "null:", "text:é", "integer:7"]),
        ([.text("a\u{0}b"), .blob([0, 1, 2]), .null(.text), .text("a longer text that is not a small string")],
         ["text:a", "blob:000102", "null:", "text:a longer text that is not a small string"]),
        ([.text("🙂 ok"), .text(""), .blob([255]), .text("x")], ["text:🙂 ok", "text:", "blob:FF", "text:x"]),
        ([.int(-1), .null(.int), .text("tail"), .blob(Array(repeating: 42, count: 100))],
         ["integer:-1", "null:", "text:tail", "blob:" + String(repeating: "2A", count: 100)]),
    ]

    @Test("Each value reads back as bound, in one statement after another on the same prepared statement")
    func roundTrip() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let sqlite = try #require(store.sqlite)
        try sqlite.database.write { db in
            try db.execute(sql: "CREATE TEMP TABLE bound (a ANY, b ANY, c ANY, d ANY)")
            let insert = try db.cachedStatement(sql: "INSERT INTO bound VALUES (?, ?, ?, ?)")
            for (values, _) in Self.cases { try insert.run(values) }
            // Fewer values than parameters: the rest are NULL, not what the last run bound.
            try insert.run([.text("only")])
        }
        let read = try sqlite.database.write { db in
            try Row.fetchAll(db, sql: """
                SELECT typeof(a) || ':' || CASE typeof(a) WHEN 'blob' THEN hex(a) ELSE ifnull(a, '') END,
                       typeof(b) || ':' || CASE typeof(b) WHEN 'blob' THEN hex(b) ELSE ifnull(b, '') END,
                       typeof(c) || ':' || CASE typeof(c) WHEN 'blob' THEN hex(c) ELSE ifnull(c, '') END,
                       typeof(d) || ':' || CASE typeof(d) WHEN 'blob' THEN hex(d) ELSE ifnull(d, '') END
                FROM bound ORDER BY rowid
                """).map { row in (0..<4).map { row[$0] as String } }
        }
        #expect(read == Self.cases.map(\.1) + [["text:only", "null:", "null:", "null:"]])
    }

    @Test("A query reads its bound texts for every row it steps through")
    func eachKeepsTheBuffer() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let sqlite = try #require(store.sqlite)
        let rows = try sqlite.database.write { db -> [String] in
            let query = try db.cachedStatement(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) SELECT ? || i || ? FROM n
                """)
            var rows: [String] = []
            try query.each([.text("a text long enough to live on the heap "), .text("!")]) { row in
                rows.append(row.text(0))
                return true
            }
            return rows
        }
        #expect(rows == (1...50).map { "a text long enough to live on the heap \($0)!" })
    }
}
