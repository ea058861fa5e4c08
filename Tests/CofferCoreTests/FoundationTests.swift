import CofferCore
import Foundation
import Testing

@Suite("UTC time (R4a)")
struct UTCTests {
    @Test("ISO-8601 parses and prints", arguments: [
        ("2026-01-31", "2026-01-31T00:00:00Z"), ("2026-01-31T09:05", "2026-01-31T09:05:00Z"),
        ("2026-01-31T09:05:07Z", "2026-01-31T09:05:07Z"), ("2026-01-31T09:05:07.250Z", "2026-01-31T09:05:07Z"),
        ("2026-01-31T09:05:07+02:00", "2026-01-31T07:05:07Z"), ("2024-02-29T23:59:59-00:30", "2024-03-01T00:29:59Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
    ])
    func isoRoundTrip(text: String, expected: String) throws {
        #expect(UTC.iso(try UTC.parse(text)) == expected)
    }

    @Test("Bad dates are refused", arguments: ["2026-02-30", "2025-02-29", "2026-13-01", "2026-1-1", "yesterday", "", "2026-01-01T24:00", "2026-01-01X"])
    func badDates(text: String) {
        #expect(throws: CofferError.self) { try UTC.parse(text) }
    }

    @Test("R4a: an anchor on the 31st falls on the month's last day and returns after")
    func anchorOnThirtyFirst() throws {
        let anchor = try UTC.parse("2024-01-31T10:00:00Z")
        let starts = (0...4).map { UTC.iso(UTC.addingMonths($0, to: anchor)) }
        #expect(starts == ["2024-01-31T10:00:00Z", "2024-02-29T10:00:00Z", "2024-03-31T10:00:00Z",
                           "2024-04-30T10:00:00Z", "2024-05-31T10:00:00Z"])
        let common = try UTC.parse("2025-01-31T00:00:00Z")
        #expect(UTC.iso(UTC.addingMonths(1, to: common)) == "2025-02-28T00:00:00Z")
        #expect(UTC.iso(UTC.addingMonths(2, to: common)) == "2025-03-31T00:00:00Z")
    }

    @Test("R4a: the period containing a moment")
    func periodContaining() throws {
        let anchor = try UTC.parse("2025-01-31T00:00:00Z")
        let period = UTC.monthlyPeriod(anchor: anchor, containing: try UTC.parse("2025-03-15T12:00:00Z"))
        #expect(period.index == 1)
        #expect(UTC.iso(period.start) == "2025-02-28T00:00:00Z")
        #expect(UTC.iso(period.end) == "2025-03-31T00:00:00Z")
        let exact = UTC.monthlyPeriod(anchor: anchor, containing: try UTC.parse("2025-03-31T00:00:00Z"))
        #expect(exact.index == 2)
    }

    @Test("Civil dates round-trip over four centuries")
    func civilRoundTrip() {
        for day in stride(from: Int64(-200_000), through: 200_000, by: 37) {
            let (y, m, d) = UTC.civil(days: day)
            #expect(UTC.days(year: y, month: m, day: d) == day)
        }
    }
}

@Suite("Email (R5)")
struct EmailTests {
    @Test("Emails are trimmed and lower-cased")
    func normalises() throws {
        #expect(try Email.normalize(" A@B.COM ") == "a@b.com")
        #expect(try Email.normalize("Ada.Lovelace+ops@Acme.Test") == "ada.lovelace+ops@acme.test")
    }

    @Test("Invalid emails are refused", arguments: ["", "a", "a@", "@b.com", "a@b", "a b@c.com", "a@@b.com",
                                                    "a@b..com", ".a@b.com", "a@-b.com", "ä@b.com", "a@b.com\u{1B}[2J"])
    func refuses(text: String) {
        #expect(throws: CofferError.self) { try Email.normalize(text) }
    }
}
