import Foundation

/// Translates the SQL the services write (the dialect both backends speak, with SQLite's `?`
/// placeholders) into PostgreSQL's where the two still differ. Runs once per statement, when a
/// connection prepares it.
enum PostgresSQL {
    /// `sql` with `?`/`?N` placeholders as `$N`, `ifnull` as `coalesce`, `LIKE` as `ILIKE`
    /// (SQLite's LIKE ignores ASCII case), `CAST(… AS INTEGER)` as BIGINT, and no `INDEXED BY`
    /// hints (PostgreSQL's planner picks its own indexes).
    static func translate(_ sql: String) -> String {
        placeholders(in: rewritten(sql)) { "$\($0)" }
    }

    /// `sql` as `translate` makes it, with each parameter written in as a literal: what a trace
    /// shows (`CofferStore`'s `trace`, as GRDB's expanded SQL does on SQLite).
    static func expand(_ sql: String, _ values: [Bind]) -> String {
        placeholders(in: rewritten(sql)) { number in
            guard number >= 1, number <= values.count else { return "$\(number)" }
            switch values[number - 1] {
            case .int(let value): return String(value)
            case .text(let value): return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
            case .blob(let bytes): return "'\\x" + bytes.hex + "'::bytea"
            case .null: return "NULL"
            }
        }
    }

    /// `sql` with its `?`/`?N` placeholders (outside string literals) replaced by `parameter(N)`.
    private static func placeholders(in sql: String, _ parameter: (Int) -> String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var inString = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { inString.toggle() }
            guard character == "?", !inString else { output.append(character); continue }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            if digits.isEmpty {
                output += parameter(next)
                next += 1
            } else {
                output += parameter(Int(digits) ?? 0)
            }
        }
        return output
    }

    /// `sql` with the word-level differences rewritten (none of them touches a placeholder).
    private static func rewritten(_ sql: String) -> String {
        var output = sql
        for (pattern, replacement) in rewrites {
            output = pattern.stringByReplacingMatches(in: output, range: NSRange(output.startIndex..., in: output), withTemplate: replacement)
        }
        return output
    }

    /// The word-level differences (none of these words occurs inside the services' string literals).
    private static let rewrites: [(NSRegularExpression, String)] = [
        (#"\bifnull\("#, "coalesce("),
        (#"\bLIKE\b"#, "ILIKE"),
        (#"\bINDEXED BY \w+\s*"#, ""),
        (#"\bAS INTEGER\)"#, "AS BIGINT)"),
    ].map { (try! NSRegularExpression(pattern: $0.0, options: [.caseInsensitive]), $0.1) }
}
