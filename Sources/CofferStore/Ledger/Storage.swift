import CofferCore

/// The storage seam (ENGINEERING.md): a statement and its bindings in, rows out, inside a
/// transaction the backend opened. Services and the ledger writer reach storage only through it,
/// so a second backend (PostgreSQL, SPEC §13) implements this — with its own DDL, search and
/// locking — without touching them. Statements use `?` placeholders and SQL both backends speak.
protocol StorageConnection: AnyObject {
    /// Runs a statement whose rows the caller does not read. A backend that pays a round trip per
    /// statement (PostgreSQL) sends it with the next statement that needs an answer — at the
    /// latest the event's savepoint's end or the commit — and its failure surfaces there, failing
    /// what it would have failed (the event, or the transaction).
    func run(_ sql: String, _ values: [Bind]) throws
    /// Sends every statement `run` left waiting and returns once the database has run them: a
    /// failure among them is thrown here. What must not happen unless they stood (memory a
    /// savepoint cannot take back) comes after this.
    func flush() throws
    /// Calls `row` for each result row until it returns false. A row is valid only inside the call.
    func each(_ sql: String, _ values: [Bind], _ row: (any StorageRow) throws -> Bool) throws
    /// Declares statements whose rows are asked for next — reads, or writes that return rows — each
    /// independent of the others and of what this transaction writes before asking: a backend that
    /// pays a round trip per statement sends them all at once, in order, and the next `each` of
    /// the same statement and values gets its rows without asking again (a write through `run` or
    /// `each` in between discards what is still unasked). Other backends need not do anything.
    func readAhead(_ queries: [Query]) throws
    /// The dialect the backend speaks where SQL differs (search, index hints).
    var dialect: SQLDialect { get }
    /// How many rows the last INSERT, UPDATE or DELETE changed (it has run once this returns).
    var changedRows: Int { get throws }
    /// The id of the last row an INSERT added on this connection, where the backend keeps one
    /// (SQLite's last inserted rowid; an INSERT inside a trigger does not change it once the trigger
    /// ends). Nil where it keeps none (PostgreSQL: ids come back through `RETURNING`).
    var lastInsertedID: Int64? { get }
    /// Waits until this transaction alone may extend the entries' hash chain, until it ends (R42).
    /// A backend whose writers are serialised whole (SQLite) has nothing to wait for.
    func lockLedgerChain() throws
    /// Runs `body` in a savepoint: what it wrote stands when it returns (the savepoint is released
    /// then, or — PostgreSQL — with the next one's opening or the transaction's end, a round trip
    /// fewer), and is rolled back (the error rethrown) when it throws.
    func inSavepoint(_ body: () throws -> Void) throws
    /// What the backend's own check of its storage finds (SQLite: `PRAGMA integrity_check`), one
    /// line each; empty when it is sound. `coffer check` reads nothing else when this finds damage.
    func integrityProblems() throws -> [String]
}

/// A statement the store refused inside a savepoint (a constraint it enforces), as opposed to a
/// failure of the store itself: the caller may treat it as that one event's refusal.
struct StorageRefusal: Error {
    let message: String
}

/// The current row of a statement: columns by index (0-based), as the hot paths read them.
protocol StorageRow {
    func int(_ column: Int32) -> Int64
    func optionalInt(_ column: Int32) -> Int64?
    func text(_ column: Int32) -> String
    func optionalText(_ column: Int32) -> String?
    func bytes(_ column: Int32) -> [UInt8]
    /// How the column's value is stored (for `check`, which must tell a retyped field from a good one).
    func storedType(_ column: Int32) -> StoredType
}

/// How a value is stored in a column.
enum StoredType {
    case integer, real, text, blob, null
}

extension StorageRow {
    /// An integer column read as a flag.
    func bool(_ column: Int32) -> Bool { int(column) != 0 }
    /// The column's value if it is stored as an integer; nil for NULL or any other type.
    func storedInt(_ column: Int32) -> Int64? { storedType(column) == .integer ? int(column) : nil }
    /// The column's value if it is stored as text; nil for NULL or any other type.
    func storedText(_ column: Int32) -> String? { storedType(column) == .text ? text(column) : nil }
    /// The column's bytes if it is stored as a blob; nil for NULL or any other type.
    func storedBytes(_ column: Int32) -> [UInt8]? { storedType(column) == .blob ? bytes(column) : nil }
}

extension StorageConnection {
    /// Runs a statement whose rows the caller does not read (see the protocol's `run`).
    func run(_ sql: String, _ values: Bind...) throws { try run(sql, values) }

    /// Each row of `query` mapped by `map`.
    func all<T>(_ query: Query, map: (any StorageRow) throws -> T) throws -> [T] {
        try all(query.sql, query.values, map: map)
    }

    /// The first row of `query` mapped by `map`, or nil when there is none.
    func first<T>(_ query: Query, map: (any StorageRow) throws -> T) throws -> T? {
        try first(query.sql, query.values, map: map)
    }

    /// Each row mapped by `map`.
    func all<T>(_ sql: String, _ values: Bind..., map: (any StorageRow) throws -> T) throws -> [T] {
        try all(sql, values, map: map)
    }

