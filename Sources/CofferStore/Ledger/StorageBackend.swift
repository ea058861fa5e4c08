import CofferCore

/// A store's backend (SPEC §10, §13): opens the transactions a `CofferStore` runs its use cases
/// in, and hands each one the storage seam. SQLite (`SQLiteStore`) is the embedded default;
/// PostgreSQL (`PostgresStore`) is the store for teams past one machine.
protocol StorageBackend: Sendable {
    /// Where the ledger lives, as the user named it (a path, or a URL without its password).
    var location: String { get }
    /// True when the backend only reads: writes are refused.
    var isReadOnly: Bool { get }
    /// Runs `body` in a consistent read snapshot.
    func read<T>(_ body: (any StorageConnection) throws -> T) throws -> T
    /// Runs `body` as one write transaction, serialised with every other writer of the ledger:
    /// committed (durably) when it returns, rolled back when it throws.
    func write<T>(_ body: (any StorageConnection) throws -> T) throws -> T
    /// Runs `body` in one write transaction that is always rolled back (a what-if, R15a).
    func rehearse<T>(_ body: (any StorageConnection) throws -> T) throws -> T
    /// Closes the backend's connections.
    func close() throws
}

/// The backends a ledger's location can name.
enum Backends {
    /// Opens the backend `location` names: a `postgres://` or `postgresql://` URL selects
    /// PostgreSQL (SPEC §13), anything else is a SQLite file's path.
    static func open(_ location: String, seal: LedgerSeal, create: Bool, readOnly: Bool, maxPages: Int?,
                     trace: (@Sendable (String) -> Void)?) throws -> any StorageBackend {
        if PostgresURL.names(location) {
            return try PostgresStore(url: location, seal: seal, create: create, readOnly: readOnly, trace: trace)
        }
        return try SQLiteStore(path: location, seal: seal, create: create, readOnly: readOnly, maxPages: maxPages, trace: trace)
    }
}
