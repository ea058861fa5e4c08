import CofferCore

/// Runs `PostgresSchema`'s migrations forward, recording each in `coffer_migrations` (SQLite's
/// `grdb_migrations`), inside the transaction that holds the writer lock.
enum PostgresMigrations {
    /// Whether the database holds a ledger whose schema this build knows whole (nothing to migrate).
    /// A newer schema is refused here as in `migrate`.
    static func isCurrent(_ sql: PostgresConnection, location: String) throws -> Bool {
        guard try sql.exists("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'coffer_migrations'") else {
            return false
        }
        let done = Set(try sql.all("SELECT identifier FROM coffer_migrations", []) { $0.text(0) })
        let known = Set(PostgresSchema.migrations.map(\.identifier))
        let unknown = done.subtracting(known).sorted()
        guard unknown.isEmpty else {
            throw CofferError("\(location) was written by a newer Coffer (schema \(unknown.joined(separator: ", "))): upgrade Coffer to open it")
        }
        return done == known
    }

    /// Brings the database's schema up to date; see `PostgresStore.init` for what it refuses.
    static func migrate(_ sql: PostgresConnection, seal: LedgerSeal, create: Bool, readOnly: Bool, location: String) throws {
        let hasLedger = try sql.exists("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'coffer_migrations'")
        if !hasLedger {
            guard try !sql.exists(PostgresSchema.occupiedQuery) else {
                throw CofferError("\(location) is not a Coffer database")
            }
            guard create else {
                throw CofferError("No ledger in \(location): create a workspace first (coffer workspace create NAME --owner EMAIL)")
            }
            guard !readOnly else { throw CofferError("\(location) has no ledger, and it is opened read-only") }
            try sql.execute("CREATE TABLE coffer_migrations (identifier TEXT PRIMARY KEY)")
        }
        let done = Set(try sql.all("SELECT identifier FROM coffer_migrations", []) { $0.text(0) })
        let known = PostgresSchema.migrations.map(\.identifier)
        let unknown = done.subtracting(known).sorted()
        guard unknown.isEmpty else {
            throw CofferError("\(location) was written by a newer Coffer (schema \(unknown.joined(separator: ", "))): upgrade Coffer to open it")
        }
        let missing = PostgresSchema.migrations.filter { !done.contains($0.identifier) }
        guard !missing.isEmpty else { return }
        guard !readOnly else { throw CofferError("\(location) needs an upgrade, but it is opened read-only") }
        for migration in missing {
            try sql.execute(migration.sql)
            try sql.run("INSERT INTO coffer_migrations(identifier) VALUES (?)", [.text(migration.identifier)])
        }
        if !hasLedger {
            try sql.run("INSERT INTO meta(key, value) VALUES ('ledger_seal', ?), ('ledger_key_check', ?)",
                        [.text(seal.mode), .text(seal.keyCheck)])
        }
    }
}
