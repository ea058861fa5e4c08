import CofferCore
import Synchronization

/// Facts that rarely change, kept across the write transactions of one store (issue #15.5):
/// account ids, members (role, access, credit limit, seat), subscriptions with their plan terms,
/// API key names, whitelists, alert thresholds and auto-recharge settings.
///
/// They hold while `facts_version` holds: SQLite triggers bump it on every change to a table they
/// come from, whoever writes (this store, another store on the same file, another process). A
/// transaction reads the version once, before its first use of a fact, and takes the kept facts
/// only when they were read at that very version; else it starts empty. What it read comes back
/// here only after its commit, and only when no savepoint that read it was rolled back since
/// (`TransactionFacts.restore`), so a fact can never outlive the rows it was read from.
final class FactCache: Sendable {
    private let kept = Mutex<Facts?>(nil)

    /// An empty cache.
    init() {}

    /// The kept facts when they were read at `version`, else none.
    func facts(at version: Int64) -> Facts {
        kept.withLock { kept in
            if let facts = kept, facts.version == version { return facts }
            return Facts(version: version)
        }
    }

    /// Keeps the facts of a transaction that committed.
    func keep(_ facts: Facts) {
        kept.withLock { $0 = facts }
    }

    /// The current `facts_version` (schema v9).
    static func version(_ sql: any StorageConnection) throws -> Int64 {
        try (sql.first(versionQuery) { $0.optionalInt(0) } ?? nil) ?? 0
    }

    /// The statement `version` runs (for `readAhead`).
    static let versionQuery = Query("SELECT version FROM facts_version WHERE id = 1")
}

/// The facts themselves, as read at one `facts_version`.
struct Facts: Sendable {
    /// A member of a workspace by normalised email.
    struct MemberKey: Hashable, Sendable {
        let workspace: Int64
        let email: String
    }

    /// A wallet's auto-recharge settings key: the workspace and the seat (0 for the team pool).
    struct RechargeKey: Hashable, Sendable {
        let workspace: Int64
        let seat: Int64
    }

    /// The `facts_version` these were read at.
    let version: Int64
    var members: [MemberKey: MemberRow] = [:]
    var keys: [Int64: Set<String>] = [:]
    var whitelists: [Int64: Set<String>] = [:]
    /// Each workspace's standing (R13) and its subscription that has not ended.
    var standings: [Int64: (standing: TeamStanding, live: SubscriptionRow?)] = [:]
    /// Each user's personal subscription that has not ended (nil: none).
    var personal: [Int64: SubscriptionRow?] = [:]
    var thresholds: [Int64: Credits?] = [:]
    var recharge: [RechargeKey: RechargeSettings?] = [:]
    /// Account ids by identity, and identities known to have no account.
    var accounts: [LedgerWriter.AccountKey: Int64] = [:]
    var missingAccounts: Set<LedgerWriter.AccountKey> = []
}

/// A write transaction's facts: empty until `refresh` reads the version, then taken from the
/// store's `FactCache`; the engine and the ledger writer of the transaction share them.
final class TransactionFacts {
    private let cache: FactCache
    /// The facts, once read (nil before the first `refresh` of the transaction).
    private(set) var current: Facts?

    /// Facts for one transaction of the store whose cache is `cache`.
    init(cache: FactCache) { self.cache = cache }

    /// Reads `facts_version` and takes the cache's facts for it, unless the facts in hand were
    /// read at that version already (a change made by this transaction itself moves the version
    /// too, so facts read before it are dropped).
    func refresh(_ sql: any StorageConnection) throws {
        let version = try FactCache.version(sql)
        if current?.version != version { current = cache.facts(at: version) }
    }

    /// One fact: from the facts in hand, else from `load` (and filed, when facts are in hand).
    func memo<Key: Hashable, Value>(_ table: WritableKeyPath<Facts, [Key: Value]>, _ key: Key,
                                    load: () throws -> Value) rethrows -> Value {
        if let known = current?[keyPath: table][key] { return known }
        let value = try load()
        current?[keyPath: table][key] = value
        return value
    }

    /// Changes the facts in hand; nothing happens before the first `refresh`.
    func update(_ change: (inout Facts) -> Void) {
        guard current != nil else { return }
        change(&current!)
    }

    /// The facts in hand, to restore if a savepoint rolls back.
    func snapshot() -> Facts? { current }

    /// Returns to a snapshot after a savepoint rolled back: what was read inside it may have
    /// come from rows that are gone.
    func restore(_ snapshot: Facts?) { current = snapshot }

    /// After the transaction committed: the facts go back to the store's cache.
    func keep() {
        if let current { cache.keep(current) }
    }
}
