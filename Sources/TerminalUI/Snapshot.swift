import Foundation

extension Buffer {
    /// A text picture of the buffer: one line per row, and optionally a style layer.
    ///
    /// With `styles`, a line `-- styles --` follows the text, then one line per row where each
    /// cell is a letter naming its style (`.` for plain; a continuation repeats its lead's letter),
    /// then a legend `a: fg=… bg=… bold …` for every letter used, and the cursor position if shown.
    public func snapshot(styles: Bool = false) -> String {
        var out = (0..<height).map { line($0) }
        guard styles else { return out.joined(separator: "\n") + "\n" }
        var letters: [Style: Character] = [.plain: "."]
        var legend: [String] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        out.append("-- styles --")
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let style = self[x, y].style
                if letters[style] == nil {
                    let letter = legend.count < alphabet.count ? alphabet[legend.count] : "?"
                    letters[style] = letter
                    legend.append("\(letter): \(Self.describe(style))")
                }
                row.append(letters[style]!)
            }
            out.append(row)
        }
        if let cursor { legend.append("cursor: \(cursor.x),\(cursor.y)") }
        return (out + legend).joined(separator: "\n") + "\n"
    }

    private static func describe(_ style: Style) -> String {
        func color(_ c: Color) -> String { if case .indexed(let n) = c { "\(n)" } else { "default" } }
        var parts = ["fg=\(color(style.foreground))", "bg=\(color(style.background))"]
        if style.bold { parts.append("bold") }
        if style.reverse { parts.append("reverse") }
        if style.dim { parts.append("dim") }
        if style.underline { parts.append("underline") }
        return parts.joined(separator: " ")
    }
}

/// Compares text snapshots with files on disk, for tests.
public enum SnapshotFile {
    /// The outcome of a comparison.
    public enum Outcome: Sendable, Equatable {
        /// The file exists and matches.
        case matched
        /// The file was written because updating was requested.
        case recorded
        /// There is no file and updating was not requested.
        case missing(path: String)
        /// The file differs; `diff` names the first differing line.
        case mismatch(path: String, diff: String)

        /// True for `.matched` and `.recorded`.
        public var passed: Bool { self == .matched || self == .recorded }
    }

    /// True when the environment asks for snapshots to be rewritten (`SNAPSHOT_UPDATE=1`).
    public static var updateRequested: Bool { ProcessInfo.processInfo.environment["SNAPSHOT_UPDATE"] == "1" }

    /// Compares `actual` with `directory/name.txt`, rewriting the file instead when `update` is true.
    public static func verify(_ actual: String, named name: String, in directory: String,
                              update: Bool = updateRequested) -> Outcome {
        let path = directory + "/" + name + ".txt"
        if update {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(actual.utf8)) else {
                return .mismatch(path: path, diff: "could not write the snapshot")
            }
            return .recorded
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .missing(path: path) }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return .matched }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
        let want = line < e.count ? String(e[line]) : "<end>", got = line < a.count ? String(a[line]) : "<end>"
        return .mismatch(path: path, diff: "line \(line + 1):\n  expected: \(want)\n  actual:   \(got)\n\(actual)")
    }
}
