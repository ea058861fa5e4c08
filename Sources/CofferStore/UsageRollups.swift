import CofferCore
import GRDB

/// Where a usage event shows (SPEC §7) and the rollups kept in step with each charge, in the
/// charge's own transaction: the all-time conversations table (and its search index) and the
/// daily totals behind the summary bars.
struct UsageRecordShape {
    /// 1 conversations, 2 MCP-HTTP calls, 3 imports, 0 none of the tabs.
    let tab: Int64
    /// The row's type dimension: billing type, API key or import type.
    let type: String
    let conversationID: String?
    let billingType: String?
    let callID: String?
    let taskID: String?
    let importType: String?
    /// Messages (or generations) in thousandths: the quantity, or one for a metered line.
    let messages: Int64

    /// The shape of a request for a service, with the defaults a row needs filled in.
    init(_ request: UsageRequest, service: Service, quantity: Quantity?) {
        switch service.kind {
        case .conversationMessage, .imageGeneration, .videoGeneration:
            let type = request.billingType ?? (service.kind == .imageGeneration ? "image" : service.kind == .videoGeneration ? "video" : "message")
            self = UsageRecordShape(tab: 1, type: type, conversationID: request.conversationID ?? request.eventID, billingType: type,
                                    callID: nil, taskID: nil, importType: nil, messages: quantity?.milliunits ?? FixedPoint.scale)
        case .mcpHTTPCall:
            self = UsageRecordShape(tab: 2, type: request.apiKey ?? "", conversationID: nil, billingType: nil,
                                    callID: request.callID ?? request.eventID, taskID: nil, importType: nil, messages: 0)
        case .importJob:
            let kind = request.importType ?? (service.slug.hasPrefix("brand") ? "brand" : "product")
            self = UsageRecordShape(tab: 3, type: kind, conversationID: nil, billingType: nil, callID: nil,
                                    taskID: request.taskID ?? request.eventID, importType: kind, messages: 0)
        case .consumable:
            self = UsageRecordShape(tab: 0, type: "", conversationID: nil, billingType: nil, callID: nil, taskID: nil,
                                    importType: nil, messages: 0)
        }
    }

    private init(tab: Int64, type: String, conversationID: String?, billingType: String?, callID: String?, taskID: String?,
                 importType: String?, messages: Int64) {
        (self.tab, self.type, self.conversationID, self.billingType) = (tab, type, conversationID, billingType)
        (self.callID, self.taskID, self.importType, self.messages) = (callID, taskID, importType, messages)
    }

    /// Updates the rollups for one charge line.
    func record(_ db: Database, workspace: Int64, user: Int64, creator: String, title: String?, credits: Int64, at time: Timestamp) throws {
        guard tab != 0 else { return }
        let day = time >= 0 ? time / UTC.day : (time - UTC.day + 1) / UTC.day
        try db.cachedStatement(sql: """
            INSERT INTO usage_daily(workspace_id, tab, type, day, lines, messages, credits) VALUES (?, ?, ?, ?, 1, ?, ?)
            ON CONFLICT DO UPDATE SET lines = lines + 1, messages = messages + excluded.messages, credits = credits + excluded.credits
            """).run(.int(workspace), .int(tab), .text(type), .int(day), .int(messages), .int(credits))
        guard tab == 1, let conversationID, let billingType else { return }
        try db.cachedStatement(sql: """
            INSERT INTO conversations(workspace_id, conversation_id, billing_type, title, user_id, creator, messages, credits, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workspace_id, conversation_id, billing_type) DO UPDATE SET
              messages = messages + excluded.messages, credits = credits + excluded.credits,
              updated_at = max(updated_at, excluded.updated_at),
              title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END
            """).run(.int(workspace), .text(conversationID), .text(billingType), .text(title ?? ""), .int(user), .text(creator),
                     .int(messages), .int(credits), .int(time))
    }
}

/// The conversations' trigram index (SPEC §7 search) is caught up once per write transaction,
/// not per charge line: touching a virtual table early would make every later statement of the
/// transaction open a savepoint on it.
enum SearchIndex {
    /// Indexes the conversations added since the last catch-up.
    static func catchUp(_ db: Database) throws {
        let indexed = try Int64.fetchOne(db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'search_indexed'")) ?? 0
        guard let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM conversations")), newest > indexed else { return }
        try db.cachedStatement(sql: """
            INSERT INTO conversation_search(rowid, conversation_id, title, creator)
            SELECT id, conversation_id, title, creator FROM conversations WHERE id > ? ORDER BY id
            """).execute(arguments: [indexed])
        try db.cachedStatement(sql: """
            INSERT INTO meta(key, value) VALUES ('search_indexed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """).execute(arguments: [String(newest)])
    }
}
