import CofferCore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The bench's PostgreSQL tools: a throwaway cluster, programs spawned without inherited
// descriptors, and a sampler of writers waiting on Coffer's advisory locks.
/// A throwaway PostgreSQL cluster on a Unix socket (`scripts/pg-cluster`), for the bench.
final class PostgresCluster: @unchecked Sendable {
    let script: String
    let folder: String
    /// The socket's directory (libpq's `host`).
    let socket: String
    private let lock = NSLock()
    private var stopped = false
    private var signals: [DispatchSourceSignal] = []

    /// The newest server's `bin` folder (Debian's layout), if one is installed.
    static func serverFolder() -> URL? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        return versions.last.map { URL(fileURLWithPath: "\(root)/\($0)/bin") }
    }

    /// `scripts/pg-cluster` of the repository this bench was built in (found above its folder), or
    /// of the current folder.
    static func script() -> String? {
        var folder = Measured.folder.standardizedFileURL
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("scripts/pg-cluster").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        let here = FileManager.default.currentDirectoryPath + "/scripts/pg-cluster"
        return FileManager.default.isExecutableFile(atPath: here) ? here : nil
    }

    /// Starts a cluster in a new folder inside `work` (or, when that path is too long for a Unix
    /// socket, in the temporary folder). Ctrl-C or SIGTERM ends the bench's servers and stops it
    /// before the bench exits (status 130; the work folder stays, as after any interrupted run).
    static func start(script: String, near work: URL) throws -> PostgresCluster {
        var folder = work.appendingPathComponent("pg").path
        if folder.utf8.count > 80 { folder = NSTemporaryDirectory() + "/coffer-pg-" + UUID().uuidString.prefix(8) }
        let socket = try runProgram(script, ["start", folder], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
        let cluster = PostgresCluster(script: script, folder: folder, socket: socket)
        cluster.stopOnSignals()
        return cluster
    }

    private init(script: String, folder: String, socket: String) {
        (self.script, self.folder, self.socket) = (script, folder, socket)
    }

    /// libpq's URL for `database` on this cluster.
    func url(_ database: String) -> String { "postgres://coffer@/\(database)?host=\(socket)" }

    /// Creates an empty database (or a copy of `template`) and returns its URL.
    func createDatabase(_ name: String, template: String? = nil) throws -> String {
        try RawPostgres(url: url("postgres")).exec("CREATE DATABASE \(name)\(template.map { " TEMPLATE \($0)" } ?? "")")
        return url(name)
    }

    func dropDatabase(_ name: String) throws {
        try RawPostgres(url: url("postgres")).exec("DROP DATABASE IF EXISTS \(name)")
    }

    /// Stops the cluster and removes its folder, once; a second caller (the bench's own cleanup
    /// while an interrupt stops it) waits until that is done.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        _ = try? runProgram(script, ["stop", folder], in: URL(fileURLWithPath: NSTemporaryDirectory()))
        for source in signals { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    private func stopOnSignals() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                FileHandle.standardError.write(Data("coffer-bench: interrupted: stopping the PostgreSQL cluster in \(folder)\n".utf8))
                for pid in ServeProcess.running.withLock({ $0 }) { kill(pid, SIGKILL) } // no server outlives its database
                stop()
                exit(130)
            }
            source.resume()
            signals.append(source)
        }
    }

    /// One statement the server received, as `log_statement = all` shows it.
    struct Statement {
        let sql: String
        /// transaction, lock, savepoint, read or write.
        var kind: String {
            let word = sql.prefix { !$0.isWhitespace && $0 != ";" }.uppercased()
            switch word {
            case "BEGIN", "COMMIT", "ROLLBACK", "START", "END": return "transaction"
            case "SAVEPOINT", "RELEASE": return "savepoint"
            case "INSERT", "UPDATE", "DELETE": return "write"
            default: return sql.contains("pg_advisory") ? "lock" : "read"
            }
        }
        /// The table an INSERT, UPDATE or DELETE writes.
        var table: String? {
            let words = sql.split(whereSeparator: \.isWhitespace).prefix(3).map { $0.uppercased() }
            switch words.first {
            case "INSERT", "DELETE": return words.count > 2 ? words[2].lowercased().prefix { $0 != "(" }.description : nil
            case "UPDATE": return words.count > 1 ? words[1].lowercased() : nil
            default: return nil
            }
        }
    }

    /// The statements every session sent while `body` ran (`log_statement = all` for its duration).
    func statements(during body: () throws -> Void) throws -> [Statement] {
        let admin = try RawPostgres(url: url("postgres"))
        try admin.exec("ALTER SYSTEM SET log_statement = 'all'")
        try admin.exec("SELECT pg_reload_conf()")
        defer {
            _ = try? admin.exec("ALTER SYSTEM RESET log_statement")
            _ = try? admin.exec("SELECT pg_reload_conf()")
        }
        usleep(200_000) // every backend takes the new setting at its next command
        let logFile = folder + "/log"
        let before = (try? FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int) ?? 0
        try body()
        usleep(100_000)
        guard let handle = FileHandle(forReadingAtPath: logFile) else { throw CofferError("Cannot read the cluster's log \(logFile)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(before))
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        // "… LOG:  statement: SQL" (simple query) or "… LOG:  execute NAME: SQL" (prepared), the SQL
        // running on over the following lines until the next prefixed line.
        var statements: [Statement] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let range = line.range(of: " LOG:  statement: ") ?? line.range(of: " LOG:  execute ") {
                if let current { statements.append(Statement(sql: current)) }
                var sql = line[range.upperBound...]
                if line[range].contains("execute"), let colon = sql.firstIndex(of: ":") { sql = sql[sql.index(after: colon)...] }
                current = sql.trimmingCharacters(in: .whitespaces)
            } else if line.range(of: #"^\d{4}-\d\d-\d\d "#, options: .regularExpression) != nil {
                if let current { statements.append(Statement(sql: current)) }
                current = nil
            } else if current != nil {
                current! += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        if let current { statements.append(Statement(sql: current)) }
        // The toggling of log_statement itself is not the server's work.
        return statements.filter { !$0.sql.contains("pg_reload_conf") && !$0.sql.contains("log_statement") }
    }
}

/// Runs a program to its end with its output in files (no pipe to fill); its stdout, or an error
/// naming the last line of its stderr. Spawned directly, with no descriptor of this process but
/// the files (Foundation's `Process` waits on a socket its child inherits, so a server the child
/// leaves running — `pg_ctl start` — would keep it waiting for ever).
@discardableResult
func runProgram(_ path: String, _ arguments: [String], environment: [String: String]? = nil, in folder: URL) throws -> String {
    let name = UUID().uuidString.prefix(8)
    let out = folder.appendingPathComponent("run-\(name).out").path, err = folder.appendingPathComponent("run-\(name).err").path
    defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    closeInherited(&actions)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
    guard spawned == 0 else { throw CofferError("Cannot run \(path): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
    let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    guard exited, code == 0 else {
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        let last = stderr.split(separator: "\n").last.map(String.init) ?? (exited ? "exit status \(code)" : "killed by signal \(status & 0x7f)")
        throw CofferError("\(URL(fileURLWithPath: path).lastPathComponent) \(arguments.first ?? "") failed: \(last)")
    }
    return stdout
}

/// Adds the closing of every descriptor above stderr to `actions`: glibc's closefrom action (2.34+;
/// not in Swift's Glibc module, so looked up), else each descriptor open now.
private func closeInherited(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    if let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") {
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        return
    }
    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
        if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }
}

/// Counts, every 20 ms until stopped, the sessions waiting for an advisory lock (Coffer's writers:
/// the ledger's, a workspace's or the chain's, `PostgresLocks`).
final class LockSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var samples: [Int] = []
    private let finished = DispatchSemaphore(value: 0)

    init(url: String) throws {
        let connection = try RawPostgres(url: url)
        Thread { [self] in
            defer { finished.signal() }
            while lock.withLock({ running }) {
                let waiting = (try? connection.value(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'")).flatMap { $0 }.flatMap(Int.init)
                if let waiting { lock.withLock { samples.append(waiting) } }
                usleep(20_000)
            }
        }.start()
    }

    /// Stops sampling: the mean count.
    func stop() -> Double {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { samples.isEmpty ? 0 : Double(samples.reduce(0, +)) / Double(samples.count) }
    }
}
