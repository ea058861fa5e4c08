import CNcursesw
import TerminalUI

/// Curses colour pairs, allocated the first time a foreground/background combination is drawn.
struct ColorPairs {
    private struct Key: Hashable { let foreground: Int16, background: Int16 }
    private var cache: [Key: Int16] = [:]
    private var next: Int32 = 1
    /// Colours the terminal has (0 when colour is off).
    let colorCount: Int
    /// Pairs the terminal has.
    let pairCount: Int32

    init(colorCount: Int, pairCount: Int32) {
        self.colorCount = colorCount
        self.pairCount = pairCount
    }

    /// The pair for a style's colours (0, the default pair, when colour is off or pairs ran out).
    mutating func pair(for style: Style) -> Int16 {
        guard colorCount > 0 else { return 0 }
        let key = Key(foreground: index(style.foreground), background: index(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = cache[key] { return pair }
        guard next < min(pairCount, Int32(Int16.max)) else { return 0 }
        let pair = Int16(next)
        guard init_pair(pair, key.foreground, key.background) != ERR else { return 0 }
        next += 1
        cache[key] = pair
        return pair
    }

    /// The curses colour number, folding bright colours onto 8-colour terminals.
    private func index(_ color: Color) -> Int16 {
        guard case .indexed(let n) = color else { return -1 }
        if Int(n) < colorCount { return Int16(n) }
        return n < 16 ? Int16(n - 8) : -1
    }
}
