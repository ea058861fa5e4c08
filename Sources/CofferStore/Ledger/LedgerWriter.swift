import CofferCore
import Foundation

/// Posts movements inside one write transaction (R16–R19): each movement is an entry from one
/// account to another, chained to the previous entry, with cached balances and grants kept
/// in step. Created by `CofferStore.write`, which calls `finish()` before committing.
///
/// Entries are kept in memory until `finish()`, which takes the chain (`lockLedgerChain`), reads
/// its head, and writes them with their ids and hashes: the chain is one sequence for the whole
/// ledger, so that is the only part of a transaction that waits for writers of other workspaces
/// (R42, on PostgreSQL; SQLite has one writer at a time anyway).
final class LedgerWriter {
    private let sql: any StorageConnection
    private let seal: LedgerSeal
    /// The transaction's facts: account ids known across transactions (see `FactCache`).
    private let facts: TransactionFacts?
    /// The time stamped on what is written (settlement sets each event's due time, R15a).
    var now: Timestamp
    /// Entries posted in this transaction, without their ids and hashes until `finish()`.
    private var pendingEntries: [PendingEntry] = []
    /// Whether the current event's batch has its first entry.
    private var batchOpen = false
    private var dirty = false
    /// The last lookups of `books.accounts` and `books.missing`, answered without hashing.
    private var recent = RecentAccounts()
    /// The credits system account `system` gave last (already in `books.systemIDs`): every debit
    /// asks for `usage`'s, and finding it again by its key cost ~1,800 instructions a line.
    private var lastCreditsSystem: (account: SystemAccount, id: Int64)?
    /// What the transaction has read and changed (`Books`): each change can be taken back.
    private var books = Books()
    /// Counts snapshots: only the last one can be restored.
    private var snapshots = 0

    /// Whether amounts taken from grants are written once per grant in `finish()` instead of at
    /// once. Set by usage recording (`ConsumptionEngine`), whose transactions read grants only
    /// through this writer; code that reads `grants.remaining` with its own SQL must not run after
    /// it in the same transaction. It spares a group of debits one UPDATE each, and PostgreSQL
    /// the walk through every version of a grant row updated many times in one transaction.
    var defersGrantUpdates = false

    /// A grant with something left: its id and what is left.
    struct GrantLeft {
        let id: Int64
        var remaining: Int64
    }

    /// A wallet's movement on one UTC day.
    struct DayKey: Hashable { let account: Int64, day: Int64 }

    /// What identifies an account.
    struct AccountKey: Hashable, Sendable {
        let kind: WalletKind, workspace: Int64?, user: Int64?, seat: Int64?, name: String?, asset: String
    }

    /// An entry as posted: its id, batch and hashes are given in `finish()`.
    struct PendingEntry {
        let startsBatch: Bool, asset: String, from: Int64, to: Int64, amount: Int64, grant: Int64?, kind: String, usage: Int64?
        let createdAt: Timestamp
    }

    init(_ sql: any StorageConnection, seal: LedgerSeal, facts: TransactionFacts? = nil, scope: WriteScope = .ledger,
         now: Timestamp) throws {
        self.sql = sql
        self.seal = seal
        self.facts = facts
        self.scope = scope
        self.now = now
    }

    /// What the transaction may touch (R42): a workspace-scoped one may not read or move a personal
    /// wallet (shared by every workspace its holder is in) nor create a system account.
    private let scope: WriteScope

    private func requireLedgerWide(for kind: WalletKind) throws {
        guard scope != .ledger, kind == .personal else { return }
        throw NeedsLedgerWideWrite()
    }

    /// Where the writer's in-memory state stood before a savepoint: restored when the savepoint
    /// rolls back, so the chain and the balances follow the database. The dictionaries note their
    /// changes from the snapshot on and take them back (`UndoableDictionary`).
    struct State {
        fileprivate let number: Int, entries: Int, batchOpen: Bool, dirty: Bool
    }

