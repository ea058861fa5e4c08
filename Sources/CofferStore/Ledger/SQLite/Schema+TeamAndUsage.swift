import GRDB

/// Migrations v3–v5: the team, consumption and the usage records' rollups.
extension Schema {
    /// Seats (R26), member limits and pending invitations, scheduled seat changes, and each
    /// member's spending per credit period (for limits, R30).
    static func createTeam(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE members ADD COLUMN previous_access TEXT;
            ALTER TABLE members ADD COLUMN credit_limit INTEGER;
            ALTER TABLE members ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

            -- A seat keeps its identity (and, under PER_SEAT, its wallet) when it is replaced.
            CREATE TABLE seats (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                multiplier INTEGER NOT NULL DEFAULT 1 CHECK (multiplier BETWEEN 1 AND 10),
                added_at INTEGER NOT NULL,
                removed_at INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX seats_live ON seats(workspace_id, user_id) WHERE removed_at IS NULL;
            INSERT INTO seats(workspace_id, user_id, added_at)
                SELECT workspace_id, user_id, joined_at FROM members WHERE access = 'seat';

            ALTER TABLE subscriptions ADD COLUMN scheduled_seats INTEGER;

            CREATE TABLE member_spend (
                workspace_id INTEGER NOT NULL,
                user_id INTEGER NOT NULL,
                period_start INTEGER NOT NULL,
                used INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (workspace_id, user_id, period_start)
            ) STRICT, WITHOUT ROWID;
            """)
    }

    /// Usage events (R33), API keys, the model whitelist, auto-recharge (R34–R36) and
    /// low-balance alerts (R24) with their outbox.
    static func createConsumption(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE usage_events (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                event_key TEXT NOT NULL,
                payload_hash TEXT NOT NULL,
                user_id INTEGER NOT NULL REFERENCES users(id),
                recorded_by INTEGER NOT NULL REFERENCES users(id),
                service TEXT NOT NULL,
                kind TEXT NOT NULL,
                quantity INTEGER,
                credits INTEGER NOT NULL,
                units INTEGER NOT NULL,
                value INTEGER NOT NULL,
                conversation_id TEXT,
                title TEXT,
                billing_type TEXT,
                api_key TEXT,
                call_id TEXT,
                task_id TEXT,
                import_type TEXT,
                url TEXT,
                wallets TEXT NOT NULL,
                balance INTEGER NOT NULL,
                unlimited INTEGER NOT NULL,
                recharge TEXT,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE UNIQUE INDEX usage_events_key ON usage_events(workspace_id, event_key);

            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (workspace_id, name)
            ) STRICT;

            CREATE TABLE whitelist (
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                service TEXT NOT NULL,
                PRIMARY KEY (workspace_id, service)
            ) STRICT, WITHOUT ROWID;

            -- seat_id 0: the team's settings (PER_TEAM); else one seat's (PER_SEAT).
            CREATE TABLE recharge_settings (
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                seat_id INTEGER NOT NULL DEFAULT 0,
                enabled INTEGER NOT NULL,
                threshold INTEGER NOT NULL,
                amount INTEGER NOT NULL,
                max_period_spend INTEGER,
                PRIMARY KEY (workspace_id, seat_id)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE recharge_spend (
                workspace_id INTEGER NOT NULL,
                seat_id INTEGER NOT NULL,
                period_start INTEGER NOT NULL,
                spent INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, seat_id, period_start)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE recharge_log (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                seat_id INTEGER NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('recharged', 'refused', 'declined')),
                message TEXT NOT NULL,
                cost INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX recharge_log_by_workspace ON recharge_log(workspace_id, id);

            ALTER TABLE workspaces ADD COLUMN alert_threshold INTEGER;
            -- The outbox: every alert raised, for whatever delivers them.
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                delivered_at INTEGER
            ) STRICT;
            CREATE INDEX alerts_by_workspace ON alerts(workspace_id, id);
            """)
    }

