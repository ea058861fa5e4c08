import CofferCore

extension LedgerWriter.AccountKey {
    /// Hashes the numbers and the texts' lengths only (texts are compared in full by `==`): a
    /// debit looks accounts up several times, and hashing "credits" — or the kind's raw text,
    /// which is what hashing the kind does — each time cost more than the lookup itself.
    func hash(into hasher: inout Hasher) {
        hasher.combine(kind.hashCode)
        hasher.combine(workspace)
        hasher.combine(user)
        hasher.combine(seat)
        hasher.combine(name?.utf8.count ?? -1)
        hasher.combine(asset.utf8.count)
    }
}

private extension WalletKind {
    /// The kind as a small number, for hashing (its raw value is text).
    var hashCode: Int {
        switch self {
        case .teamPool: 0
        case .seat: 1
        case .personal: 2
        case .system: 3
        }
    }
}

extension LedgerWriter {
    /// The last few accounts looked up, found or not, checked before the transaction's
    /// dictionaries: a debit asks for the same handful of accounts several times, and comparing
    /// a key with eight others costs less than hashing it once. It mirrors `accounts` and
    /// `missing`, so it is emptied whenever they lose or change an entry (an account created,
    /// a savepoint rolled back).
    struct RecentAccounts {
        private static let capacity = 8
        private var entries: [(key: AccountKey, id: Int64?)] = []
        private var next = 0

        /// The account found for `key` (nil inside: known to be missing), or nil when not recent.
        func lookUp(_ key: AccountKey) -> Int64?? {
            for entry in entries where entry.key == key { return .some(entry.id) }
            return nil
        }

        /// Remembers what a lookup found, in place of the oldest entry when full.
        mutating func remember(_ key: AccountKey, _ id: Int64?) {
            if entries.count < Self.capacity {
                entries.append((key, id))
            } else {
                entries[next] = (key, id)
                next = (next + 1) % Self.capacity
            }
        }

        /// Forgets everything.
        mutating func clear() {
            entries.removeAll(keepingCapacity: true)
            next = 0
        }
    }
}
