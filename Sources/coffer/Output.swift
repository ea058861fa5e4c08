import CofferCore
import Foundation

/// Printing for the command line: aligned tables, JSON, and one-line errors.
enum Output {
    /// Writes one line to stderr and exits 1 (SPEC §8).
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("coffer: \(message)\n".utf8))
        exit(1)
    }

    /// Writes a warning line to stderr; the command goes on.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("coffer: warning: \(message)\n".utf8))
    }

    /// Writes a hint for the person at the terminal to stderr (stdout stays the command's data).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Prints a value as JSON (snake_case keys chosen by the value's type; sorted keys).
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints an aligned table; columns listed in `rightAligned` (by index) are right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], rightAligned: Set<Int> = []) {
        let cells = rows.map { $0.map(Self.clean) }
        var widths = headers.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        print(line(headers))
        for row in cells { print(line(row)) }
    }

    /// Multi-line text made safe for a terminal: line breaks stay, other control characters and
    /// bidi overrides become `?`.
    static func terminalSafe(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { CofferError.quote(String($0), limit: .max) }.joined(separator: "\n")
    }

    /// Text from the database made safe for a terminal: no control characters or bidi overrides.
    static func clean(_ text: String) -> String {
        CofferError.quote(text, limit: 200)
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
