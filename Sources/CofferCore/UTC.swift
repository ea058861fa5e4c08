/// A moment in time: whole seconds since 1970-01-01T00:00:00Z. All times are UTC (R4a).
public typealias Timestamp = Int64

/// Calendar arithmetic in UTC, without Foundation's calendars: civil dates, ISO-8601 text,
/// and the monthly credit period anchored on a subscription's start (R4a).
public enum UTC {
    /// Seconds in a day.
    public static let day: Int64 = 86_400

    /// A calendar date and time of day in UTC.
    public struct DateTime: Equatable, Sendable {
        public var year: Int64, month: Int64, day: Int64
        public var hour: Int64, minute: Int64, second: Int64

        /// Creates a date and time; fields are not normalised.
        public init(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0) {
            (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
        }
    }

    /// Days since the epoch of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number since the epoch.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }

    /// The timestamp of a date and time.
    public static func timestamp(_ dt: DateTime) -> Timestamp {
        days(year: dt.year, month: dt.month, day: dt.day) * day + dt.hour * 3600 + dt.minute * 60 + dt.second
    }

    /// The UTC day a timestamp falls on, as days since 1970-01-01 (rounded down before it).
    public static func dayNumber(_ t: Timestamp) -> Int64 { t >= 0 ? t / day : (t - day + 1) / day }

    /// The date and time of a timestamp.
    public static func dateTime(_ t: Timestamp) -> DateTime {
        let dayNumber = dayNumber(t)
        let secs = t - dayNumber * day
        let (y, m, d) = civil(days: dayNumber)
        return DateTime(year: y, month: m, day: d, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60)
    }

    /// Whether `year` is a leap year.
    public static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// The number of days in a month.
    public static func daysIn(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The start of the `index`-th monthly period after `anchor` (index 0 is the anchor itself).
    /// An anchor on the 29th–31st falls on the month's last day in shorter months and returns
    /// to the anchor day after (R4a).
    public static func addingMonths(_ months: Int64, to anchor: Timestamp) -> Timestamp {
        let a = dateTime(anchor)
        let total = a.year * 12 + (a.month - 1) + months
        let year = total >= 0 ? total / 12 : (total - 11) / 12
        let month = total - year * 12 + 1
        let dayOfMonth = min(a.day, daysIn(year: year, month: month))
        return timestamp(DateTime(year: year, month: month, day: dayOfMonth, hour: a.hour, minute: a.minute, second: a.second))
    }

    /// The monthly period `[start, end)` anchored on `anchor` that contains `t` (R4a), and its index.
    public static func monthlyPeriod(anchor: Timestamp, containing t: Timestamp) -> (index: Int64, start: Timestamp, end: Timestamp) {
        let a = dateTime(anchor), x = dateTime(t)
        var index = (x.year * 12 + x.month) - (a.year * 12 + a.month)
        while addingMonths(index, to: anchor) > t { index -= 1 }
        while addingMonths(index + 1, to: anchor) <= t { index += 1 }
        return (index, addingMonths(index, to: anchor), addingMonths(index + 1, to: anchor))
    }

    /// `2026-01-31T09:05:00Z`.
    public static func iso(_ t: Timestamp) -> String {
        let d = dateTime(t)
        return "\(dateString(t))T\(pad(d.hour)):\(pad(d.minute)):\(pad(d.second))Z"
    }

    /// `2026-01-31`.
    public static func dateString(_ t: Timestamp) -> String {
        let d = dateTime(t)
        let year = d.year >= 0 && d.year < 10_000 ? pad(d.year, width: 4) : String(d.year)
        return "\(year)-\(pad(d.month))-\(pad(d.day))"
    }

    /// `2026-01-31 09:05`: a compact form for tables.
    public static func short(_ t: Timestamp) -> String {
        let d = dateTime(t)
        return "\(dateString(t)) \(pad(d.hour)):\(pad(d.minute))"
    }

    /// Parses ISO-8601: `2026-01-31`, `2026-01-31T09:05`, `2026-01-31T09:05:07Z`,
    /// `2026-01-31T09:05:07.250+02:00` (fractions are dropped). A time without an offset is UTC.
    public static func parse(_ text: String) throws -> Timestamp {
        let bad = CofferError("Not a date (use ISO-8601, e.g. 2026-01-31 or 2026-01-31T09:05:00Z): \(CofferError.quote(text))")
        let s = Array(text.trimmingSpaces.utf8)
        var i = 0
        func number(_ count: Int) throws -> Int64 {
            guard i + count <= s.count else { throw bad }
            var value: Int64 = 0
            for byte in s[i..<i + count] {
                guard (48...57).contains(byte) else { throw bad }
                value = value * 10 + Int64(byte - 48)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8) throws { guard i < s.count, s[i] == byte else { throw bad }; i += 1 }
        let year = try number(4); try expect(45); let month = try number(2); try expect(45); let dayOfMonth = try number(2)
        guard (1...12).contains(month), (1...daysIn(year: year, month: month)).contains(dayOfMonth) else { throw bad }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, offset: Int64 = 0
        if i < s.count {
            guard s[i] == 84 || s[i] == 116 || s[i] == 32 else { throw bad } // T, t or space
            i += 1
            hour = try number(2); try expect(58); minute = try number(2)
            if i < s.count, s[i] == 58 { i += 1; second = try number(2) }
            if i < s.count, s[i] == 46 { // fraction
                i += 1
                let start = i
                while i < s.count, (48...57).contains(s[i]) { i += 1 }
                guard i > start else { throw bad }
            }
            guard hour < 24, minute < 60, second < 60 else { throw bad }
            if i < s.count {
                if s[i] == 90 || s[i] == 122 { i += 1 } // Z
                else if s[i] == 43 || s[i] == 45 { // + or -
                    let sign: Int64 = s[i] == 45 ? -1 : 1
                    i += 1
                    let offsetHours = try number(2)
                    if i < s.count, s[i] == 58 { i += 1 }
                    let offsetMinutes = try number(2)
                    guard offsetHours < 24, offsetMinutes < 60 else { throw bad }
                    offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
                } else { throw bad }
            }
        }
        guard i == s.count else { throw bad }
        return timestamp(DateTime(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: second)) - offset
    }

    private static func pad(_ value: Int64, width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
