import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `coffer serve` process on a loopback port it chose itself, and a minimal HTTP/1.1
/// client over a real socket (raw bytes too, for the bad-input trials of R41).
final class CofferServe: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let stderrPipe = Pipe()

    /// Starts `coffer serve --listen 127.0.0.1:0` on `cli`'s database and waits until it listens.
    init(_ cli: CofferCLI, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: CofferCLI.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + extra
        process.environment = cli.environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = stderrPipe
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let portText = text.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines), let port = Int(portText) else {
            process.terminate()
            throw ServeError("coffer serve did not say where it listens: \(text)")
        }
        self.port = port
    }

    /// Stops the server with `signal` (SIGTERM by default) and returns its exit status and stderr.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> (status: Int32, log: String) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let log = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, log)
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }

    /// An HTTP response: status, body, and the body as JSON when it is.
    struct Reply {
        let status: Int
        let body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    /// Sends one request (Connection: close) and reads the whole reply.
    func request(_ method: String, _ path: String, key: String? = nil, body: String? = nil) throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        return try raw(Array((head + "\r\n" + (body ?? "")).utf8))
    }

    /// Sends raw bytes and reads until the server closes; parses the status line and body.
    func raw(_ bytes: [UInt8]) throws -> Reply {
        let socket = try connect()
        defer { close(socket) }
        _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { throw ServeError("no HTTP reply: \(text.prefix(200))") }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Reply(status: status, body: body)
    }

    /// A connected TCP socket to the server, with a 30 s receive timeout.
    func connect() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(socket); throw ServeError("cannot connect to 127.0.0.1:\(port)") }
        return socket
    }
}

/// A failure of the test harness itself.
struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
