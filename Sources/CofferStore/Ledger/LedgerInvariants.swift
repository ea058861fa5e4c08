import CofferCore

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
    let sql: any StorageConnection
    let seal: LedgerSeal
    let catalog: Catalog

    /// Runs every check and reports each violation (at most `limit` per kind). `chain: false`
    /// skips walking the hash chain.
    func verify(limit: Int, chain: Bool) throws -> CheckReport {
        var violations: [String] = []
        /// Each row `query` finds, described; at most `limit` of them, and a line for the rest.
        func add(_ query: String, _ describe: (any StorageRow) -> String) throws {
            let found = try sql.all(query, []) { describe($0) }
            violations += found.prefix(limit)
            if found.count > limit { violations.append("… and \(found.count - limit) more like the above") }
        }
        let integrity = try sql.integrityProblems()
        if !integrity.isEmpty {
            // A damaged file: the other invariants cannot be read from it safely.
            violations += integrity.prefix(limit).map { "integrity_check: \($0)" }
            violations.append("the file is corrupt: restore it from a backup")
            return CheckReport(violations: violations, entries: 0, accounts: 0, grants: 0, head: "")
        }
        try add("""
            SELECT e.id, e.asset, f.asset, t.asset FROM entries e
            JOIN accounts f ON f.id = e.from_account JOIN accounts t ON t.id = e.to_account
            WHERE f.asset != e.asset OR t.asset != e.asset
            """) { "entry \($0.int(0)) moves \($0.text(1)) between accounts of \($0.text(2)) and \($0.text(3))" }
        try add("SELECT asset, sum(balance) FROM accounts GROUP BY asset HAVING sum(balance) != 0") {
            "asset \($0.text(0)) does not balance: accounts sum to \($0.int(1))"
        }
        try add("""
            SELECT a.id, a.kind, a.asset, a.balance, coalesce(i.s, 0) - coalesce(o.s, 0) FROM accounts a
            LEFT JOIN (SELECT to_account AS id, sum(amount) AS s FROM entries GROUP BY to_account) i ON i.id = a.id
            LEFT JOIN (SELECT from_account AS id, sum(amount) AS s FROM entries GROUP BY from_account) o ON o.id = a.id
            WHERE a.balance != coalesce(i.s, 0) - coalesce(o.s, 0)
            """) { "account \($0.int(0)) (\($0.text(1)) \($0.text(2))) balance \($0.int(3)) != its entries \($0.int(4))" }
        try add("""
            WITH flows AS (
                SELECT e.grant_id AS id,
                       sum(CASE WHEN e.to_account = g.account_id THEN e.amount ELSE 0 END) AS granted,
                       sum(CASE WHEN e.from_account = g.account_id THEN e.amount ELSE 0 END) AS drawn
                FROM entries e JOIN grants g ON g.id = e.grant_id GROUP BY e.grant_id)
            SELECT g.id, g.amount, g.remaining, coalesce(f.granted, 0), coalesce(f.drawn, 0)
            FROM grants g LEFT JOIN flows f ON f.id = g.id
            WHERE g.amount != coalesce(f.granted, 0) OR g.remaining != coalesce(f.granted, 0) - coalesce(f.drawn, 0)
            """) { "grant \($0.int(0)): remaining \($0.int(2)) of \($0.int(1)) != its entries (granted \($0.int(3)), drawn \($0.int(4)))" }
        try add("""
            SELECT a.id, a.kind, a.balance, coalesce(sum(g.remaining), 0) FROM accounts a
            LEFT JOIN grants g ON g.account_id = a.id WHERE a.kind != 'system'
            GROUP BY a.id, a.kind, a.balance HAVING a.balance != coalesce(sum(g.remaining), 0)
            """) { "account \($0.int(0)) (\($0.text(1))) balance \($0.int(2)) != its grants' remaining \($0.int(3))" }
        try add("""
            SELECT e.id, e.usage_id FROM entries e WHERE e.usage_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM usage_events u WHERE u.id = e.usage_id)
            """) { "entry \($0.int(0)) spends for usage event \($0.int(1)), which was never recorded" }
        try add("""
            SELECT a.id, a.kind, a.balance, coalesce(sum(d.net), 0) FROM accounts a
            LEFT JOIN account_days d ON d.account_id = a.id WHERE a.kind != 'system'
            GROUP BY a.id, a.kind, a.balance HAVING a.balance != coalesce(sum(d.net), 0)
            """) { "account \($0.int(0)) (\($0.text(1))) balance \($0.int(2)) != its days' movements \($0.int(3))" }
        try add("""
            SELECT l.day, l.tab, l.credits, coalesce(r.credits, 0) FROM
              (SELECT workspace_id, tab, \(Schema.dayOf("created_at")) AS day, user_id, service, count(*) AS lines, sum(credits) AS credits
               FROM usage_events WHERE tab IN (1, 2, 3) GROUP BY 1, 2, 3, 4, 5) l
            LEFT JOIN (SELECT workspace_id, tab, day, user_id, service, sum(lines) AS lines, sum(credits) AS credits
                       FROM usage_daily GROUP BY 1, 2, 3, 4, 5) r
              ON r.workspace_id = l.workspace_id AND r.tab = l.tab AND r.day = l.day AND r.user_id = l.user_id AND r.service = l.service
            WHERE r.lines IS DISTINCT FROM l.lines OR r.credits IS DISTINCT FROM l.credits
            """) { "usage rollup of day \($0.int(0)), tab \($0.int(1)): \($0.int(3)) millicredits != its lines' \($0.int(2))" }
        try add("SELECT id, kind, balance FROM accounts WHERE kind != 'system' AND balance < 0") {
            "wallet \($0.int(0)) (\($0.text(1))) is below zero: \($0.int(2))"
        }
        violations += try MemberSpendCheck(sql: sql, catalog: catalog).violations(limit: limit)
        let head = chain ? try verifyChain(limit: limit, violations: &violations) : ""

        return CheckReport(
            violations: violations,
            entries: Int(try sql.int("SELECT count(*) FROM entries") ?? 0),
            accounts: Int(try sql.int("SELECT count(*) FROM accounts") ?? 0),
            grants: Int(try sql.int("SELECT count(*) FROM grants") ?? 0),
            head: head)
    }

    /// Walks the hash chain from the genesis to the stored head.
    private func verifyChain(limit: Int, violations: inout [String]) throws -> String {
        var previous = LedgerSeal.genesis
        var expectedID: Int64 = 1
        var breaks = 0
        var reported: [String] = []
        func report(_ text: String) {
            breaks += 1
            if breaks <= limit { reported.append(text) }
        }
        try sql.each("""
            SELECT id, batch, asset, from_account, to_account, amount, grant_id, kind, usage_id, created_at, prev_hash, hash
            FROM entries ORDER BY id
            """, []) { row in
            guard let fields = EntryFields(row: row), let storedPrevious = row.storedBytes(10), let stored = row.storedBytes(11) else {
                report("hash chain: entry \(row.storedInt(0).map(String.init) ?? "?") (after \(expectedID - 1)) has a missing or mistyped field")
                return true
            }
            if fields.id != expectedID { report("hash chain: entry \(expectedID) is missing (next is \(fields.id))") }
            if storedPrevious != previous { report("hash chain: entry \(fields.id) does not follow the entry before it") }
            if seal.hash(previous: storedPrevious, entry: fields) != stored {
                report("hash chain: entry \(fields.id) was altered (its hash does not match its fields)")
            }
            previous = stored
            expectedID = fields.id + 1
            return true
        }
        violations += reported
        if breaks > limit { violations.append("… and \(breaks - limit) more hash chain breaks") }
        let head = try sql.one("SELECT last_entry_id, hash FROM ledger_head WHERE id = 1") { (id: $0.int(0), hash: $0.bytes(1)) }
        let headID = head?.id ?? 0
        let headHash = head?.hash ?? LedgerSeal.genesis
        if headID != expectedID - 1 || headHash != previous {
            violations.append("hash chain: the stored head (entry \(headID)) is not the last entry (\(expectedID - 1))")
        }
        return expectedID == 1 ? "" : previous.hex
    }
}

extension EntryFields {
    /// The fields of an `entries` row, or nil when one is NULL or of the wrong type (a file
    /// edited behind Coffer's back must be reported by `check`, never trap it).
    init?(row: any StorageRow) {
        guard let id = row.storedInt(0), let batch = row.storedInt(1), let asset = row.storedText(2), let from = row.storedInt(3),
              let to = row.storedInt(4), let amount = row.storedInt(5), let kind = row.storedText(7), let createdAt = row.storedInt(9),
              row.storedType(6) == .null || row.storedInt(6) != nil, row.storedType(8) == .null || row.storedInt(8) != nil else { return nil }
        self.init(id: id, batch: batch, asset: asset, from: from, to: to, amount: amount, grant: row.storedInt(6), kind: kind,
                  usage: row.storedInt(8), createdAt: createdAt)
    }
}
