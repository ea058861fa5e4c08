import CPq
import CofferCore

/// The storage seam over one libpq connection (SPEC §13). Statements arrive in the SQL both
/// backends speak; `PostgresSQL` translates what differs (placeholders, `ifnull`, `LIKE`, index
/// hints) once per statement, and each translated statement is prepared once per connection and
/// kept, as GRDB's cached statements are. Parameters are typed from their `Bind`s; rows come back
/// as text and are read by column index.
final class PostgresConnection: StorageConnection, @unchecked Sendable { // used by one transaction at a time (the pool lends it)
    private let connection: OpaquePointer
    private var prepared: [String: String] = [:]
    private var lastChanged = 0
    /// The last event's savepoint is still open: its writes stand, and it is released in the same
    /// round trip that opens the next one (or by the transaction's end), one round trip an event fewer.
    private var savepointOpen = false
    /// The current event's savepoint, opened at its first write.
    private var savepoint = LazySavepoint()
    /// Sees every statement, its parameters written in (`CofferStore`'s `trace`).
    private let trace: (@Sendable (String) -> Void)?

    /// Connects to `url` (a libpq connection URI); the error names the URL without its password.
    init(url: String, shownAs location: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        guard let connection = PQconnectdb(url) else { throw CofferError("Cannot connect to \(location): out of memory") }
        self.connection = connection
        self.trace = trace
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.firstLine(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw CofferError("Cannot connect to \(location): \(message)")
        }
        // Notices (e.g. "extension already exists") are not the user's business. A lock another
        // session holds (the writer lock, R42) is waited for as long as SQLite's busy timeout, no longer (SPEC §10).
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SET client_min_messages = warning; SET lock_timeout = '\(Int(StoreErrors.busyTimeout * 1_000))ms'")
    }

    deinit { PQfinish(connection) }

    /// Whether the connection is still usable (a pool drops it otherwise).
    var isHealthy: Bool { PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE }

    var dialect: SQLDialect { .postgres }
    var changedRows: Int { lastChanged }

    /// Runs SQL with no parameters, possibly several statements (DDL, transaction control).
    func execute(_ sql: String) throws {
        trace?(sql)
        if sql == "COMMIT" || sql == "ROLLBACK" || sql.hasPrefix("BEGIN") { savepointOpen = false }
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result)
    }

    func run(_ sql: String, _ values: [Bind]) throws {
        let result = try perform(sql, values)
        PQclear(result)
    }

    func each(_ sql: String, _ values: [Bind], _ row: (any StorageRow) throws -> Bool) throws {
        let result = try perform(sql, values)
        defer { PQclear(result) }
        let count = PQntuples(result)
        var index: Int32 = 0
        while index < count {
            guard try row(PostgresRow(result: result, index: index)) else { break }
            index += 1
        }
    }

    func lockLedgerChain() throws {
        try run("SELECT pg_advisory_xact_lock(?)", [.int(PostgresLocks.chain)])
    }

    /// The savepoint opens before the event's first write (`LazySavepoint`) and stays open after
    /// `body` returns (its writes stand): the next opening releases it in the same round trip, and
    /// the transaction's end closes the last one. A statement that fails outside a savepoint
    /// leaves the transaction unusable on PostgreSQL, so such a failure is never one event's
    /// refusal: it fails the transaction.
    func inSavepoint(_ body: () throws -> Void) throws {
        savepoint.begin()
        do {
            try body()
        } catch {
            guard savepoint.end() else { throw error }
            savepointOpen = false
            try? execute("ROLLBACK TO SAVEPOINT coffer_event; RELEASE SAVEPOINT coffer_event")
            if let error = error as? PostgresError, error.isConstraint { throw StorageRefusal(message: error.message) }
            throw error
        }
        _ = savepoint.end()
    }

    /// PostgreSQL checks its own pages (with checksums, when the cluster has them) as it reads:
    /// there is no separate scan to run, so nothing is reported here; `check`'s own invariants
    /// (balances, chain, rollups) run as on SQLite.
    func integrityProblems() throws -> [String] { [] }

    /// Prepares (once) and runs a statement; the result is the caller's to clear.
    private func perform(_ sql: String, _ values: [Bind]) throws -> OpaquePointer? {
        if savepoint.opens(before: sql) {
            try execute(savepointOpen ? "RELEASE SAVEPOINT coffer_event; SAVEPOINT coffer_event" : "SAVEPOINT coffer_event")
            savepointOpen = true
        }
        if let trace { trace(PostgresSQL.expand(sql, values)) }
        let types = values.map(Self.type)
        let key = types.map(String.init).joined(separator: ",") + "|" + sql
        let name: String
        if let known = prepared[key] {
            name = known
        } else {
            name = "c\(prepared.count + 1)"
            let translated = PostgresSQL.translate(sql)
            let result = PQprepare(connection, name, translated, Int32(types.count), types)
            defer { PQclear(result) }
            try check(result)
            prepared[key] = name
        }
        // Every value's bytes in one buffer (text NUL-terminated, blobs in binary format), then a pointer to each.
        var bytes: [CChar] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        offsets.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .int(let v): offsets.append(bytes.count); bytes += String(v).utf8CString; lengths.append(0); formats.append(0)
            case .text(let v): offsets.append(bytes.count); bytes += v.utf8CString; lengths.append(0); formats.append(0)
            case .blob(let v):
                offsets.append(bytes.count)
                bytes += v.map { CChar(bitPattern: $0) }
                bytes.append(0) // a non-empty buffer, so even an empty blob has an address
                lengths.append(Int32(v.count)); formats.append(1)
            case .null: offsets.append(nil); lengths.append(0); formats.append(0)
            }
        }
        let result = bytes.withUnsafeBufferPointer { buffer in
            let pointers = offsets.map { offset in offset.map { UnsafePointer(buffer.baseAddress! + $0) } }
            return PQexecPrepared(connection, name, Int32(values.count), pointers, lengths, formats, 0)
        }
        do { try check(result) } catch { PQclear(result); throw error }
        lastChanged = Int(String(cString: PQcmdTuples(result))) ?? 0
        return result
    }

    /// Throws the statement's error, if it failed.
    private func check(_ result: OpaquePointer?) throws {
        let status = PQresultStatus(result)
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        guard let result else { throw PostgresError(state: "08000", message: Self.firstLine(String(cString: PQerrorMessage(connection)))) }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? Self.firstLine(String(cString: PQerrorMessage(connection)))
        throw PostgresError(state: state, message: message)
    }

    /// PostgreSQL's type for a bound value: int8, text or bytea.
    private static func type(_ value: Bind) -> Oid {
        switch value {
        case .int, .null(.int): 20
        case .text, .null(.text): 25
        case .blob, .null(.blob): 17
        }
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
    }
}

