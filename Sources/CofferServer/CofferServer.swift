import CofferCore
import CofferStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// `coffer serve` (SPEC §12): JSON over HTTP/1.1 on Hummingbird, each route a thin layer over
/// the same use case the CLI calls; events go through one group-commit writer (R40).
public enum CofferServer {
    /// Serves until SIGTERM or SIGINT: then stops accepting, answers the requests in flight,
    /// commits the open group and returns (R41). `announce` receives the line saying where it
    /// listens (with the real port when 0 was asked); `log` receives one access-log line per request.
    public static func run(store: CofferStore, options: ServeOptions, announce: @escaping @Sendable (String) -> Void,
                           log: @escaping @Sendable (String) -> Void) async throws {
        let writer = GroupCommitWriter(usage: Usage(store), maxEvents: options.maxGroupEvents, linger: options.linger)
        writer.start()
        defer {
            writer.stop()
            log(#"{"stopped":true,"groups":\#(writer.committedGroups),"events":\#(writer.committedEvents)}"#)
        }
        let router = Router()
        router.add(middleware: AccessLogMiddleware(write: log))
        router.add(middleware: ErrorMiddleware())
        Routes(store: store, writer: writer, clientTimeout: options.clientTimeout).register(on: router)
        // A client that sends no request head within the client timeout (a slow-headers client
        // included) is let go; bodies are read with a 1 MiB cap and the same timeout.
        let idle = TimeAmount.nanoseconds(Int64(options.clientTimeout.components.seconds) * 1_000_000_000
                                          + options.clientTimeout.components.attoseconds / 1_000_000_000)
        let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: idle))
        let scheme = options.tls == nil ? "http" : "https"
        var logger = Logger(label: "coffer-serve")
        logger.logLevel = .error
        let app = Application(
            router: router,
            server: try options.tls.map { try .tls(http, tlsConfiguration: try tlsConfiguration($0)) } ?? http,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "coffer"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                let host = options.host.contains(":") ? "[\(options.host)]" : options.host
                announce("Listening on \(scheme)://\(host):\(port)")
            },
            logger: logger)
        try await app.runService()  // SIGTERM and SIGINT shut it down gracefully
    }

    /// A server TLS configuration from PEM files; a clear one-line error when they cannot be read.
    static func tlsConfiguration(_ files: (certificate: String, key: String)) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.key, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw CofferError("Cannot read the TLS certificate or key (\(CofferError.quote(files.certificate, limit: 200)), "
                              + "\(CofferError.quote(files.key, limit: 200))): \(error)")
        }
    }
}

/// Runs blocking store work off the server's event loops.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
