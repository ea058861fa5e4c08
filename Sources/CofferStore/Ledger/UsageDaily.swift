import CofferCore

/// Reads of the daily rollup (`usage_daily`, kept in step with every charge): what the charged usage
/// tabs cost per UTC day, without touching the charge lines (SPEC §11: fast at a million records).
enum UsageDaily {
    /// The longest series one read returns: a century of days.
    static let maximumDays: Int64 = 36_600

    /// Credits the workspace's usage records — conversations, calls and imports — charged on each UTC
    /// day of `days` (day numbers since the epoch), oldest first, zero on days without any.
    static func credits(_ sql: any StorageConnection, workspace: Int64, days: ClosedRange<Int64>) throws -> [Credits] {
        let (span, overflow) = days.upperBound.subtractingReportingOverflow(days.lowerBound)
        guard !overflow, span < maximumDays else {
            throw CofferError("A daily series covers at most \(maximumDays) days")
        }
        var totals = [Credits](repeating: .zero, count: Int(span) + 1)
        let query = creditsQuery(workspace: workspace, days: days)
        try sql.each(query.sql, query.values) { row in
            totals[Int(row.int(0) - days.lowerBound)] = Credits(millicredits: row.int(1))
            return true
        }
        return totals
    }

    /// The statement `credits` runs (for `readAhead`).
    static func creditsQuery(workspace: Int64, days: ClosedRange<Int64>) -> Query {
        let tabs = [EventTab.conversations, .calls, .imports].map { String($0.rawValue) }.joined(separator: ", ")
        return Query("""
            SELECT day, sum(credits) FROM usage_daily WHERE workspace_id = ? AND tab IN (\(tabs)) AND day >= ? AND day <= ?
            GROUP BY day
            """, .int(workspace), .int(days.lowerBound), .int(days.upperBound))
    }
}
