import CofferCore
import GRDB

/// How a date range meets the daily rollups (SPEC §11): whole UTC days are read from the
/// rollups, the partial days at either end from the lines themselves.
enum UsageRanges {
    /// Splits `[from, to)` into whole UTC days (as day numbers) and the partial pieces at either end.
    static func split(from: Timestamp?, to: Timestamp?) -> (days: (from: Int64, to: Int64)?, pieces: [(from: Int64, to: Int64)]) {
        let lower = from ?? Int64.min / 2, upper = to ?? Int64.max / 2
        let firstDay = (UsageFilter.dayStart(lower) == lower ? lower : UsageFilter.dayStart(lower) + UTC.day) / UTC.day
        let lastDay = UsageFilter.dayStart(upper) / UTC.day
        guard firstDay < lastDay else { return (nil, lower < upper ? [(lower, upper)] : []) }
        var pieces: [(Int64, Int64)] = []
        if lower < firstDay * UTC.day { pieces.append((lower, firstDay * UTC.day)) }
        if lastDay * UTC.day < upper { pieces.append((lastDay * UTC.day, upper)) }
        return ((firstDay, lastDay), pieces)
    }

    /// `split`, with a partial day counted as whole when the rest of that day holds no line of
    /// `tab`: typically today, under a range that ends now, whose rollups then serve it instead of
    /// its lines (thousands of them on a busy day).
    static func split(_ filter: UsageFilter, tab: Int64, workspace: Int64, db: Database) throws
        -> (days: (from: Int64, to: Int64)?, pieces: [(from: Int64, to: Int64)]) {
        var (days, pieces) = split(from: filter.from, to: filter.to)
        pieces = try pieces.filter { piece in
            let start = UsageFilter.dayStart(piece.from), day = start / UTC.day
            guard start == UsageFilter.dayStart(piece.to - 1) else { return true } // spans two days
            let adjacent = days.map { day == $0.to || day + 1 == $0.from } ?? true
            guard adjacent, try !Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM usage_events WHERE workspace_id = ? AND tab = ? AND created_at >= ? AND created_at < ?)
                    OR EXISTS (SELECT 1 FROM usage_events WHERE workspace_id = ? AND tab = ? AND created_at >= ? AND created_at < ?)
                """, arguments: [workspace, tab, start, piece.from, workspace, tab, piece.to, start + UTC.day])! else { return true }
            days = days.map { (min($0.from, day), max($0.to, day + 1)) } ?? (day, day + 1)
            return false
        }
        return (days, pieces)
    }
}