    /// Marks the in-memory state, to restore if what follows is rolled back (one snapshot at a time:
    /// taking one gives up the one before).
    func snapshot() -> State {
        snapshots += 1
        books.beginUndo()
        return State(number: snapshots, entries: pendingEntries.count, batchOpen: batchOpen, dirty: dirty)
    }

    /// Returns to the last snapshot after the database rolled back to the matching savepoint.
    func restore(_ state: State) {
        precondition(state.number == snapshots, "only the last snapshot can be restored")
        pendingEntries.removeLast(pendingEntries.count - state.entries)
        (batchOpen, dirty) = (state.batchOpen, state.dirty)
        books.undo()
        recent.clear()
        lastCreditsSystem = nil // it may have been created, or entered in `systemIDs`, in what was rolled back
    }

    /// Starts a new batch of entries (one domain event) stamped with `time`.
    func startEvent(at time: Timestamp) {
        now = time
        batchOpen = false
    }

    /// The id of a wallet or system account for `asset`, created on first use.
    func account(_ kind: WalletKind, workspace: Int64? = nil, user: Int64? = nil, seat: Int64? = nil,
                 name: String? = nil, asset: Asset) throws -> Int64 {
        if let id = try existingAccount(kind, workspace: workspace, user: user, seat: seat, name: name, asset: asset) { return id }
        let id: Int64
        if kind == .system, scope != .ledger {
            // A writer of another workspace may be creating it at this moment: whichever commits
            // first creates it, the other waits for that commit and reads it (R42).
            try sql.run("""
                INSERT INTO accounts(kind, workspace_id, user_id, seat_id, name, asset) VALUES (?, NULL, NULL, NULL, ?, ?)
                ON CONFLICT DO NOTHING
                """, .text(kind.rawValue), .text(name), .text(asset.code))
            guard let created = try sql.int("""
                SELECT id FROM accounts WHERE kind = ? AND workspace_id IS NULL AND user_id IS NULL AND seat_id IS NULL
                  AND name = ? AND asset = ?
                """, .text(kind.rawValue), .text(name), .text(asset.code)) else { throw CofferError("System account \(name ?? "") was not created") }
            id = created
        } else {
            id = try sql.insert("INSERT INTO accounts(kind, workspace_id, user_id, seat_id, name, asset) VALUES (?, ?, ?, ?, ?, ?)",
                                .text(kind.rawValue), .int(workspace), .int(user), .int(seat), .text(name), .text(asset.code))
        }
        let key = AccountKey(kind: kind, workspace: workspace, user: user, seat: seat, name: name, asset: asset.code)
        books.accounts.set(key, id)
        books.missing.remove(key)
        recent.clear()
        facts?.update { $0.accounts[key] = id; $0.missingAccounts.remove(key) }
        books.balances.set(id, 0)
        return id
    }

    /// The id of an account that exists already, or nil.
    func existingAccount(_ kind: WalletKind, workspace: Int64? = nil, user: Int64? = nil, seat: Int64? = nil,
                         name: String? = nil, asset: Asset) throws -> Int64? {
        try requireLedgerWide(for: kind)
        let key = AccountKey(kind: kind, workspace: workspace, user: user, seat: seat, name: name, asset: asset.code)
        if let known = recent.lookUp(key) { return known }
        let id = try lookUpAccount(key)
        recent.remember(key, id)
        return id
    }

    /// The account for `key` from this transaction's dictionaries, the store's facts or the database.
    private func lookUpAccount(_ key: AccountKey) throws -> Int64? {
        if let id = books.accounts[key] { return id }
        if books.missing.contains(key) { return nil }
        if let known = facts?.current {
            if let id = known.accounts[key] { books.accounts.set(key, id); return id }
            if known.missingAccounts.contains(key) { books.missing.insert(key); return nil }
        }
        guard let id = try sql.int("""
            SELECT id FROM accounts WHERE kind = ? AND coalesce(workspace_id, 0) = coalesce(?, 0)
              AND coalesce(user_id, 0) = coalesce(?, 0) AND coalesce(seat_id, 0) = coalesce(?, 0)
              AND coalesce(name, '') = coalesce(?, '') AND asset = ?
            """, .text(key.kind.rawValue), .int(key.workspace), .int(key.user), .int(key.seat), .text(key.name), .text(key.asset)) else {
            books.missing.insert(key)
            facts?.update { $0.missingAccounts.insert(key) }
            return nil
        }
        books.accounts.set(key, id)
        facts?.update { $0.accounts[key] = id }
        return id
    }

