import Foundation
import CofferCore

/// A store's backend (SPEC §10, §13): opens the transactions a `CofferStore` runs its use cases
/// in, and hands each one the storage seam. SQLite (`SQLiteStore`) is the embedded default;
/// PostgreSQL (`PostgresStore`) is the store for teams past one machine.
protocol StorageBackend: Sendable {
    /// Where the ledger lives, as the user named it (a path, or a URL without its password).
    var location: String { get }
    /// True when the backend only reads: writes are refused.
    var isReadOnly: Bool { get }
    /// True when writers of different workspaces may run at once (`WriteScope`); false when every
    /// write transaction has the ledger to itself (SQLite), so every write is ledger-wide.
    var writesInParallel: Bool { get }
    /// Runs `body` in a consistent read snapshot.
    func read<T>(_ body: (any StorageConnection) throws -> T) throws -> T
    /// Runs `body` as one write transaction, serialised with every writer whose `scope` overlaps
    /// (SQLite: with every writer): committed (durably) when it returns, rolled back when it throws.
    func write<T>(_ scope: WriteScope, _ body: (any StorageConnection) throws -> T) throws -> T
    /// Runs `body` in one write transaction that is always rolled back (a what-if, R15a).
    func rehearse<T>(_ body: (any StorageConnection) throws -> T) throws -> T
    /// The facts counter (`FactCache`) as last committed, read as cheaply as the backend can
    /// outside any transaction; nil when it has no such way (callers then read it in a snapshot).
    func factsVersion() -> Int64?
    /// Round trips to a database server so far, over every connection (what a read or a write
    /// costs beyond its work; zero for SQLite, which answers in-process).
    var roundTrips: Int { get }
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

    /// Whether anything is already at `location`: a file at a path, any table or sequence in a
    /// PostgreSQL database (which must be reachable). Nothing is created or changed.
    static func isOccupied(_ location: String) throws -> Bool {
        guard PostgresURL.names(location) else { return FileManager.default.fileExists(atPath: location) }
        let probe = try PostgresConnection(url: location, shownAs: PostgresURL.redacted(location))
        return try probe.exists(PostgresSchema.occupiedQuery)
    }
}

/// What a write transaction may touch, so that PostgreSQL can let writers of different workspaces
/// proceed in parallel (R42). Either way the entries' hash chain is extended one transaction at a
/// time (`StorageConnection.lockLedgerChain`).
enum WriteScope: Sendable, Equatable {
    /// Anything in the ledger (settlement, team and plan changes, personal wallets): waits for every other writer.
    case ledger
    /// Only these workspaces' own rows: their wallets, members, usage and rollups. Such a write
    /// waits for writers of the same workspaces and for ledger-wide ones, never for other workspaces.
    case workspaces(Set<Int64>)
}

/// Thrown by a workspace-scoped write that finds it needs more (a personal wallet, which members
/// of several workspaces share, or a system account not created yet): the store runs the whole
/// command again as a ledger-wide write. Raised before anything outside the database happens.
struct NeedsLedgerWideWrite: Error {}
