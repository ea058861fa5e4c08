import Testing
import TerminalUI

/// The four theme variants every widget snapshot is taken in.
enum Variant: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case unicode256, unicodeMono, ascii256, asciiMono
    var theme: Theme {
        switch self {
        case .unicode256: Theme(depth: .full, glyphs: .unicode)
        case .unicodeMono: Theme(depth: .none, glyphs: .unicode)
        case .ascii256: Theme(depth: .full, glyphs: .ascii)
        case .asciiMono: Theme(depth: .none, glyphs: .ascii)
        }
    }
    var testDescription: String { rawValue }
}

/// Screen sizes every widget snapshot is taken at.
enum ScreenSize: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case large = "80x24", small = "40x12"
    var width: Int { self == .large ? 80 : 40 }
    var height: Int { self == .large ? 24 : 12 }
    var testDescription: String { rawValue }
}

/// Compares a buffer (text and styles) with `Snapshots/<name>.txt`; `SNAPSHOT_UPDATE=1` rewrites it.
func expectSnapshot(_ buffer: Buffer, named name: String, sourceLocation: SourceLocation = #_sourceLocation,
                    file: String = #filePath) {
    let directory = String(file[..<file.lastIndex(of: "/")!]) + "/Snapshots"
    let outcome = SnapshotFile.verify(buffer.snapshot(styles: true), named: name, in: directory)
    switch outcome {
    case .matched, .recorded: break
    case .missing(let path): Issue.record("missing snapshot \(path) (run with SNAPSHOT_UPDATE=1)", sourceLocation: sourceLocation)
    case .mismatch(let path, let diff): Issue.record("snapshot \(path) differs at \(diff)", sourceLocation: sourceLocation)
    }
}

/// True when a scalar is one the sanitiser must never let through.
func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
        || v == 0x200E || v == 0x200F || v == 0x061C
}

/// Every grapheme in the buffer, scalar by scalar.
func scalars(of buffer: Buffer) -> [Unicode.Scalar] {
    buffer.cells.flatMap { Array($0.grapheme.unicodeScalars) }
}
