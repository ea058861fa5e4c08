import ArgumentParser
import CofferCore
import CofferServer
import Foundation
import Synchronization

/// `coffer serve`: the HTTP API for applications (SPEC §12).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API (JSON over HTTP/1.1) on this database.",
        discussion: """
            Authenticate with Authorization: Bearer KEY (coffer keys create NAME). Listens on loopback \
            unless told otherwise; any other address needs --tls-cert and --tls-key. Port 0 picks a free \
            port, printed on the first line. SIGTERM stops accepting, commits the open group and exits 0. \
            One access-log line (JSON) per request goes to stderr; keys never appear in it.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "HOST:PORT to listen on.") var listen = "127.0.0.1:8080"
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain (TLS).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key (TLS).") var tlsKey: String?
    @Option(name: .customLong("client-timeout"), help: "Seconds a client may take to send a request, or stay idle.")
    var clientTimeout: Double = 30

    func run() throws {
        var options = try ServeOptions(listen: listen, tlsCertificate: tlsCert, tlsKey: tlsKey)
        guard clientTimeout > 0, clientTimeout <= 3_600 else { throw CofferError("--client-timeout takes 0 to 3,600 seconds") }
        options.clientTimeout = .milliseconds(Int64(clientTimeout * 1_000))
        let store = try global.openStore()
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await CofferServer.run(store: store, options: options, announce: { line in
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }, log: { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                })
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        try store.close()
        if let error = failure.withLock({ $0 }) {
            throw (error as? CofferError) ?? CofferError("The server stopped: \(error)")
        }
    }
}
