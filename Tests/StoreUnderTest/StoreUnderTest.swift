import Foundation

/// Which store the suites run on (SPEC §13: the same tests pass on both). SQLite files by default;
/// PostgreSQL when `COFFER_TEST_POSTGRES` names a throwaway cluster's socket directory
/// (`scripts/test` starts one with `scripts/pg-cluster` and runs the store and acceptance suites
/// again on it). Each test then gets a database of its own, created empty on that cluster.
public enum StoreUnderTest {
    /// The cluster's socket directory, when the suites run on PostgreSQL.
    public static let postgresSocket: String? = {
        let value = ProcessInfo.processInfo.environment["COFFER_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// True when the suites run on PostgreSQL.
    public static var isPostgres: Bool { postgresSocket != nil }
    /// True when the suites run on SQLite files (tests of the file itself run only then).
    public static var isSQLite: Bool { postgresSocket == nil }

    /// A fresh, empty ledger location: `sqlitePath` on SQLite, else the URL of a new database.
    public static func freshLocation(sqlitePath: String) throws -> String {
        guard let socket = postgresSocket else { return sqlitePath }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try psql(socket: socket, "CREATE DATABASE \(name)")
        return "postgres://coffer@/\(name)?host=\(socket)"
    }

    /// The database a URL from `freshLocation` names (`postgres://coffer@/NAME?host=…`); nil for a path.
    public static func databaseName(_ location: String) -> String? {
        guard location.hasPrefix("postgres://"), let slash = location.range(of: "@/") else { return nil }
        return String(location[slash.upperBound...].prefix { $0 != "?" })
    }

    /// Runs one statement with `psql` on the cluster's `postgres` database.
    public static func psql(socket: String, database: String = "postgres", _ statement: String) throws {
        _ = try psqlOutput(socket: socket, database: database, statement)
    }

    /// Runs SQL (one statement, or several in one transaction) with `psql` and returns what it
    /// printed: unaligned, tuples only (`-A -t`), columns split by `|`, NULL as nothing.
    public static func psqlOutput(socket: String, database: String = "postgres", _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket, "-U", "coffer", "-d", database, "-c", sql]
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "StoreUnderTest", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "psql \(sql): \(String(decoding: message, as: UTF8.self))"])
        }
        return String(decoding: printed, as: UTF8.self)
    }
}
