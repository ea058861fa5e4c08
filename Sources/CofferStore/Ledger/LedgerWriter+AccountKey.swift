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
