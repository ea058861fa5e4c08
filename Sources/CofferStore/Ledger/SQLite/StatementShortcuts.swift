import GRDB

/// The writer connection's prepared statements found without hashing their SQL: GRDB's cache
/// hashes the whole text on every call (a few thousand instructions for a long INSERT, several
/// times per recorded event). A slot chosen from the text's length and a few of its bytes holds
/// the last statement seen there; the full text is compared before it is used (the same literal
/// compares in one step), and a miss falls back to GRDB's cache.
///
/// Only the writer uses it, one transaction at a time; `clear()` drops every statement before
/// the connection closes.
final class StatementShortcuts: @unchecked Sendable {
    private static let slotCount = 64
    private var slots: [(sql: String, statement: Statement)?] = Array(repeating: nil, count: slotCount)

    /// The prepared statement for `sql` on `db`.
    func statement(_ sql: String, in db: Database) throws -> Statement {
        let slot = Self.slot(of: sql)
        if let entry = slots[slot], entry.sql == sql { return entry.statement }
        let statement = try db.cachedStatement(sql: sql)
        slots[slot] = (sql, statement)
        return statement
    }

    /// Forgets every statement (before the connection closes).
    func clear() {
        for index in slots.indices { slots[index] = nil }
    }

    /// A slot from the length and the bytes at a few fixed fractions of the text.
    static func slot(of sql: String) -> Int {
        let count = sql.utf8.count
        guard count > 0 else { return 0 }
        var mix = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
        let sampled = sql.utf8.withContiguousStorageIfAvailable { bytes -> UInt64 in
            // Six bytes at fixed fractions of the text (no array: this runs for every statement).
            var value: UInt64 = 0
            var fraction = 1
            while fraction <= 6 {
                value = (value &<< 8 | UInt64(bytes[(count - 1) * fraction / 6])) &* 0x100_0000_01B3
                fraction += 1
            }
            return value
        } ?? 0
        mix ^= sampled
        mix ^= mix >> 29
        return Int(truncatingIfNeeded: mix &* 0xBF58_476D_1CE4_E5B9 >> 58) & (slotCount - 1)
    }
}
