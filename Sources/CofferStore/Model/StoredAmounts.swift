import CofferCore

// Typed amounts from the ledger's integer figures (R1): the store turns its millicredits and
// thousandths of a unit into `Credits`, `Quantity` and `Amount` before front ends see them.

extension Bind {
    /// Credits, bound as their millicredits (the ledger's integer form, R1).
    static func int(_ value: Credits) -> Bind { .int(value.millicredits) }
}

extension WalletBalance {
    /// The wallet's balance as credits or as units of its service's allowance.
    public var amount: Amount { Amount(thousandths: balance, of: asset) }
}