/// An error PostgreSQL reported: its SQLSTATE and primary message.
struct PostgresError: Error, CustomStringConvertible {
    let state: String
    let message: String

    /// An integrity constraint (class 23: check, unique, foreign key, the append-only triggers).
    var isConstraint: Bool { state.hasPrefix("23") }
    /// A serialization failure or deadlock: the transaction may be retried.
    var isRetryable: Bool { state == "40001" || state == "40P01" }
    /// A lock another session holds was not granted within `lock_timeout`.
    var isLockTimeout: Bool { state == "55P03" }
    var description: String { message }
}

/// One row of a result, read by column index from libpq's text format.
struct PostgresRow: StorageRow {
    let result: OpaquePointer?
    let index: Int32

    private func value(_ column: Int32) -> UnsafeMutablePointer<CChar>? {
        PQgetisnull(result, index, column) == 1 ? nil : PQgetvalue(result, index, column)
    }

    func int(_ column: Int32) -> Int64 { optionalInt(column) ?? 0 }

    func optionalInt(_ column: Int32) -> Int64? {
        guard let value = value(column) else { return nil }
        switch value.pointee {
        case CChar(UInt8(ascii: "t")): return 1 // a boolean
        case CChar(UInt8(ascii: "f")): return 0
        default:
            let text = String(cString: value)
            if let exact = Int64(text) { return exact }
            return Double(text).map { Int64($0) } // numeric sums and averages
        }
    }

    func text(_ column: Int32) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: Int32) -> String? { value(column).map { String(cString: $0) } }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let value = value(column) else { return [] }
        // bytea in text format is hex: \x0a1b…
        let length = Int(PQgetlength(result, index, column))
        guard length >= 2 else { return [] }
        return UnsafeBufferPointer(start: value, count: length).withMemoryRebound(to: UInt8.self) { hex in
            var bytes: [UInt8] = []
            bytes.reserveCapacity((length - 2) / 2)
            var position = 2
            while position + 1 < length {
                bytes.append(Self.nibble(hex[position]) << 4 | Self.nibble(hex[position + 1]))
                position += 2
            }
            return bytes
        }
    }

    func storedType(_ column: Int32) -> StoredType {
        guard PQgetisnull(result, index, column) == 0 else { return .null }
        switch PQftype(result, column) {
        case 20, 21, 23, 16, 1700: return .integer // int8, int2, int4, bool, numeric
        case 700, 701: return .real
        case 17: return .blob
        default: return .text
        }
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: digit - UInt8(ascii: "A") + 10
        }
    }
}
