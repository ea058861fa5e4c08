import CofferCore
import Foundation

/// How `coffer serve` listens (SPEC §12): loopback unless told otherwise, and a non-loopback
/// address only with TLS.
public struct ServeOptions: Sendable {
    public let host: String
    public let port: Int
    /// PEM files of the certificate chain and its private key, for TLS.
    public let tls: (certificate: String, key: String)?
    /// How many events one group commit holds at most, and how long it waits for company.
    public var maxGroupEvents = 2_000
    public var linger: TimeInterval = 0.002
    /// How long a client may take to send a request's head or body, or stay idle between requests.
    public var clientTimeout: Duration = .seconds(30)

    /// Options from `--listen HOST:PORT` and the TLS files; refuses what SPEC §12 refuses.
    public init(listen: String, tlsCertificate: String?, tlsKey: String?) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port) else {
            throw CofferError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 (not \(CofferError.quote(listen)))")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw CofferError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 (not \(CofferError.quote(listen)))") }
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): tls = nil
        case let (certificate?, key?): tls = (certificate, key)
        default: throw CofferError("TLS needs both --tls-cert and --tls-key")
        }
        guard tls != nil || Self.isLoopback(host) else {
            throw CofferError("Refusing to listen on \(CofferError.quote(host)) without TLS: give --tls-cert and --tls-key, or listen on loopback")
        }
        self.host = host
        self.port = port
    }

    /// Whether `host` names this machine only (127.0.0.0/8, ::1, localhost).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
