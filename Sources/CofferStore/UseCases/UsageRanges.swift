import CofferCore

/// How a date range meets the daily rollups (SPEC §11): whole UTC days are read from the
/// rollups, the partial days at either end from the lines themselves.
enum UsageRanges {
    /// Whole UTC days as day numbers, `[from, to)`.
    typealias Days = (from: Int64, to: Int64)
    /// A piece of a day in seconds, `[from, to)`.
    typealias Piece = (from: Int64, to: Int64)

    /// Splits `[from, to)` into whole UTC days (as day numbers) and the partial pieces at either end.
    static func split(from: Timestamp?, to: Timestamp?) -> (days: Days?, pieces: [Piece]) {
        let lower = from ?? Int64.min / 2, upper = to ?? Int64.max / 2
        let firstDay = (UsageFilter.dayStart(lower) == lower ? lower : UsageFilter.dayStart(lower) + UTC.day) / UTC.day
        let lastDay = UsageFilter.dayStart(upper) / UTC.day
        guard firstDay < lastDay else { return (nil, lower < upper ? [(lower, upper)] : []) }
        var pieces: [Piece] = []
        if lower < firstDay * UTC.day { pieces.append((lower, firstDay * UTC.day)) }
        if lastDay * UTC.day < upper { pieces.append((lastDay * UTC.day, upper)) }
        return ((firstDay, lastDay), pieces)
    }

    /// `split`, with a partial day counted as whole when the rest of that day holds no line of
    /// `tab`: typically today, under a range that ends now, whose rollups then serve it instead of
    /// its lines (thousands of them on a busy day).
    static func split(_ filter: UsageFilter, tab: EventTab, workspace: Int64, sql: any StorageConnection) throws
        -> (days: Days?, pieces: [Piece]) {
        var (days, pieces) = split(from: filter.from, to: filter.to)
        pieces = try pieces.filter { piece in
            let start = UsageFilter.dayStart(piece.from), day = start / UTC.day
            guard start == UsageFilter.dayStart(piece.to - 1) else { return true } // spans two days
            let adjacent = days.map { day == $0.to || day + 1 == $0.from } ?? true
            guard adjacent else { return true }
            let restHasLines = try sql.first("""
                SELECT EXISTS (SELECT 1 FROM usage_events WHERE workspace_id = ? AND tab = ? AND created_at >= ? AND created_at < ?)
                    OR EXISTS (SELECT 1 FROM usage_events WHERE workspace_id = ? AND tab = ? AND created_at >= ? AND created_at < ?)
                """, [.int(workspace), .int(tab.rawValue), .int(start), .int(piece.from),
                      .int(workspace), .int(tab.rawValue), .int(piece.to), .int(start + UTC.day)]) { $0.bool(0) } ?? false
            guard !restHasLines else { return true }
            days = days.map { (min($0.from, day), max($0.to, day + 1)) } ?? (day, day + 1)
            return false
        }
        return (days, pieces)
    }

    /// `?, ?, …` for `ids`, padded to a power of two (at least 8) by repeating the last id: a
    /// statement's text then depends on the list's size class only, so a few prepared statements
    /// serve every page. Repeated ids change no result of `IN (…)`.
    static func idList(_ ids: [Int64]) -> (sql: String, binds: [Bind]) {
        var size = 8
        while size < ids.count { size *= 2 }
        let padded = ids + Array(repeating: ids.last ?? 0, count: size - ids.count)
        return (Array(repeating: "?", count: size).joined(separator: ", "), padded.map { .int($0) })
    }
}
