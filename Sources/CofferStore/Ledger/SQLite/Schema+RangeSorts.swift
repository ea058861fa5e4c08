import GRDB

extension Schema {
    /// What the Conversations tab needs to sort and total a date range without grouping every
    /// conversation in it (SPEC §11, issue #18.5), filled in for what was written before:
    ///
    /// - `conversations.first_at`, its first line: a conversation whose first and latest lines both
    ///   lie in a range has its all-time totals there, so a sort by messages or credits walks the
    ///   all-time totals in order (`conversations_by_messages`, `conversations_by_credits`, which
    ///   carry the times and the billing type so the walk reads the index alone);
    /// - `conversation_days.first_at`, the conversation's first line that day: which conversations
    ///   have a line in the partial day at the end of a range, without reading that day's lines;
    /// - `conversation_day_counts`, conversations per day and billing type, and the index of the
    ///   days a conversation came back on (`prev_day`): a range's distinct conversations are the
    ///   days' counts less those that came back within it, without reading every conversation-day;
    /// - `usage_by_time` carries each line's messages and credits: a partial day's totals come
    ///   from the index alone.
    static func createRangeSorts(_ db: Database) throws {
        let conversationLines = """
            u.workspace_id = c.workspace_id AND u.conversation_id = c.conversation_id AND u.billing_type = c.billing_type AND u.tab = 1
            """
        try db.execute(sql: """
            ALTER TABLE conversations ADD COLUMN first_at INTEGER NOT NULL DEFAULT 0;
            UPDATE conversations AS c SET first_at = ifnull((SELECT min(u.created_at) FROM usage_events u WHERE \(conversationLines)), c.updated_at);
            CREATE INDEX conversations_by_messages ON conversations(workspace_id, messages, id, first_at, updated_at, billing_type);
            CREATE INDEX conversations_by_credits ON conversations(workspace_id, credits, id, first_at, updated_at, billing_type);

            ALTER TABLE conversation_days ADD COLUMN first_at INTEGER NOT NULL DEFAULT 0;
            UPDATE conversation_days AS d SET first_at = ifnull((
                SELECT min(u.created_at) FROM conversations c JOIN usage_events u ON \(conversationLines)
                WHERE c.id = d.conversation AND u.created_at >= d.day * 86400 AND u.created_at < (d.day + 1) * 86400), d.last_at);
            CREATE INDEX conversation_days_returning ON conversation_days(workspace_id, prev_day, day, billing_type) WHERE prev_day IS NOT NULL;

            CREATE TABLE conversation_day_counts (
                workspace_id INTEGER NOT NULL,
                day INTEGER NOT NULL,
                billing_type TEXT NOT NULL,
                conversations INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, day, billing_type)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO conversation_day_counts(workspace_id, day, billing_type, conversations)
            SELECT workspace_id, day, billing_type, count(*) FROM conversation_days GROUP BY workspace_id, day, billing_type;

            DROP INDEX usage_by_time;
            CREATE INDEX usage_by_time ON usage_events(workspace_id, tab, created_at, id, messages, credits);
            """)
    }
}
