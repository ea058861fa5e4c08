import CofferCore

extension LedgerWriter {
    /// What the transaction has read and changed, kept in step with every post and draw; each
    /// dictionary can take back its changes since the last snapshot (`snapshot()`, `restore(_:)`).
    struct Books {
        /// Account ids and balances already read in this transaction (every change passes through `post`).
        var accounts = UndoableDictionary<AccountKey, Int64>()
        var balances = UndoableDictionary<Int64, Int64>()
        /// Accounts looked for and not found in this transaction (until `account` creates them).
        var missing = UndoableDictionary<AccountKey, Void>()
        /// Balance changes not yet written to `accounts`: written once per account in `finish()`.
        var pendingDeltas = UndoableDictionary<Int64, Int64>()
        /// The same changes per wallet and UTC day, for `account_days` (system accounts are left out).
        var pendingDays = UndoableDictionary<DayKey, Int64>()
        /// The system accounts met in this transaction: they have no daily rollup.
        var systemIDs = UndoableDictionary<Int64, Void>()
        /// Each wallet's grants with something left, in burn order, as this transaction has left them
        /// (read once per wallet; every grant change passes through this writer).
        var grantBooks = UndoableDictionary<Int64, [GrantLeft]>()
        /// Amounts taken from grants and not yet written to `grants` (see `defersGrantUpdates`).
        var pendingTakes = UndoableDictionary<Int64, Int64>()

        /// Notes the changes from now on, forgetting the ones noted before.
        mutating func beginUndo() {
            accounts.beginUndo(); balances.beginUndo(); missing.beginUndo()
            pendingDeltas.beginUndo(); pendingDays.beginUndo(); systemIDs.beginUndo()
            grantBooks.beginUndo(); pendingTakes.beginUndo()
        }

        /// Takes back the changes since `beginUndo()`.
        mutating func undo() {
            accounts.undo(); balances.undo(); missing.undo()
            pendingDeltas.undo(); pendingDays.undo(); systemIDs.undo()
            grantBooks.undo(); pendingTakes.undo()
        }
    }
}
