/// A ``TableDataSource`` that loads rows in windows through a closure and keeps the last window.
///
/// Redrawing the same page (on a tick, or after a key that does not scroll) costs no load;
/// scrolling a little stays inside the window thanks to `overscan` extra rows each side.
/// Call ``invalidate(rowCount:)`` when the underlying data changes.
public final class TableWindowCache: TableDataSource {
    /// Total number of rows.
    public private(set) var rowCount: Int
    /// Extra rows loaded before and after each requested window.
    public let overscan: Int
    private let load: (Range<Int>) -> [[TableCell]]
    private var window: Range<Int> = 0..<0
    private var rows: [[TableCell]] = []

    /// Creates a cache over `rowCount` rows; `load` returns the rows of a range, in order.
    public init(rowCount: Int, overscan: Int = 50, load: @escaping (Range<Int>) -> [[TableCell]]) {
        self.rowCount = rowCount
        self.overscan = max(0, overscan)
        self.load = load
    }

    /// The rows in `range`, loading a new window only when `range` is not inside the cached one.
    public func rows(in range: Range<Int>) -> [[TableCell]] {
        let range = range.clamped(to: 0..<rowCount)
        if !(window.lowerBound <= range.lowerBound && range.upperBound <= window.upperBound) {
            window = max(0, range.lowerBound - overscan)..<min(rowCount, range.upperBound + overscan)
            rows = load(window)
        }
        let start = range.lowerBound - window.lowerBound
        let end = min(rows.count, range.upperBound - window.lowerBound)
        return start < end ? Array(rows[start..<end]) : []
    }

    /// Forgets the cached window (and takes a new row count, when given).
    public func invalidate(rowCount: Int? = nil) {
        if let rowCount { self.rowCount = rowCount }
        window = 0..<0
        rows = []
    }
}
