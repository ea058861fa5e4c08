/// Display widths in terminal columns, computed by a pure Swift table.
///
/// The table does not depend on the C library or the locale, so the same string has
/// the same width everywhere: 0 for combining marks and format characters, 2 for East
/// Asian wide/fullwidth characters and emoji presentation sequences, 1 otherwise.
public enum DisplayWidth {
    /// Columns taken by one grapheme cluster (0, 1 or 2).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1 {
            // Flags (two regional indicators) and emoji made explicit with VS16 are wide.
            if isRegionalIndicator(first) { return 2 }
            if first.properties.isEmoji && scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        }
        return of(first)
    }

    /// Columns taken by one scalar on its own (0, 1 or 2); controls count as 0.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }
        if v < 0xA0 { return 0 }
        if isZeroWidth(scalar) { return 0 }
        if scalar.properties.isEmojiPresentation || isWideRange(v) { return 2 }
        return 1
    }

    /// Columns taken by a whole string.
    public static func of(_ string: some StringProtocol) -> Int {
        string.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `string` that fits in `width` columns, and its width.
    public static func prefix(_ string: some StringProtocol, fitting width: Int) -> (text: Substring, width: Int) {
        let s = Substring(string)
        var used = 0
        var end = s.startIndex
        for index in s.indices {
            let w = of(s[index])
            if used + w > width { break }
            used += w
            end = s.index(after: index)
        }
        return (s[s.startIndex..<end], used)
    }

    /// The string cut to `width` columns; an ellipsis marks the cut when one is given.
    ///
    /// With an ellipsis, a figure (a word of digits and `$ , . : - + %`, such as `$1,305.000` or
    /// `2026-11-18`) is never cut inside: it is dropped whole and the ellipsis stands in its place,
    /// so a shortened figure is never shown as if it were a valid one.
    public static func truncate(_ string: String, to width: Int, ellipsis: String = "") -> String {
        guard width > 0 else { return "" }
        if of(string) <= width { return string }
        let whole = prefix(string, fitting: width).text
        if string[whole.endIndex...].allSatisfy({ $0 == " " }) { return String(whole) } // only spaces are lost
        let marker = of(ellipsis) <= width ? ellipsis : ""
        var kept = prefix(string, fitting: width - of(marker)).text
        if !marker.isEmpty, kept.endIndex < string.endIndex, string[kept.endIndex] != " " {
            // The cut falls inside a word: a figure goes whole.
            let wordStart = kept.lastIndex(of: " ").map { kept.index(after: $0) } ?? kept.startIndex
            let word = string[wordStart...].prefix { $0 != " " }
            if isFigure(word) { kept = kept[..<wordStart] }
        }
        return String(kept) + marker
    }

    /// True for a word that is a figure: digits with currency signs and separators, nothing else.
    public static func isFigure(_ word: some StringProtocol) -> Bool {
        word.contains(where: \.isNumber) && word.allSatisfy { $0.isNumber || "$€£¥,.:-+%×/".contains($0) }
    }

    /// The string padded with spaces (or cut, an ellipsis marking the cut) to exactly `width` columns.
    public static func pad(_ string: String, to width: Int, alignment: Alignment = .left, ellipsis: String = "") -> String {
        let cut = truncate(string, to: width, ellipsis: ellipsis)
        let gap = max(0, width - of(cut))
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }

    private static func isRegionalIndicator(_ s: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(s.value)
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return scalar.value != 0xAD
        default: break
        }
        let v = scalar.value
        return (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) || v == 0x200B
    }

    /// East Asian Wide and Fullwidth blocks (emoji are covered by `isEmojiPresentation`).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWideRange(_ v: UInt32) -> Bool {
        guard v >= 0x1100 else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if v < wideRanges[mid].lowerBound { high = mid - 1 }
            else if v > wideRanges[mid].upperBound { low = mid + 1 }
            else { return true }
        }
        return false
    }
}

/// Horizontal placement of text inside a wider space.
public enum Alignment: Sendable, Hashable {
    /// Flush left.
    case left
    /// Flush right (numbers, amounts).
    case right
    /// Centred.
    case center
}
