/// The ledger's own facts in `meta` (a key and its text): when settlement last ran
/// (`settled_until`), how far the search index reaches (`search_indexed`), the seal's mode.
extension StorageConnection {
    /// The integer kept under `key`; nil when there is none.
    func metaInt(_ key: String) throws -> Int64? {
        // BIGINT, not INTEGER: PostgreSQL's INTEGER is 32 bits; SQLite reads either as an integer.
        try int("SELECT CAST(value AS BIGINT) FROM meta WHERE key = ?", .text(key))
    }

    /// Keeps `value` under `key`, replacing what was there.
    func setMeta(_ key: String, _ value: String) throws {
        try run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                .text(key), .text(value))
    }
}
