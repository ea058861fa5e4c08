import CofferCore

/// `coffer migrate --to postgres://…` (R43): copies a ledger whole — every row of every table,
/// ids, hashes and the chain head byte for byte — into an empty PostgreSQL database, in one
/// transaction there, from one read snapshot here. A target that holds any table is refused
/// before anything is written to it.
public struct LedgerCopy: Sendable {
    let store: CofferStore

    /// A copy from `store` (usually an SQLite file).
    public init(from store: CofferStore) { self.store = store }

    /// What a copy moved.
    public struct Report: Sendable {
        /// Rows copied, over all tables.
        public let rows: Int
        /// Tables copied.
        public let tables: Int
    }

    /// The tables in an order that satisfies every foreign key (a row's references are copied first).
    static let tables = [
        "meta", "users", "workspaces", "members", "accounts", "grants", "entries", "ledger_head", "adjustments", "audit_log",
        "subscriptions", "cards", "invoices", "seats", "member_spend", "usage_events", "api_keys", "whitelist", "recharge_settings",
        "recharge_spend", "recharge_log", "alerts", "conversations", "conversation_days", "member_limits", "facts_version",
        "usage_daily", "account_days", "conversation_day_counts",
    ]

    /// Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters in one).
    static let rowsPerStatement = 200

    /// Copies the ledger into the empty database at `url`, whose schema it creates.
    public func copy(to url: String) throws -> Report {
        guard PostgresURL.names(url) else { throw CofferError("--to needs a PostgreSQL URL (postgres://USER@HOST/DB), not \(CofferError.quote(url))") }
        let shown = PostgresURL.redacted(url)
        try Self.requireEmpty(url: url, shown: shown)
        let target = try PostgresStore(url: url, seal: store.seal, create: true, readOnly: false)
        defer { try? target.close() }
        let report = try store.snapshot { source in
            try target.write(.ledger) { destination in
                let schema = try Self.columns(destination)
                let unknown = Set(schema.keys).subtracting(Self.tables).subtracting(["coffer_migrations"])
                guard unknown.isEmpty else { throw CofferError("The copy does not know the tables \(unknown.sorted().joined(separator: ", "))") }
                // The schema's own first rows (the seal, the facts counter) come from the source instead.
                try destination.run("DELETE FROM meta", [])
                try destination.run("DELETE FROM facts_version", [])
                var rows = 0
                for table in Self.tables {
                    guard let columns = schema[table] else { throw CofferError("The target has no table \(table)") }
                    rows += try Self.copy(table, columns: columns, from: source, to: destination)
                    if columns.contains(where: { $0.name == "id" }), table != "ledger_head", table != "facts_version" {
                        // Identity columns continue after the copied ids.
                        try destination.run("""
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)
                            """, [])
                    }
                }
                return Report(rows: rows, tables: Self.tables.count)
            }
        }
        // Statistics and the visibility map now, not when autovacuum gets to the new tables: the
        // first tab reads of a million records would otherwise plan without statistics, then
        // compete with autovacuum for the machine.
        try target.vacuumAnalyze()
        return report
    }

    /// Refuses a target that already holds tables (it is left untouched).
    private static func requireEmpty(url: String, shown: String) throws {
        guard try !Backends.isOccupied(url) else {
            throw CofferError("\(shown) is not empty: a ledger is copied only into an empty database (nothing was written)")
        }
    }

    /// A column of the target and the type its values are bound as.
    struct Column {
        let name: String
        let type: BindType
    }

    /// The target's tables and their columns in order.
    private static func columns(_ sql: any StorageConnection) throws -> [String: [Column]] {
        var tables: [String: [Column]] = [:]
        try sql.each("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
            """, []) { row in
            let type: BindType = switch row.text(2) {
            case "bigint", "integer", "smallint": .int
            case "bytea": .blob
            default: .text
            }
            tables[row.text(0), default: []].append(Column(name: row.text(1), type: type))
            return true
        }
        return tables
    }

    /// Copies one table's rows in multi-row INSERTs; returns how many.
    private static func copy(_ table: String, columns: [Column], from source: any StorageConnection,
                             to destination: any StorageConnection) throws -> Int {
        let names = columns.map(\.name).joined(separator: ", ")
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var pending: [Bind] = [], pendingRows = 0, copied = 0
        func flush() throws {
            guard pendingRows > 0 else { return }
            let values = Array(repeating: placeholders, count: pendingRows).joined(separator: ", ")
            try destination.run("INSERT INTO \(table) (\(names)) VALUES \(values)", pending)
            copied += pendingRows
            pending.removeAll(keepingCapacity: true)
            pendingRows = 0
        }
        try source.each("SELECT \(names) FROM \(table)", []) { row in
            for (index, column) in columns.enumerated() {
                let at = Int32(index)
                switch (row.storedType(at), column.type) {
                case (.null, let type): pending.append(.null(type))
                case (_, .int): pending.append(.int(row.int(at)))
                case (_, .blob): pending.append(.blob(row.bytes(at)))
                case (_, .text): pending.append(.text(row.text(at)))
                }
            }
            pendingRows += 1
            if pendingRows == rowsPerStatement { try flush() }
            return true
        }
        try flush()
        return copied
    }
}