    /// The four usage tabs (SPEC §7): indexes that match their filters and sorts, rollups kept in
    /// the charge's transaction, and a trigram index for search.
    static func createUsageRecords(_ db: Database) throws {
        try db.execute(sql: """
            -- 1 conversations, 2 MCP-HTTP calls, 3 imports, 0 anything else.
            ALTER TABLE usage_events ADD COLUMN tab INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE usage_events ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX usage_by_time ON usage_events(workspace_id, tab, created_at, id);
            CREATE INDEX usage_by_credits ON usage_events(workspace_id, tab, credits, id) WHERE tab IN (2, 3);
            CREATE INDEX usage_by_conversation ON usage_events(workspace_id, conversation_id, billing_type, created_at)
                WHERE tab = 1;
            CREATE INDEX usage_by_key ON usage_events(workspace_id, api_key, created_at, id) WHERE tab = 2;
            CREATE INDEX usage_by_import_type ON usage_events(workspace_id, import_type, created_at, id) WHERE tab = 3;
            CREATE INDEX entries_by_usage ON entries(usage_id) WHERE usage_id IS NOT NULL;
            CREATE INDEX adjustments_by_amount ON adjustments(workspace_id, amount, id);

            -- One row per (conversation, billing type), all time: the unfiltered tab and search.
            CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                conversation_id TEXT NOT NULL,
                billing_type TEXT NOT NULL,
                title TEXT NOT NULL,
                user_id INTEGER NOT NULL,
                creator TEXT NOT NULL,
                messages INTEGER NOT NULL,
                credits INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (workspace_id, conversation_id, billing_type)
            ) STRICT;
            CREATE INDEX conversations_by_updated ON conversations(workspace_id, updated_at, id);
            CREATE VIRTUAL TABLE conversation_search USING fts5(
                conversation_id, title, creator, content = 'conversations', content_rowid = 'id', tokenize = 'trigram');
            -- New conversations join the search index when their transaction ends (SearchIndex.catchUp);
            -- a changed title is re-indexed at once.
            CREATE TRIGGER conversations_search_update AFTER UPDATE OF title ON conversations
                WHEN old.title != new.title
                 AND old.id <= ifnull((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'), 0) BEGIN
                INSERT INTO conversation_search(conversation_search, rowid, conversation_id, title, creator)
                VALUES ('delete', old.id, old.conversation_id, old.title, old.creator);
                INSERT INTO conversation_search(rowid, conversation_id, title, creator)
                VALUES (new.id, new.conversation_id, new.title, new.creator);
            END;

            -- Each conversation's lines per day: a date range reads whole days here and only its two
            -- partial days from the charge lines (SPEC §7 applies dates to lines).
            CREATE TABLE conversation_days (
                workspace_id INTEGER NOT NULL,
                day INTEGER NOT NULL,
                conversation INTEGER NOT NULL,
                billing_type TEXT NOT NULL,
                messages INTEGER NOT NULL,
                credits INTEGER NOT NULL,
                last_at INTEGER NOT NULL,
                -- The previous day this conversation had lines: a range counts a conversation once,
                -- on its first day in the range (prev_day before the range), without DISTINCT.
                prev_day INTEGER,
                PRIMARY KEY (workspace_id, day, conversation)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX conversation_days_recent ON conversation_days(workspace_id, day, last_at, conversation);
            CREATE INDEX conversation_days_by_conversation ON conversation_days(workspace_id, conversation, day);

            -- Daily totals per tab and type (billing type, API key or import type), for summaries.
            CREATE TABLE usage_daily (
                workspace_id INTEGER NOT NULL,
                tab INTEGER NOT NULL,
                type TEXT NOT NULL,
                day INTEGER NOT NULL,
                lines INTEGER NOT NULL,
                messages INTEGER NOT NULL,
                credits INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, tab, type, day)
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
