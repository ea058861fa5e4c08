import CofferCore
import Foundation
import GRDB

/// The outcome of `coffer check`: what was verified and every violation found.
public struct CheckReport: Sendable {
    /// One line per broken invariant; empty when the ledger is sound.
    public let violations: [String]
    public let entries: Int
    public let accounts: Int
    public let grants: Int
    /// The chain head as hex (empty for an empty ledger).
    public let head: String

    /// True when no invariant is broken.
    public var isSound: Bool { violations.isEmpty }
}

/// Every ledger invariant of SPEC §10, verified over one read snapshot. Never writes, never settles.
struct LedgerInvariants {
    let db: Database
    let seal: LedgerSeal
    let catalog: Catalog

    /// Runs every check and reports each violation (at most `limit` per kind). `chain: false`
    /// skips walking the hash chain.
    func verify(limit: Int, chain: Bool) throws -> CheckReport {
        do {
            var violations: [String] = []
            func add(_ rows: [Row], _ describe: (Row) -> String) {
                violations += rows.prefix(limit).map(describe)
                if rows.count > limit { violations.append("… and \(rows.count - limit) more like the above") }
            }
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] {
                // A damaged file: the other invariants cannot be read from it safely.
                violations += integrity.prefix(limit).map { "integrity_check: \($0)" }
                violations.append("the file is corrupt: restore it from a backup")
                return CheckReport(violations: violations, entries: 0, accounts: 0, grants: 0, head: "")
            }
            add(try Row.fetchAll(db, sql: """
                SELECT e.id, e.asset, f.asset AS from_asset, t.asset AS to_asset FROM entries e
                JOIN accounts f ON f.id = e.from_account JOIN accounts t ON t.id = e.to_account
                WHERE f.asset != e.asset OR t.asset != e.asset
                """)) { "entry \($0["id"] as Int64) moves \($0["asset"] as String) between accounts of \($0["from_asset"] as String) and \($0["to_asset"] as String)" }
            add(try Row.fetchAll(db, sql: """
                SELECT asset, sum(balance) AS total FROM accounts GROUP BY asset HAVING total != 0
                """)) { "asset \($0["asset"] as String) does not balance: accounts sum to \($0["total"] as Int64)" }
            add(try Row.fetchAll(db, sql: """
                SELECT a.id, a.kind, a.asset, a.balance, ifnull(i.s, 0) - ifnull(o.s, 0) AS computed FROM accounts a
                LEFT JOIN (SELECT to_account AS id, sum(amount) AS s FROM entries GROUP BY to_account) i ON i.id = a.id
                LEFT JOIN (SELECT from_account AS id, sum(amount) AS s FROM entries GROUP BY from_account) o ON o.id = a.id
                WHERE a.balance != computed
                """)) { "account \($0["id"] as Int64) (\($0["kind"] as String) \($0["asset"] as String)) balance \($0["balance"] as Int64) != its entries \($0["computed"] as Int64)" }
            add(try Row.fetchAll(db, sql: """
                WITH flows AS (
                    SELECT e.grant_id AS id,
                           sum(CASE WHEN e.to_account = g.account_id THEN e.amount ELSE 0 END) AS granted,
                           sum(CASE WHEN e.from_account = g.account_id THEN e.amount ELSE 0 END) AS drawn
                    FROM entries e JOIN grants g ON g.id = e.grant_id GROUP BY e.grant_id)
                SELECT g.id, g.amount, g.remaining, ifnull(f.granted, 0) AS granted, ifnull(f.drawn, 0) AS drawn
                FROM grants g LEFT JOIN flows f ON f.id = g.id
                WHERE g.amount != ifnull(f.granted, 0) OR g.remaining != ifnull(f.granted, 0) - ifnull(f.drawn, 0)
                """)) { "grant \($0["id"] as Int64): remaining \($0["remaining"] as Int64) of \($0["amount"] as Int64) != its entries (granted \($0["granted"] as Int64), drawn \($0["drawn"] as Int64))" }
            add(try Row.fetchAll(db, sql: """
                SELECT a.id, a.kind, a.balance, ifnull(sum(g.remaining), 0) AS held FROM accounts a
                LEFT JOIN grants g ON g.account_id = a.id WHERE a.kind != 'system'
                GROUP BY a.id HAVING a.balance != held
                """)) { "account \($0["id"] as Int64) (\($0["kind"] as String)) balance \($0["balance"] as Int64) != its grants' remaining \($0["held"] as Int64)" }
            add(try Row.fetchAll(db, sql: """
                SELECT e.id, e.usage_id FROM entries e WHERE e.usage_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM usage_events u WHERE u.id = e.usage_id)
                """)) { "entry \($0["id"] as Int64) spends for usage event \($0["usage_id"] as Int64), which was never recorded" }
            add(try Row.fetchAll(db, sql: "SELECT id, kind, balance FROM accounts WHERE kind != 'system' AND balance < 0")) {
                "wallet \($0["id"] as Int64) (\($0["kind"] as String)) is below zero: \($0["balance"] as Int64)"
            }
            violations += try MemberSpendCheck(db: db, catalog: catalog).violations(limit: limit)
            let head = chain ? try verifyChain(db, limit: limit, violations: &violations) : ""

            return CheckReport(
                violations: violations,
                entries: try Int.fetchOne(db, sql: "SELECT count(*) FROM entries") ?? 0,
                accounts: try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") ?? 0,
                grants: try Int.fetchOne(db, sql: "SELECT count(*) FROM grants") ?? 0,
                head: head)
        }
    }

    /// Walks the hash chain from the genesis to the stored head.
    private func verifyChain(_ db: Database, limit: Int, violations: inout [String]) throws -> String {
        var previous = LedgerSeal.genesis
        var expectedID: Int64 = 1
        var broken = 0
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT id, batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at, prev_hash, hash
            FROM entries ORDER BY id
            """)
        while let row = try cursor.next() {
            func report(_ text: String) {
                broken += 1
                if broken <= limit { violations.append(text) }
            }
            guard let fields = EntryFields(row: row), let storedPrevious = row.bytes(10), let stored = row.bytes(11) else {
                report("hash chain: entry \(row.int(0).map(String.init) ?? "?") (after \(expectedID - 1)) has a missing or mistyped field")
                continue
            }
            if fields.id != expectedID { report("hash chain: entry \(expectedID) is missing (next is \(fields.id))") }
            if storedPrevious != previous { report("hash chain: entry \(fields.id) does not follow the entry before it") }
            if seal.hash(previous: storedPrevious, entry: fields) != stored {
                report("hash chain: entry \(fields.id) was altered (its hash does not match its fields)")
            }
            previous = stored
            expectedID = fields.id + 1
        }
        if broken > limit { violations.append("… and \(broken - limit) more hash chain breaks") }
        let head = try Row.fetchOne(db, sql: "SELECT last_entry_id, hash FROM ledger_head WHERE id = 1")
        let headID: Int64 = head?[0] ?? 0
        let headHash = head.map { [UInt8]($0[1] as Data) } ?? LedgerSeal.genesis
        if headID != expectedID - 1 || headHash != previous {
            violations.append("hash chain: the stored head (entry \(headID)) is not the last entry (\(expectedID - 1))")
        }
        return expectedID == 1 ? "" : previous.hex
    }
}

extension EntryFields {
    /// The fields of an `entries` row, or nil when one is NULL or of the wrong type (a file
    /// edited behind Coffer's back must be reported by `check`, never trap it).
    init?(row: Row) {
        guard let id = row.int(0), let batch = row.int(1), let asset = row.text(2), let from = row.int(3),
              let to = row.int(4), let amount = row.int(5), let kind = row.text(7), let createdAt = row.int(9),
              row.hasNull(6) || row.int(6) != nil, row.hasNull(8) || row.int(8) != nil else { return nil }
        self.init(id: id, batch: batch, asset: asset, from: from, to: to, amount: amount, grant: row.int(6), kind: kind,
                  usage: row.int(8), createdAt: createdAt)
    }
}

extension Row {
    /// The column's value if it is stored as an integer.
    func int(_ index: Int) -> Int64? { self[index] as (any DatabaseValueConvertible)? as? Int64 }
    /// The column's value if it is stored as text.
    func text(_ index: Int) -> String? { self[index] as (any DatabaseValueConvertible)? as? String }
    /// The column's bytes if it is stored as a blob.
    func bytes(_ index: Int) -> [UInt8]? { (self[index] as (any DatabaseValueConvertible)? as? Data).map { [UInt8]($0) } }
    /// Whether the column is NULL.
    func hasNull(_ index: Int) -> Bool { (self[index] as DatabaseValue).isNull }
}