    /// The system account for `asset` (payments, grants, usage, expired).
    func system(_ account: SystemAccount, asset: Asset) throws -> Int64 {
        if asset == .credits, let last = lastCreditsSystem, last.account == account { return last.id }
        let id = try self.account(.system, name: account.rawValue, asset: asset)
        books.systemIDs.insert(id)
        if asset == .credits { lastCreditsSystem = (account, id) }
        return id
    }

    /// Adds a grant to a wallet, drawn from a system account (R18). Credits grants also appear
    /// in the Credit Adjustments tab of `workspace` (R22) unless `source` names an internal move.
    @discardableResult
    func grant(to account: Int64, asset: Asset, amount: Int64, from origin: SystemAccount,
               type: AdjustmentType, detail: String, expiresAt: Timestamp?, workspace: Int64?,
               source: String? = nil) throws -> Int64 {
        precondition(amount > 0, "grants are positive")
        let grantID = try sql.insert("""
            INSERT INTO grants(account_id, source, detail, amount, remaining, expires_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, .int(account), .text(source ?? type.rawValue), .text(detail), .int(amount), .int(amount), .int(expiresAt), .int(now))
        books.grantBooks.set(account, nil) // read again, with the new grant in its place, on the next draw
        try post(asset: asset, from: try system(origin, asset: asset), to: account, amount: amount,
                 grant: grantID, kind: "grant", usage: nil)
        if asset == .credits, source == nil, let workspace {
            try recordAdjustment(workspace: workspace, account: account, type: type, amount: amount, detail: detail)
        }
        return grantID
    }

    /// Moves `amount` of a grant into a new grant in `target` (the same wallet for a rollover,
    /// R21, or the team pool for a closed seat wallet, R27), through the `rollover` system account.
    func move(grant: Int64, from account: Int64, to target: Int64, asset: Asset, amount: Int64,
              expiresAt: Timestamp?, detail: String) throws {
        try take(Draw(grant: grant, amount: amount), from: account)
        let transit = try system(.rollover, asset: asset)
        try post(asset: asset, from: account, to: transit, amount: amount, grant: grant, kind: "rollover", usage: nil)
        try self.grant(to: target, asset: asset, amount: amount, from: .rollover, type: .subscriptionRenewal,
                       detail: detail, expiresAt: expiresAt, workspace: nil, source: "rollover")
    }

    /// One grant drawn by a debit.
    struct Draw: Equatable {
        let grant: Int64
        let amount: Int64
    }

    /// Moves `amount` out of a wallet into a system account, burning grants soonest-expiring
    /// first, never-expiring last, oldest first among equals (R18). No partial debit: if the
    /// wallet holds less, nothing is written and the error says what was missing.
    @discardableResult
    func draw(from account: Int64, asset: Asset, amount: Int64, to sink: SystemAccount,
              kind: String, usage: Int64? = nil) throws -> [Draw] {
        precondition(amount > 0, "draws are positive")
        let balance = try self.balance(of: account)
        guard balance >= amount else {
            throw CofferError(asset == .credits
                ? "Insufficient credits: balance \(Credits(millicredits: balance)), needed \(Credits(millicredits: amount))"
                : "Insufficient \(asset.code): balance \(Quantity(milliunits: balance)), needed \(Quantity(milliunits: amount))")
        }
        let sinkAccount = try system(sink, asset: asset)
        var left = amount
        var draws: [Draw] = []
        for grant in try grantBook(of: account) where left > 0 {
            let take = min(left, grant.remaining)
            draws.append(Draw(grant: grant.id, amount: take))
            left -= take
        }
        guard left == 0 else { throw LedgerInconsistency(account: account) }
        for draw in draws {
            try take(draw, from: account)
            try post(asset: asset, from: account, to: sinkAccount, amount: draw.amount, grant: draw.grant,
                     kind: kind, usage: usage)
        }
        return draws
    }

    /// Expires what is left of a grant into the `expired` system account.
    func expire(grant: Int64, account: Int64, asset: Asset, amount: Int64) throws {
        try take(Draw(grant: grant, amount: amount), from: account)
        try post(asset: asset, from: account, to: try system(.expired, asset: asset), amount: amount,
                 grant: grant, kind: "expire", usage: nil)
    }

    /// Adds a row to the Credit Adjustments tab (signed amount).
    func recordAdjustment(workspace: Int64, account: Int64, type: AdjustmentType, amount: Int64, detail: String) throws {
        try sql.run("INSERT INTO adjustments(workspace_id, account_id, type, amount, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    .int(workspace), .int(account), .text(type.rawValue), .int(amount), .text(detail), .int(now))
    }

    /// The cached balance of an account.
    func balance(of account: Int64) throws -> Int64 {
        if let balance = books.balances[account] { return balance }
        let balance = try (sql.int("SELECT balance FROM accounts WHERE id = ?", .int(account)) ?? 0) + (books.pendingDeltas[account] ?? 0)
        books.balances.set(account, balance)
        return balance
    }

    /// The spends of usage event `usage` posted in this transaction and not yet written (a duplicate
    /// of an event of the same batch reads its first result from them).
    func pendingSpends(usage: Int64) -> [PendingEntry] {
        pendingEntries.filter { $0.usage == usage && $0.kind == "spend" }
    }

    /// Writes the entries, the cached balances and the chain head; called once before the transaction commits.
    func finish() throws {
        try writeGrantTakes()
        guard dirty else { return }
        try writeEntries()
        for (account, delta) in books.pendingDeltas.entries where delta != 0 {
            try sql.run("UPDATE accounts SET balance = balance + ? WHERE id = ?", .int(delta), .int(account))
        }
        books.pendingDeltas.removeAll()
        for (key, net) in books.pendingDays.entries where net != 0 {
            try sql.run("INSERT INTO account_days(account_id, day, net) VALUES (?, ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET net = account_days.net + excluded.net",
                        .int(key.account), .int(key.day), .int(net))
        }
        books.pendingDays.removeAll()
        dirty = false
    }

    private static let entryInsert = MultiRowInsert(into: "entries", columns: [
        "id", "batch", "asset", "from_account", "to_account", "amount", "grant_id", "kind", "usage_id", "created_at", "prev_hash", "hash",
    ])

    /// Takes the chain, gives each pending entry its id, batch and hashes after the stored head,
    /// writes them in a few statements, and moves the head.
    private func writeEntries() throws {
        guard !pendingEntries.isEmpty else { return }
        try sql.lockLedgerChain()
        let stored = try sql.one("SELECT last_entry_id, hash FROM ledger_head WHERE id = 1") { ($0.int(0), $0.bytes(1)) }
        var (lastID, head) = stored ?? (0, LedgerSeal.genesis)
        var batch: Int64 = 0
        var values: [Bind] = []
        let chunk = MultiRowInsert.rowsPerStatement * Self.entryInsert.width
        values.reserveCapacity(min(pendingEntries.count * Self.entryInsert.width, chunk))
        func flush() throws {
            guard !values.isEmpty else { return }
            try Self.entryInsert.run(values, on: sql)
            values.removeAll(keepingCapacity: true)
        }
        for entry in pendingEntries {
            let id = lastID + 1
            if entry.startsBatch || batch == 0 { batch = id }
            let fields = EntryFields(id: id, batch: batch, asset: entry.asset, from: entry.from, to: entry.to, amount: entry.amount,
                                     grant: entry.grant, kind: entry.kind, usage: entry.usage, createdAt: entry.createdAt)
            let hash = seal.hash(previous: head, entry: fields)
            values += [.int(id), .int(batch), .text(entry.asset), .int(entry.from), .int(entry.to), .int(entry.amount), .int(entry.grant),
                       .text(entry.kind), .int(entry.usage), .int(entry.createdAt), .blob(head), .blob(hash)]
            if values.count == chunk { try flush() }
            lastID = id
            head = hash
        }
        try flush()
        pendingEntries.removeAll(keepingCapacity: true)
        try sql.run("""
            INSERT INTO ledger_head(id, last_entry_id, hash) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET last_entry_id = excluded.last_entry_id, hash = excluded.hash
            """, .int(lastID), .blob(head))
    }

    /// A wallet's grants with something left, in burn order: soonest-expiring first, never-expiring
    /// last, oldest first among equals (R18); read once per transaction, less what it has taken.
    private func grantBook(of account: Int64) throws -> [GrantLeft] {
        if let book = books.grantBooks[account] { return book }
        var book: [GrantLeft] = []
        try sql.each("""
            SELECT id, remaining FROM grants WHERE account_id = ? AND remaining > 0
            ORDER BY coalesce(expires_at, 9223372036854775807), id
            """, [.int(account)]) { row in
            let id = row.int(0), remaining = row.int(1) - (books.pendingTakes.isEmpty ? 0 : books.pendingTakes[id] ?? 0)
            if remaining > 0 { book.append(GrantLeft(id: id, remaining: remaining)) }
            return true
        }
        books.grantBooks.set(account, book)
        return book
    }

    /// Takes a draw's amount from its grant: in `grants` now, or in `finish()` when `defersGrantUpdates`.
    private func take(_ draw: Draw, from account: Int64) throws {
        if defersGrantUpdates {
            books.pendingTakes.update(draw.grant, default: 0) { $0 += draw.amount }
        } else {
            try sql.run("UPDATE grants SET remaining = remaining - ? WHERE id = ?", .int(draw.amount), .int(draw.grant))
        }
        guard let index = books.grantBooks[account]?.firstIndex(where: { $0.id == draw.grant }) else { return }
        books.grantBooks.update(account, default: []) { book in
            book[index].remaining -= draw.amount
            if book[index].remaining <= 0 { book.remove(at: index) }
        }
    }

    /// Writes the amounts taken from grants and not yet written, one UPDATE per grant, in id order.
    private func writeGrantTakes() throws {
        guard !books.pendingTakes.isEmpty else { return }
        for (grant, taken) in books.pendingTakes.entries.sorted(by: { $0.key < $1.key }) where taken != 0 {
            try sql.run("UPDATE grants SET remaining = remaining - ? WHERE id = ?", .int(taken), .int(grant))
        }
        books.pendingTakes.removeAll()
    }

    /// Appends one entry (written in `finish()`) and moves the balances (written to `accounts` in `finish()`).
    private func post(asset: Asset, from: Int64, to: Int64, amount: Int64, grant: Int64?, kind: String, usage: Int64?) throws {
        pendingEntries.append(PendingEntry(startsBatch: !batchOpen, asset: asset.code, from: from, to: to, amount: amount, grant: grant,
                                           kind: kind, usage: usage, createdAt: now))
        batchOpen = true
        books.pendingDeltas.update(from, default: 0) { $0 -= amount }
        books.pendingDeltas.update(to, default: 0) { $0 += amount }
        let day = UTC.dayNumber(now)
        if !books.systemIDs.contains(from) { books.pendingDays.update(DayKey(account: from, day: day), default: 0) { $0 -= amount } }
        if !books.systemIDs.contains(to) { books.pendingDays.update(DayKey(account: to, day: day), default: 0) { $0 += amount } }
        if let balance = books.balances[from] { books.balances.set(from, balance - amount) }
        if let balance = books.balances[to] { books.balances.set(to, balance + amount) }
        dirty = true
    }
}

/// A wallet whose cached balance exceeds its grants: the ledger is damaged (`coffer check` names
/// it). Not a refusal: it aborts the whole transaction.
struct LedgerInconsistency: Error, CustomStringConvertible {
    let account: Int64
    var description: String { "Ledger inconsistency: account \(account) holds more than its grants (run coffer check)" }
}
