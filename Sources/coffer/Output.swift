import CofferCore
import CofferPresentation
import Foundation
import TerminalUI

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

    /// A time as people read it, the one format of every table and line (`2026-01-31 09:05`, UTC);
    /// JSON has ISO-8601 (SPEC §8).
    static func time(_ t: Timestamp) -> String { UTC.short(t) }

    /// Prints a value as JSON (snake_case keys chosen by the value's type; sorted keys).
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints an aligned table; columns listed in `rightAligned` (by index) are right-aligned.
    static func table(_ headers: [String], _ rows: [[String]], rightAligned: Set<Int> = []) {
        print(TextTable(headers: headers, rows: rows, rightAligned: rightAligned).text, terminator: "")
    }

    /// Prints a table of the shared presentation's columns (usage tabs, the billing detail sheet).
    static func table(_ table: TextTable) {
        print(table.text, terminator: "")
    }

    /// Multi-line text made safe for a terminal: line breaks stay, other control characters and
    /// bidi overrides become `?`.
    static func terminalSafe(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { CofferError.quote(String($0), limit: .max) }.joined(separator: "\n")
    }

    /// A name or value from the database or the command line, made safe for a one-line message:
    /// control characters show as `?` (as in error messages, so a reader sees something was
    /// there), then the one ``Sanitizer`` drops what is never shown (bidi controls, zero-width
    /// and other invisible characters).
    static func clean(_ text: String) -> String {
        Sanitizer.clean(CofferError.quote(text, limit: 200))
    }
}
