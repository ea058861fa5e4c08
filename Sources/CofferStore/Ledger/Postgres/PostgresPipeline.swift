import CPq
import CofferCore
import Synchronization

/// One libpq connection that sends any number of statements in one round trip (libpq's pipeline
/// mode, PostgreSQL 14+): each statement is prepared on its first use — in the same round trip —
/// and kept by name, and the answers come back in order. A failure aborts what follows it up to
/// the round trip's end, as it would have one statement at a time.
final class PostgresPipeline {
    private let connection: OpaquePointer
    /// Prepared statements' names by parameter types and text.
    private var prepared: [String: String] = [:]
    private var preparedCount = 0
    /// How many rows the last statement sent changed.
    private(set) var lastChanged = 0
    /// Counts this connection's round trips with its store's others.
    private let roundTrips: RoundTripCounter

    /// Connects to `url` (a libpq connection URI); the error names the URL without its password.
    init(url: String, shownAs location: String, counter: RoundTripCounter) throws {
        roundTrips = counter
        guard let connection = PQconnectdb(url) else { throw CofferError("Cannot connect to \(location): out of memory") }
        self.connection = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.firstLine(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw CofferError("Cannot connect to \(location): \(message)")
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// Connected, with no transaction open.
    var isIdle: Bool { PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE }
    /// The server has a transaction open on this connection (it saw its BEGIN).
    var inTransaction: Bool {
        let status = PQtransactionStatus(connection)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs SQL without parameters on its own, several statements at once if need be (DDL).
    func executeSimple(_ sql: String) throws {
        roundTrips.add()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Sends `queries` in one round trip and returns each one's result, in order (the caller's to
    /// clear). The first failure is thrown, every result cleared, and the statements after it did not run.
    func roundTrip(_ queries: [Query]) throws -> [OpaquePointer?] {
        guard !queries.isEmpty else { return [] }
        roundTrips.add()
        if queries.count == 1, let name = preparedName(queries[0]) {
            let result = withParameters(queries[0].values) { PQexecPrepared(connection, name, $0, $1, $2, $3, 0) }
            do { try check(result) } catch { PQclear(result); throw error }
            lastChanged = Self.changed(result)
            return [result]
        }
        guard PQenterPipelineMode(connection) == 1 else { throw connectionError() }
        let answers = sendAll(queries)
        _ = PQpipelineSync(connection)
        var failure: Error? = answers.complete ? nil : connectionError()
        var results = [OpaquePointer?](repeating: nil, count: queries.count)
        for answer in answers.expected {
            let result = PQgetResult(connection)
            if result != nil { while let extra = PQgetResult(connection) { PQclear(extra) } }
            let ran = result != nil && PQresultStatus(result) != PGRES_PIPELINE_ABORTED
            if ran, failure == nil { do { try check(result) } catch { failure = error } }
            switch answer {
            case .prepared(let key):
                if !ran || failure != nil { prepared[key] = nil } // never made: prepared again next time
                PQclear(result)
            case .statement(let index):
                results[index] = result
                if ran { lastChanged = Self.changed(result) }
            }
        }
        // The round trip's end, after which the connection leaves pipeline mode.
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        if PQexitPipelineMode(connection) != 1, failure == nil { failure = connectionError() }
        if let failure {
            results.forEach { PQclear($0) }
            throw failure
        }
        return results
    }

    /// What the server will answer in a round trip, in order: a new statement's preparation, or a statement's rows.
    private enum Answer { case prepared(key: String), statement(index: Int) }

    /// Sends each query in pipeline mode, preparing those new to this connection on the way;
    /// `complete` is false when libpq refused to send one (the rest were not sent).
    private func sendAll(_ queries: [Query]) -> (expected: [Answer], complete: Bool) {
        var expected: [Answer] = []
        for (index, query) in queries.enumerated() {
            let sent: Bool
            if Self.isPrepared(query) {
                let (key, types) = Self.key(query)
                let name: String
                if let known = prepared[key] {
                    name = known
                } else {
                    preparedCount += 1
                    name = "c\(preparedCount)"
                    guard PQsendPrepare(connection, name, PostgresSQL.translate(query.sql), Int32(types.count), types) == 1 else {
                        return (expected, false)
                    }
                    prepared[key] = name
                    expected.append(.prepared(key: key))
                }
                sent = withParameters(query.values) { PQsendQueryPrepared(connection, name, $0, $1, $2, $3, 0) } == 1
            } else {
                sent = PQsendQueryParams(connection, query.sql, 0, nil, nil, nil, nil, 0) == 1
            }
            guard sent else { return (expected, false) }
            expected.append(.statement(index: index))
        }
        return (expected, true)
    }

    /// The name `query` is prepared under, when it is (nil when it runs unnamed or is new).
    private func preparedName(_ query: Query) -> String? {
        guard Self.isPrepared(query) else { return nil }
        return prepared[Self.key(query).key]
    }

    /// Statements with values, and every read, are prepared; transaction control runs unnamed.
    private static func isPrepared(_ query: Query) -> Bool {
        !query.values.isEmpty || LazySavepoint.reads(query.sql)
    }

    /// The prepared statement's key (parameter types and text) and its parameter types.
    private static func key(_ query: Query) -> (key: String, types: [Oid]) {
        let types = query.values.map(Self.type)
        return (types.map(String.init).joined(separator: ",") + "|" + query.sql, types)
    }

    /// Calls `body` with libpq's view of `values`: their count, pointers, lengths and formats.
    /// Every value's bytes sit in one buffer (text NUL-terminated, blobs in binary format).
    private func withParameters<T>(_ values: [Bind],
                                   _ body: (Int32, [UnsafePointer<CChar>?], [Int32], [Int32]) -> T) -> T {
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
        return bytes.withUnsafeBufferPointer { buffer in
            let pointers = offsets.map { offset in offset.map { UnsafePointer(buffer.baseAddress! + $0) } }
            return body(Int32(values.count), pointers, lengths, formats)
        }
    }

    /// Throws the statement's error, if it failed.
    private func check(_ result: OpaquePointer?) throws {
        let status = PQresultStatus(result)
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        guard let result else { throw connectionError() }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? Self.firstLine(String(cString: PQerrorMessage(connection)))
        throw PostgresError(state: state, message: message)
    }

    /// The connection's own error (no statement's): a lost connection, or a call libpq refused.
    private func connectionError() -> PostgresError {
        PostgresError(state: "08000", message: Self.firstLine(String(cString: PQerrorMessage(connection))))
    }

    private static func changed(_ result: OpaquePointer?) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
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

/// Round trips to a PostgreSQL server, counted over the connections of one store: each time a
/// connection waited for an answer (to one statement, or a pipeline of them).
final class RoundTripCounter: Sendable {
    private let count = Atomic<Int>(0)

    init() {}

    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
