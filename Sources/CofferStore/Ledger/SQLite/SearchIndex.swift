/// The conversations' trigram index (SPEC §7 search) is caught up in batches at the end of a write
/// transaction, never per charge line (it was a third of a debit's work, and touching a virtual
/// table early would make every later statement of the transaction open a savepoint on it). A
/// search reads the index for what it holds and scans the short tail of newer conversations, so
/// its results are always complete (`UsageQueries`).
enum SearchIndex {
    /// How many new conversations wait before a write transaction indexes them.
    static let batch: Int64 = 512

    /// Indexes the conversations added since the last catch-up, once at least `atLeast` wait.
    static func catchUp(_ sql: any StorageConnection, atLeast: Int64 = batch) throws {
        let indexed = try sql.metaInt("search_indexed") ?? 0
        guard let newest = try sql.int("SELECT max(id) FROM conversations"), newest - indexed >= max(1, atLeast) else { return }
        try sql.run("""
            INSERT INTO conversation_search(rowid, conversation_id, title, creator)
            SELECT id, conversation_id, title, creator FROM conversations WHERE id > ? ORDER BY id
            """, .int(indexed))
        try sql.setMeta("search_indexed", String(newest))
    }
}