    /// Each row mapped by `map`.
    func all<T>(_ sql: String, _ values: [Bind], map: (any StorageRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try each(sql, values) { row in result.append(try map(row)); return true }
        return result
    }

    /// The first row mapped by `map`, or nil when there is none.
    func one<T>(_ sql: String, _ values: Bind..., map: (any StorageRow) throws -> T) throws -> T? {
        try first(sql, values, map: map)
    }

    /// The first row mapped by `map`, or nil when there is none.
    func first<T>(_ sql: String, _ values: [Bind], map: (any StorageRow) throws -> T) throws -> T? {
        var result: T?
        try each(sql, values) { row in result = try map(row); return false }
        return result
    }

    /// The first column of the first row as an integer; nil for no row or NULL.
    func int(_ sql: String, _ values: Bind...) throws -> Int64? {
        try int(sql, values)
    }

    /// The first column of the first row as an integer; nil for no row or NULL.
    func int(_ sql: String, _ values: [Bind]) throws -> Int64? {
        try first(sql, values) { $0.optionalInt(0) } ?? nil
    }

    /// The first column of every row as integers.
    func ints(_ sql: String, _ values: Bind...) throws -> [Int64] {
        var result: [Int64] = []
        try each(sql, values) { row in result.append(row.int(0)); return true }
        return result
    }

    /// The first column of the first row as text; nil for no row or NULL.
    func text(_ sql: String, _ values: Bind...) throws -> String? {
        try first(sql, values) { $0.optionalText(0) } ?? nil
    }

    /// Runs an INSERT into a table with an `id` column and returns the new row's id (`RETURNING id`,
    /// which SQLite and PostgreSQL both speak).
    func insert(_ sql: String, _ values: Bind...) throws -> Int64 {
        guard let id = try int(sql + " RETURNING id", values) else { throw CofferError("An insert returned no id") }
        return id
    }

    /// Whether the statement returns a row.
    func exists(_ sql: String, _ values: Bind...) throws -> Bool {
        try first(sql, values) { _ in true } ?? false
    }
}

/// A statement and its values, as a value: what `readAhead` is told will follow.
struct Query: Hashable {
    let sql: String
    let values: [Bind]

    init(_ sql: String, _ values: Bind...) {
        self.sql = sql
        self.values = values
    }

    init(_ sql: String, _ values: [Bind]) {
        self.sql = sql
        self.values = values
    }
}

/// A value bound to a statement through the seam: no boxing on the hot paths (debits, imports).
enum Bind: Hashable {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    /// NULL, of the type the value would have had (PostgreSQL types every parameter; SQLite ignores it).
    case null(BindType)

    /// An optional integer, or NULL.
    static func int(_ value: Int64?) -> Bind { value.map { .int($0) } ?? .null(.int) }
    /// An optional text, or NULL.
    static func text(_ value: String?) -> Bind { value.map { .text($0) } ?? .null(.text) }
    /// A flag, stored as 0 or 1.
    static func bool(_ value: Bool) -> Bind { .int(value ? 1 : 0) }
    /// A machine integer.
    static func int(_ value: Int) -> Bind { .int(Int64(value)) }
}


/// The type of a bound value.
enum BindType: Hashable {
    case int, text, blob
}

/// Where the backends' SQL differs, beyond what each connection translates itself.
enum SQLDialect {
    /// SQLite: FTS5 trigram search with a catch-up index, `INDEXED BY` hints.
    case sqlite
    /// PostgreSQL: `pg_trgm` indexes searched with ILIKE, no index hints.
    case postgres
}

/// An event's savepoint, opened only before the event's first write (R33, R40). Most events
/// only read inside theirs — the ledger writer's entries, the usage rows and the rollups are
/// written at commit — so most need none: a refusal then has nothing in the database to take
/// back, and the caller restores what it keeps in memory. Both backends keep one.
struct LazySavepoint {
    private enum State { case none, wanted, opened }
    private var state = State.none

    /// An event starts: its savepoint is wanted (event savepoints do not nest).
    mutating func begin() {
        precondition(state == .none, "event savepoints do not nest")
        state = .wanted
    }

    /// Whether the savepoint must be opened before `sql` runs: it is wanted and `sql` writes.
    mutating func opens(before sql: String) -> Bool {
        guard state == .wanted, !Self.reads(sql) else { return false }
        state = .opened
        return true
    }

    /// Whether the event's savepoint has been opened (it has written).
    var isOpen: Bool { state == .opened }
    /// Whether an event is under way (its savepoint wanted or open).
    var inEvent: Bool { state != .none }

    /// The event ends: whether its savepoint was opened (and must be released or rolled back).
    mutating func end() -> Bool {
        defer { state = .none }
        return state == .opened
    }

    /// Whether `sql` only reads: a plain SELECT (anything else opens the savepoint).
    static func reads(_ sql: String) -> Bool {
        // The bytes in place when the text has them contiguous (every literal does): this runs
        // for every read inside an event.
        sql.utf8.withContiguousStorageIfAvailable(startsWithSelect) ?? startsWithSelect(Array(sql.utf8))
    }

    private static func startsWithSelect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var bytes = bytes.makeIterator()
        for expected in "SELECT".utf8 where bytes.next() != expected { return false }
        let next = bytes.next()
        return next == UInt8(ascii: " ") || next == UInt8(ascii: "\n")
    }
}
