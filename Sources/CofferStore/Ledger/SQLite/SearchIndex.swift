/// The conversations' trigram index (SPEC §7 search) is caught up once per write transaction,
/// not per charge line: touching a virtual table early would make every later statement of the
/// transaction open a savepoint on it.
enum SearchIndex {
    /// Indexes the conversations added since the last catch-up.
    static func catchUp(_ sql: any StorageConnection) throws {
        let indexed = try sql.int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'") ?? 0
        guard let newest = try sql.int("SELECT max(id) FROM conversations"), newest > indexed else { return }
        try sql.run("""
            INSERT INTO conversation_search(rowid, conversation_id, title, creator)
            SELECT id, conversation_id, title, creator FROM conversations WHERE id > ? ORDER BY id
            """, .int(indexed))
        try sql.run("INSERT INTO meta(key, value) VALUES ('search_indexed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    .text(String(newest)))
    }
}

