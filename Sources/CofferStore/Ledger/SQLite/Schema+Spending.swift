import GRDB

extension Schema {
    /// The rollups behind the Spending tab and the Billing sparkline (SPEC §9, issue #18.1):
    /// `usage_daily` gains who was charged and for which service, so the top members and top
    /// services of any range come from daily totals, and `account_days` keeps each wallet's net
    /// movement per UTC day, so the pool balance at the end of any day is its balance now minus
    /// the days after it. Both are filled from the ledger for what was written before.
    static func createSpendingRollups(_ db: Database) throws {
        let day = dayOf("created_at")
        try db.execute(sql: """
            CREATE TABLE usage_daily_by_member (
                workspace_id INTEGER NOT NULL,
                tab INTEGER NOT NULL,
                type TEXT NOT NULL,
                day INTEGER NOT NULL,
                user_id INTEGER NOT NULL,
                service TEXT NOT NULL,
                lines INTEGER NOT NULL,
                messages INTEGER NOT NULL,
                credits INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, tab, type, day, user_id, service)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO usage_daily_by_member(workspace_id, tab, type, day, user_id, service, lines, messages, credits)
            SELECT workspace_id, tab,
                   CASE tab WHEN 1 THEN ifnull(billing_type, '') WHEN 2 THEN ifnull(api_key, '') ELSE ifnull(import_type, '') END,
                   \(day), user_id, service, count(*), sum(messages), sum(credits)
            FROM usage_events WHERE tab IN (1, 2, 3) GROUP BY 1, 2, 3, 4, 5, 6;
            DROP TABLE usage_daily;
            ALTER TABLE usage_daily_by_member RENAME TO usage_daily;
            -- Spending reads every tab of a range at once.
            CREATE INDEX usage_daily_by_day ON usage_daily(workspace_id, day);

            CREATE TABLE account_days (
                account_id INTEGER NOT NULL,
                day INTEGER NOT NULL,
                net INTEGER NOT NULL,
                PRIMARY KEY (account_id, day)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO account_days(account_id, day, net)
            SELECT m.account, m.day, sum(m.delta) FROM (
                SELECT to_account AS account, \(day) AS day, amount AS delta FROM entries
                UNION ALL
                SELECT from_account, \(day), -amount FROM entries) m
            JOIN accounts a ON a.id = m.account AND a.kind != 'system'
            GROUP BY m.account, m.day;
            """)
    }

    /// SQL for the UTC day number of a time column (rounded down before 1970, as `UTC.dayNumber`).
    static func dayOf(_ column: String) -> String {
        "CASE WHEN \(column) >= 0 THEN \(column) / 86400 ELSE (\(column) - 86399) / 86400 END"
    }
}
