import CofferCore

/// `coffer check`: every ledger invariant of SPEC §10 in one read snapshot. Never writes, never settles.
public struct LedgerCheck: Sendable {
    let store: CofferStore

    /// The check over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Runs every check and reports each violation (at most `limit` per kind). `chain: false`
    /// skips walking the hash chain (for tests that check after every step).
    public func run(limit: Int = 20, chain: Bool = true) throws -> CheckReport {
        try store.snapshot { sql in
            try LedgerInvariants(sql: sql, seal: store.seal, catalog: store.catalog).verify(limit: limit, chain: chain)
        }
    }
}
