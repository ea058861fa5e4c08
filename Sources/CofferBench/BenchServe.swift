import CofferCore
import CofferStore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension Bench {
    /// Durable debits through `coffer serve` (SPEC §11): 64 clients on keep-alive connections post
    /// single events, then batches of 100, each answered only after its group's commit; against raw
    /// SQLite committing the same rows in the groups the server actually formed.
    mutating func measureServe(end: Timestamp) throws {
        log("Durable debits through coffer serve…")
        let path = work.appendingPathComponent("serve.sqlite").path
        let clock = SimulatedClock(end - 86_400)
        let store = try CofferStore(path: path, catalog: catalog, clock: { clock.now })
        let owner = try DemoData(store: store, clock: clock).build(months: 1, records: 0, end: end).owner
        try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(100_000_000), reason: "bench")
        let key = try APIKeys(store).create(actor: owner, name: "bench")
        try store.close()
        let seconds = quick ? 1.0 : 6.0
        for (label, batch) in [("single events", 1), ("batches of 100", 100)] {
            for clients in quick ? [64] : [1, 8, 64] {
                let server = try ServeProcess(database: path, now: end)
                let load = LoadClients(port: server.port, key: key, clients: clients, batch: batch, run: "\(label.prefix(1))\(clients)-")
                let result = load.run(for: seconds)
                let (groups, events) = try server.stop()
                guard result.failures == 0 else { throw CofferError("coffer serve refused \(result.failures) bench requests: \(result.firstFailure)") }
                let rate = Double(result.events) / seconds
                let groupSize = max(1, Int((Double(events) / Double(max(groups, 1))).rounded()))
                let baseline = try rawGroupRate(copyOf: path, groupSize: groupSize, count: quick ? 2_000 : min(40_000, max(2_000, result.events)), at: end)
                // SPEC §11 judges 64 clients; fewer show how grouping grows with load.
                let target = batch == 1 ? 20_000.0 : 60_000.0
                add("coffer serve, \(clients) client\(clients == 1 ? "" : "s"), \(label) (groups of \(groupSize))", unit: "/s", coffer: rate,
                    baseline: baseline, higherIsBetter: true, target: clients == 64 ? "≥ 0.6× and ≥ \(Int(target).formatted())/s" : "—",
                    meets: clients == 64 ? rate >= 0.6 * baseline && rate >= target : nil)
                add("  its latency, p99 (\(result.latencies.count) requests)", unit: "ms", coffer: result.percentile(0.99),
                    median: result.percentile(0.5), samples: result.latencies.count, baseline: nil, higherIsBetter: false,
                    target: clients == 64 ? "≤ 25 ms" : "—", meets: clients == 64 ? result.percentile(0.99) <= 25 : nil)
            }
        }
    }

    /// Raw SQLite writing `count` debits' rows, `groupSize` per transaction (WAL + FULL), in debits per second.
    private func rawGroupRate(copyOf path: String, groupSize: Int, count: Int, at time: Timestamp) throws -> Double {
        let copy = work.appendingPathComponent("serve-baseline.sqlite").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let writer = try rawWriter(path: copy)
        var next: Int64 = 50_000_000
        let start = DispatchTime.now().uptimeNanoseconds
        var written = 0
        while written < count {
            try writer.database.exec("BEGIN IMMEDIATE")
            let size = min(groupSize, count - written)
            try writer.write(first: next, count: size, at: time)
            (next, written) = (next + Int64(size), written + size)
            try writer.database.exec("COMMIT")
        }
        return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

/// A `coffer serve` process on a free loopback port, for the bench.
struct ServeProcess {
    /// The servers started and not yet stopped (an interrupted bench ends them: see `PostgresCluster`).
    static let running = Mutex<Set<Int32>>([])
    let process = Process()
    let port: Int
    /// The server's stderr (its access log), in a file: a pipe nobody reads would fill and stall it.
    private let logPath: String

    /// `coffer serve --db database`; its access log goes to `log` (default: beside a database file).
    init(database: String, now: Timestamp, log: String? = nil) throws {
        logPath = log ?? database + ".access.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = Measured.folder.appendingPathComponent("coffer")
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--db", database]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("COFFER_") }
        environment["COFFER_NOW"] = UTC.iso(now)
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        let pid = process.processIdentifier
        ServeProcess.running.withLock { _ = $0.insert(pid) }
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = String(decoding: line, as: UTF8.self).split(separator: ":").last
            .flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            ServeProcess.running.withLock { _ = $0.remove(pid) }
            throw CofferError("coffer serve did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    /// SIGTERM, then the groups the writer committed and the events they held (its last log line).
    func stop() throws -> (groups: Int, events: Int) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let pid = process.processIdentifier
        ServeProcess.running.withLock { _ = $0.remove(pid) }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0,
              let last = log.split(separator: "\n").last(where: { $0.contains("\"stopped\":true") }),
              let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
              let groups = object["groups"] as? Int, let events = object["events"] as? Int else {
            throw CofferError("coffer serve did not stop cleanly: \(log.suffix(300))")
        }
        return (groups, events)
    }
}

/// Clients on keep-alive HTTP/1.1 connections, each sending one request at a time.
struct LoadClients {
    let port: Int
    let key: String
    let clients: Int
    let batch: Int
    let run: String
    /// A path to GET instead of posting events (the HTTP stack's own cost, for `coffer-bench load`).
    var get: String? = nil

    /// What the clients saw.
    struct Result {
        var events = 0
        var failures = 0
        var firstFailure = ""
        /// Milliseconds from sending each request to reading its whole answer.
        var latencies: [Double] = []

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
    }

    func run(for seconds: Double) -> Result {
        let results = Collected()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        // A thread of its own per client (a dispatch pool would run only as many as there are cores).
        let done = DispatchGroup()
        for client in 0..<clients {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                body(client)
            }
            thread.start()
        }
        @Sendable func body(_ client: Int) {
            var mine = Result()
            defer { results.add(mine) }
            guard let connection = Connection(port: port) else { mine.failures += 1; mine.firstFailure = "cannot connect"; return }
            var n = 0
            while DispatchTime.now().uptimeNanoseconds < deadline {
                let request: String
                if let get {
                    request = "GET \(get) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n\r\n"
                } else {
                    let events = (0..<batch).map { #"{"id":"\#(run)\#(client)-\#(n + $0)","service":"gpt-4o","conversation":"c\#(client)-\#((n + $0) / 8)"}"# }
                    n += batch
                    let body = batch == 1 ? events[0] : #"{"events":[\#(events.joined(separator: ","))]}"#
                    request = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                }
                let sent = DispatchTime.now().uptimeNanoseconds
                guard let (status, reply) = connection.exchange(Array(request.utf8)) else {
                    mine.failures += 1; mine.firstFailure = "connection lost"; return
                }
                mine.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6)
                if status == 200, !reply.contains("\"refused\"") { mine.events += get == nil ? batch : 1 } else { mine.failures += 1; mine.firstFailure = "\(status) \(reply.prefix(200))" }
            }
        }
        done.wait()
        return results.total
    }

    /// What every client saw, gathered as each finishes.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var result = Result()

        func add(_ mine: Result) {
            lock.withLock {
                result.events += mine.events
                result.failures += mine.failures
                result.latencies += mine.latencies
                if result.firstFailure.isEmpty { result.firstFailure = mine.firstFailure }
            }
        }

        var total: Result { lock.withLock { result } }
    }

    /// One keep-alive connection.
    final class Connection {
        let socket: Int32
        private var buffer: [UInt8] = []

        init?(port: Int) {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { close(socket); return nil }
        }

        deinit { close(socket) }

        /// Sends a request and reads its answer (head and a Content-Length body).
        func exchange(_ request: [UInt8]) -> (Int, String)? {
            var offset = 0
            while offset < request.count {
                let sent = request[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return nil }
                offset += sent
            }
            while true {
                if let end = headEnd(), let length = contentLength(upTo: end), buffer.count >= end + length {
                    let head = String(decoding: buffer[..<end], as: UTF8.self)
                    let body = String(decoding: buffer[end..<end + length], as: UTF8.self)
                    buffer.removeFirst(end + length)
                    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                    return (status, body)
                }
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = recv(socket, &chunk, chunk.count, 0)
                guard count > 0 else { return nil }
                buffer += chunk[0..<count]
            }
        }

        private func headEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                return index + 4
            }
            return nil
        }

        private func contentLength(upTo end: Int) -> Int? {
            let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
            guard let range = head.range(of: "content-length: ") else { return nil }
            return Int(head[range.upperBound...].prefix { $0.isNumber })
        }
    }
}
