import GRDB

/// The database schema, as forward-only migrations (SPEC §10). Never edit a released migration:
/// add a new one. A database with a migration this build does not know came from a newer Coffer
/// and is refused (GRDB's `hasBeenSuperseded`).
enum Schema {
    /// Marks a SQLite file as Coffer's (`PRAGMA application_id`, "CoFR").
    static let applicationID: Int32 = 0x436F_4652

    /// The migrator; `seal` is recorded in the new database on first creation.
    static func migrator(seal: LedgerSeal) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try createLedger(db)
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('ledger_seal', ?), ('ledger_key_check', ?)",
                           arguments: [seal.mode, seal.keyCheck])
        }
        migrator.registerMigration("v2-subscriptions", migrate: createSubscriptions)
        migrator.registerMigration("v3-team", migrate: createTeam)
        migrator.registerMigration("v4-consumption", migrate: createConsumption)
        migrator.registerMigration("v5-usage-records", migrate: createUsageRecords)
        migrator.registerMigration("v6-credit-order") { db in
            // Calls and imports sorted by credits walk this index in order and read the time from
            // it, so a page under a date range needs no sort of the whole range (SPEC §11).
            try db.execute(sql: """
                DROP INDEX usage_by_credits;
                CREATE INDEX usage_by_credits ON usage_events(workspace_id, tab, credits, id, created_at) WHERE tab IN (2, 3);
                """)
        }
        migrator.registerMigration("v7-money-safety", migrate: createMoneySafety)
        migrator.registerMigration("v8-key-hashes") { db in
            // An API key's secret is kept only as its SHA-256 (R38); keys made before have none.
            try db.execute(sql: "ALTER TABLE api_keys ADD COLUMN secret_hash TEXT")
        }
        migrator.registerMigration("v9-facts-version", migrate: createFactsVersion)
        migrator.registerMigration("v10-spending", migrate: createSpendingRollups)
        migrator.registerMigration("v11-range-sorts", migrate: createRangeSorts)
        return migrator
    }

    /// The tables of the facts a store keeps across transactions (`FactCache`), and the columns of
    /// each that a fact is read from (nil: all of them).
    static let factTables: [(table: String, columns: String?)] = [
        ("users", nil), ("workspaces", nil), ("members", nil), ("seats", nil), ("subscriptions", nil), ("api_keys", nil),
        ("whitelist", nil), ("recharge_settings", nil),
        // An account's identity; its balance changes with every debit and is never kept.
        ("accounts", "kind, workspace_id, user_id, seat_id, name, asset"),
    ]

    /// A counter that triggers move on every change to a table facts are kept from, whoever
    /// writes: one read of it tells a store whether the facts it kept still hold (issue #15.5).
    private static func createFactsVersion(_ db: Database) throws {
        var sql = """
            CREATE TABLE facts_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT;
            INSERT INTO facts_version(id, version) VALUES (1, 0);

            """
        for (table, columns) in factTables {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                let on = event == "UPDATE" ? columns.map { "UPDATE OF \($0)" } ?? event : event
                sql += """
                    CREATE TRIGGER \(table)_\(event.lowercased())_moves_facts AFTER \(on) ON \(table)
                        BEGIN UPDATE facts_version SET version = version + 1 WHERE id = 1; END;

                    """
            }
        }
        try db.execute(sql: sql)
    }

    /// What `check` needs to prove R30 from the ledger (SPEC §10) and what a paused trial keeps (R12a):
    /// each usage event's credit period, the history of member limits (which limit was in force for
    /// each event), and when and from which status a subscription was paused.
    private static func createMoneySafety(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE usage_events ADD COLUMN period_start INTEGER;
            UPDATE usage_events SET period_start = (
                SELECT max(ms.period_start) FROM member_spend ms
                WHERE ms.workspace_id = usage_events.workspace_id AND ms.period_start <= usage_events.created_at);

            -- Every change of a member's credit limit; the limit in force for a usage event is the
            -- newest row set before it (after_usage < the event's id). Limits older than this
            -- migration are unknown: the current ones are recorded as set after every event so far.
            CREATE TABLE member_limits (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                user_id INTEGER NOT NULL,
                credit_limit INTEGER,
                after_usage INTEGER NOT NULL,
                set_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX member_limits_by_member ON member_limits(workspace_id, user_id, after_usage);
            INSERT INTO member_limits(workspace_id, user_id, credit_limit, after_usage, set_at)
                SELECT workspace_id, user_id, credit_limit, ifnull((SELECT max(id) FROM usage_events), 0), joined_at
                FROM members WHERE credit_limit IS NOT NULL;

            ALTER TABLE subscriptions ADD COLUMN paused_at INTEGER;
            ALTER TABLE subscriptions ADD COLUMN paused_from TEXT;
            """)
    }

    /// Subscriptions with the terms they were bought under, cards, invoices and the settlement clock.
    private static func createSubscriptions(_ db: Database) throws {
        try db.execute(sql: """
            -- A team subscription (workspace_id) or a personal one (user_id, no workspace).
            CREATE TABLE subscriptions (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER REFERENCES workspaces(id),
                user_id INTEGER REFERENCES users(id),
                plan TEXT NOT NULL,
                interval TEXT NOT NULL CHECK (interval IN ('monthly', 'yearly', 'one-time')),
                seats INTEGER NOT NULL CHECK (seats >= 1),
                strategy TEXT NOT NULL CHECK (strategy IN ('per_team', 'per_seat')),
                status TEXT NOT NULL,
                terms TEXT NOT NULL,
                credit_anchor INTEGER NOT NULL,
                credit_index INTEGER NOT NULL DEFAULT 0,
                billing_anchor INTEGER NOT NULL,
                billing_index INTEGER NOT NULL DEFAULT 0,
                trial_end INTEGER,
                cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
                scheduled_plan TEXT,
                scheduled_interval TEXT,
                incomplete_since INTEGER,
                failed_at INTEGER,
                retries INTEGER NOT NULL DEFAULT 0,
                grant_withheld INTEGER NOT NULL DEFAULT 0,
                assigned INTEGER NOT NULL DEFAULT 1,
                next_due_at INTEGER,
                created_at INTEGER NOT NULL,
                ended_at INTEGER,
                CHECK ((workspace_id IS NULL) != (user_id IS NULL))
            ) STRICT;
            CREATE UNIQUE INDEX subscriptions_live_team ON subscriptions(workspace_id)
                WHERE workspace_id IS NOT NULL AND ended_at IS NULL;
            CREATE UNIQUE INDEX subscriptions_live_personal ON subscriptions(user_id)
                WHERE user_id IS NOT NULL AND ended_at IS NULL;
            CREATE INDEX subscriptions_due ON subscriptions(next_due_at) WHERE next_due_at IS NOT NULL;

            -- The card on file for a user (the gateway's token; never the number).
            CREATE TABLE cards (
                user_id INTEGER PRIMARY KEY REFERENCES users(id),
                token TEXT NOT NULL,
                last4 TEXT NOT NULL,
                added_at INTEGER NOT NULL
            ) STRICT;

            -- Charges in cents, as the billing portal lists them.
            CREATE TABLE invoices (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER REFERENCES workspaces(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                subscription_id INTEGER REFERENCES subscriptions(id),
                description TEXT NOT NULL,
                amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
                status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
                failure TEXT,
                idempotency_key TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX invoices_by_workspace ON invoices(workspace_id, created_at);
            CREATE INDEX invoices_by_user ON invoices(user_id, created_at);
            """)
    }

    /// Users, workspaces, members, accounts, grants, entries, adjustments and the audit log.
    private static func createLedger(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) STRICT;

            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE workspaces (
                id INTEGER PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE members (
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                role TEXT NOT NULL CHECK (role IN ('primary_owner', 'owner', 'member')),
                access TEXT NOT NULL CHECK (access IN ('seat', 'credits', 'personal')),
                joined_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, user_id)
            ) STRICT, WITHOUT ROWID;
            CREATE UNIQUE INDEX members_one_primary_owner ON members(workspace_id) WHERE role = 'primary_owner';
            CREATE INDEX members_by_user ON members(user_id);

            -- One row per (wallet, asset). System accounts have no workspace and may go negative.
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('team_pool', 'seat', 'personal', 'system')),
                workspace_id INTEGER REFERENCES workspaces(id),
                user_id INTEGER REFERENCES users(id),
                seat_id INTEGER,
                name TEXT,
                asset TEXT NOT NULL,
                balance INTEGER NOT NULL DEFAULT 0,
                CHECK (kind = 'system' OR balance >= 0)
            ) STRICT;
            CREATE UNIQUE INDEX accounts_identity ON accounts(
                kind, ifnull(workspace_id, 0), ifnull(user_id, 0), ifnull(seat_id, 0), ifnull(name, ''), asset);

            -- Credits and allowance units arrive as grants, drawn soonest-expiring first (R18).
            CREATE TABLE grants (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                source TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                amount INTEGER NOT NULL CHECK (amount > 0),
                remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
                expires_at INTEGER,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX grants_burn_order ON grants(account_id, ifnull(expires_at, 9223372036854775807), id)
                WHERE remaining > 0;
            CREATE INDEX grants_expiring ON grants(expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;

            -- The double-entry, append-only ledger (R16), hash-chained (SPEC §10).
            CREATE TABLE entries (
                id INTEGER PRIMARY KEY,
                batch INTEGER NOT NULL,
                asset TEXT NOT NULL,
                from_account INTEGER NOT NULL REFERENCES accounts(id),
                to_account INTEGER NOT NULL REFERENCES accounts(id),
                amount INTEGER NOT NULL CHECK (amount > 0),
                grant_id INTEGER REFERENCES grants(id),
                kind TEXT NOT NULL,
                usage_id INTEGER,
                created_at INTEGER NOT NULL,
                prev_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            ) STRICT;
            CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
            CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

            CREATE TABLE ledger_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_entry_id INTEGER NOT NULL,
                hash BLOB NOT NULL
            ) STRICT;

            -- The Credit Adjustments tab (R22): one row per grant, expiration or correction of credits.
            CREATE TABLE adjustments (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                type TEXT NOT NULL,
                amount INTEGER NOT NULL,
                detail TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX adjustments_by_time ON adjustments(workspace_id, created_at, id);
            CREATE INDEX adjustments_by_type ON adjustments(workspace_id, type, created_at, id);
            CREATE TRIGGER adjustments_no_update BEFORE UPDATE ON adjustments
                BEGIN SELECT RAISE(ABORT, 'adjustments are append-only'); END;
            CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments
                BEGIN SELECT RAISE(ABORT, 'adjustments are append-only'); END;

            -- Everything an admin or operator changes (SPEC §10).
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER REFERENCES workspaces(id),
                actor TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL DEFAULT '',
                before TEXT,
                after TEXT,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX audit_by_workspace ON audit_log(workspace_id, id);
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """)
    }
}
