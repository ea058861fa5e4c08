/// A column/row position on the screen; (0, 0) is the top-left cell.
public struct Point: Sendable, Hashable {
    /// Column.
    public var x: Int
    /// Row.
    public var y: Int
    /// Creates a point.
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// A rectangle of cells. Width and height are never negative.
public struct Rect: Sendable, Hashable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Number of columns.
    public var width: Int
    /// Number of rows.
    public var height: Int

    /// Creates a rectangle; negative sizes become zero.
    public init(x: Int = 0, y: Int = 0, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// One past the right-most column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }
    /// True when the rectangle holds no cell.
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// True when the cell at `point` lies inside.
    public func contains(_ point: Point) -> Bool {
        point.x >= x && point.x < maxX && point.y >= y && point.y < maxY
    }

    /// The overlap of two rectangles (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }

    /// The rectangle shrunk by the given margins on each side.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// The rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect { inset(top: amount, left: amount, bottom: amount, right: amount) }

    /// A rectangle of at most the given size, centred inside this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// The single row `index` rows below the top (clipped to the rectangle).
    public func row(_ index: Int) -> Rect {
        Rect(x: x, y: y + index, width: width, height: index >= 0 && index < height ? 1 : 0)
    }
}

/// How much space a part of a layout wants along the split direction.
public enum Constraint: Sendable, Hashable {
    /// Exactly this many cells (less only when the space runs out).
    case fixed(Int)
    /// A share of what is left after fixed parts, proportional to the weight.
    case flex(Int)
}

extension Rect {
    /// Splits the rectangle into stacked rows, top to bottom.
    public func split(rows constraints: [Constraint]) -> [Rect] {
        Layout.sizes(constraints, total: height).map { Rect(x: x, y: y + $0.start, width: width, height: $0.size) }
    }

    /// Splits the rectangle into side-by-side columns, left to right.
    public func split(columns constraints: [Constraint]) -> [Rect] {
        Layout.sizes(constraints, total: width).map { Rect(x: x + $0.start, y: y, width: $0.size, height: height) }
    }
}

/// Distributes a length among constraints.
enum Layout {
    /// Start offsets and sizes for `constraints` sharing `total` cells.
    static func sizes(_ constraints: [Constraint], total: Int) -> [(start: Int, size: Int)] {
        var remaining = max(0, total)
        var sizes = [Int](repeating: 0, count: constraints.count)
        for (i, c) in constraints.enumerated() {
            if case .fixed(let n) = c {
                sizes[i] = min(max(0, n), remaining)
                remaining -= sizes[i]
            }
        }
        let weights = constraints.map { c -> Int in if case .flex(let w) = c { return max(0, w) } else { return 0 } }
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0 {
            var given = 0
            var lastFlex = 0
            for (i, w) in weights.enumerated() where w > 0 {
                sizes[i] = remaining * w / totalWeight
                given += sizes[i]
                lastFlex = i
            }
            sizes[lastFlex] += remaining - given
        }
        var start = 0
        return sizes.map { size in defer { start += size }; return (start, size) }
    }
}
