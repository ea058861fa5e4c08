import Foundation
import Testing

/// Bad `usage import` files (issue #10, R1, R33): truncated lines, wrong types, missing fields,
/// duplicate ids, a 10 MB line, invalid UTF-8, NUL bytes. Each bad line is refused with its
/// number and reason, each good line is recorded exactly once, nothing else is written, and the
/// same file again changes nothing.
@Suite("Import matrix (R1, R33)")
struct ImportMatrixTests {
    /// What must become of one line.
    enum Outcome: Equatable {
        case inserted(String), duplicate, skipped
        /// Refused, with a reason containing this text.
        case rejected(String)
    }

    static func line(_ text: String) -> Data { Data(text.utf8) }

    /// The table: one line of the file each, in order.
    static let table: [(Data, Outcome)] = [
        (Data([0xEF, 0xBB, 0xBF]) + line(#"{"id": "bom", "service": "gpt-4o"}"#), .inserted("bom")),
        (line(#"{"id": "t1", "serv"#), .rejected("not a JSON object")),
        (line(#"{"id": 5, "service": "gpt-4o"}"#), .rejected("id: expected a string")),
        (line(#"{"id": "t2", "service": ["gpt-4o"]}"#), .rejected("service: expected a string")),
        (line(#"{"id": "t3", "service": "gpt-4o", "quantity": 1.5}"#), .rejected("write amounts as strings")),
        (line(#"{"id": "t4", "service": "gpt-4o", "quantity": true}"#), .rejected("quantity: expected an amount")),
        (line(#"{"id": "t5", "service": "gpt-4o", "quantity": "1e3"}"#), .rejected("Not an amount: 1e3")),
        (line(#"{"id": "t6", "service": "gpt-4o", "quantity": "NaN"}"#), .rejected("Not an amount: NaN")),
        (line(#"{"id": "t7", "service": "gpt-4o", "quantity": "-1"}"#), .rejected("Quantity must be greater than zero")),
        (line(#"{"id": "t8", "service": "gpt-4o", "quantity": 99999999999999999999}"#), .rejected("write amounts as strings")),
        (line(#"{"id": "t9", "service": "gpt-4o", "credits": "1.2345"}"#), .rejected("Amounts have at most three decimals: 1.2345")),
        (line(#"{"id": "t10", "service": "gpt-4o", "credits": "１２"}"#), .rejected("Not an amount")),
        (line(#"{"id": "t11", "service": "gpt-4o", "credits": -3}"#), .rejected("Amount must be greater than zero")),
        (line(#"{"id": "t12", "service": "gpt-4o", "credits": "0"}"#), .rejected("Amount must be greater than zero")),
        (line(#"{"id": "t13", "service": "gpt-4o", "credits": "1", "quantity": "1"}"#), .rejected("not both")),
        (line(#"{"id": "t14", "service": "gpt-4o", "type": "audio"}"#), .rejected("Billing types are message, image or video")),
        (line(#"{"id": "t15", "service": "brand-import", "import_type": "x"}"#), .rejected("Import types are brand or product")),
        (line(#"{"service": "gpt-4o"}"#), .rejected("id: missing")),
        (line(#"{"id": "t16"}"#), .rejected("service: missing")),
        (line("{}"), .rejected("id: missing")),
        (line("[]"), .rejected("not a JSON object")),
        (line(#""just a string""#), .rejected("not a JSON object")),
        (line("42"), .rejected("not a JSON object")),
        (line("null"), .rejected("not a JSON object")),
        (line(#"{"id": "t17", "service": "gpt-4o", "colour": "red"}"#), .rejected("unknown field colour")),
        (line(#"{"id": "t18", "service": "gpt-4o", "\u001b[31m": 1}"#), .rejected("unknown field ?[31m")),
        (line(#"{"id": "t19", "service": "gpt-4o", "workspace": "globex"}"#), .rejected("workspace globex is not the one being imported into (acme)")),
        (line(#"{"id": "t20", "service": "gpt-4o", "for": "nobody@acme.test"}"#), .rejected("nobody@acme.test is not a member")),
        (line(#"{"id": "t21", "service": "gpt-4o", "for": "not an email"}"#), .rejected("Invalid email")),
        (line(#"{"id": "t22", "service": "gpt-5"}"#), .rejected("gpt-5")),
        (line(#"{"id": "dup", "service": "gpt-4o", "title": "first"}"#), .inserted("dup")),
        (line(#"{"id": "dup", "service": "gpt-4o", "title": "first"}"#), .duplicate),
        (line(#"{"id": "dup", "service": "gpt-4o", "title": "second"}"#), .rejected("Usage event dup was already recorded with a different payload")),
        (line(#"{"id": "huge", "service": "gpt-4o", "title": ""#) + Data(repeating: 0x78, count: 10 << 20) + line(#""}"#),
         .rejected("line is longer than 1048576 bytes")),
        (line(#"{"id": "after-huge", "service": "gpt-4o"}"#), .inserted("after-huge")),
        (line(#"{"id": "utf8", "service": "gpt-4o", "title": ""#) + Data([0xFF, 0xFE, 0xC0, 0xAF]) + line(#""}"#), .rejected("not valid UTF-8")),
        (line(#"{"id": "raw-nul"#) + Data([0]) + line(#"", "service": "gpt-4o"}"#), .rejected("id: expected a string")),
        (line(#"{"id": "nul", "service": "gpt-4o", "title": "a\u0000b"}"#), .rejected("The title contains a NUL character")),
        (line(#"{"id": "surrogate", "service": "gpt-4o", "title": "\ud800"}"#), .rejected("title: expected a string")),
        (line(#"{"id": "\#(String(repeating: "i", count: 201))", "service": "gpt-4o"}"#), .rejected("An event id has 1 to 200 characters")),
        (line(#"{"id": "", "service": "gpt-4o"}"#), .rejected("An event id has 1 to 200 characters")),
        (line(#"{"id": "long-title", "service": "gpt-4o", "title": "\#(String(repeating: "t", count: 20_001))"}"#), .rejected("The title is longer than 20,000 bytes")),
        (line(#"{"id": "t23", "service": "gpt-4o", "title": {"nested": 1}}"#), .rejected("title: expected a string")),
        (line(#"{"id": "crlf", "service": "gpt-4o"}"#) + Data([0x0D]), .inserted("crlf")),
        (line("   \t"), .skipped),
        (line(#"{"id": "hostile", "service": "gpt-4o", "title": "\u001b]0;pwned\u0007\u202Eevil\u200B"}"#), .inserted("hostile")),
        (line(#"{"id": "last", "service": "gpt-4o"}"#), .inserted("last")), // no newline after the last line
    ]

    /// The import's JSON report.
    struct Report: Decodable {
        struct Rejection: Decodable { let line: Int; let reason: String }
        let inserted, duplicate, rejected: Int
        let errors: [Rejection]
    }

    @Test("Every bad line refused with its number and reason, every good line once, nothing else written; again changes nothing", arguments: [1, 7, 2_000])
    func matrix(batch: Int) throws {
        let cli = try CofferCLI()
        try cli.team()
        let file = cli.folder.appendingPathComponent("matrix.jsonl")
        try Data(Self.table.map(\.0).joined(separator: Data([0x0A]))).write(to: file)
        let before = try Self.events(cli)
        let run = try cli.run("usage", "import", file.path, "--batch", String(batch), "--json")
        #expect(run.status == 1 && run.signal == nil, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        var inserted: Set<String> = []
        for (index, (_, outcome)) in Self.table.enumerated() {
            let number = index + 1
            let refusal = report.errors.first { $0.line == number }
            switch outcome {
            case .rejected(let reason):
                #expect(refusal?.reason.contains(reason) == true, "line \(number): \(refusal?.reason ?? "not refused"), expected \(reason)")
            case .inserted(let id):
                inserted.insert(id)
                #expect(refusal == nil, "line \(number) refused: \(refusal?.reason ?? "")")
            case .duplicate, .skipped:
                #expect(refusal == nil, "line \(number) refused: \(refusal?.reason ?? "")")
            }
        }
        let rejected = Self.table.filter { if case .rejected = $0.1 { true } else { false } }.count
        #expect(report.inserted == inserted.count && report.duplicate == 1 && report.rejected == rejected, "\(report)")
        #expect(try Self.events(cli) == before.union(inserted), "the recorded events are not exactly the good lines")
        try cli.expectSound()
        // The same file again: nothing new, the same refusals, no escape sequence reaches the terminal.
        let digest = try cli.digest()
        let again = try cli.run("usage", "import", file.path, "--batch", String(batch))
        #expect(again.stdout.hasSuffix("inserted 0, duplicate \(inserted.count + 1), rejected \(rejected)\n"), "\(again.stdout.suffix(200))")
        #expect(!again.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x202A...0x202E).contains($0.value) })
        #expect(try cli.digest() == digest)
    }

    /// The event ids recorded in the database.
    static func events(_ cli: CofferCLI) throws -> Set<String> {
        Set(try cli.column("SELECT event_key FROM usage_events").map { $0 ?? "<NULL>" })
    }

    @Test("Files that cannot be read: missing, a folder, empty, only invalid UTF-8 — clean refusals or nothing done")
    func unreadable() throws {
        let cli = try CofferCLI()
        try cli.team()
        let digest = try cli.digest()
        expectRefusal(try cli.run("usage", "import", cli.folder.appendingPathComponent("missing.jsonl").path), "Cannot read")
        expectRefusal(try cli.run("usage", "import", cli.folder.path), "it is a folder")
        let empty = cli.folder.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        let none = try cli.run("usage", "import", empty.path)
        #expect(none.status == 0 && none.stdout == "inserted 0, duplicate 0, rejected 0\n", "\(none.stdout)\(none.stderr)")
        let binary = cli.folder.appendingPathComponent("binary.jsonl")
        try Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) | 0x80 }).write(to: binary)
        let garbage = try cli.run("usage", "import", binary.path)
        #expect(garbage.status == 1 && garbage.signal == nil && garbage.stdout.contains("not valid UTF-8"), "\(garbage.stdout)\(garbage.stderr)")
        #expect(try cli.digest() == digest)
    }
}
