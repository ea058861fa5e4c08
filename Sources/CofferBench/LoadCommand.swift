import ArgumentParser
import Foundation

/// `coffer-bench load`: the serve scenario's load clients against a `coffer serve` already
/// running, so a profiler can watch the server alone (the bench starts and stops its own).
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Post events to a running coffer serve from keep-alive clients, and print the rate and latency.")
    @Option(help: "The server's port on 127.0.0.1.") var port: Int
    @Option(help: "An API key's secret (coffer keys create).") var key: String
    @Option(help: "Concurrent clients, one connection each.") var clients = 64
    @Option(help: "Events per request (1 posts single events).") var batch = 1
    @Option(help: "How long to post, in seconds.") var seconds = 6.0
    @Option(help: "GET this path instead of posting events (e.g. /healthz: the HTTP stack alone).") var get: String?
    @Option(help: "A prefix for the events' ids, new for each run on one database.") var prefix = "load-\(UInt32.random(in: 0...UInt32.max))-"

    func run() throws {
        let result = LoadClients(port: port, key: key, clients: clients, batch: batch, run: prefix, get: get).run(for: seconds)
        print("\(Int(Double(result.events) / seconds)) \(get == nil ? "events" : "answers")/s, \(result.latencies.count) requests, "
              + "median \(result.percentile(0.5)) ms, p99 \(result.percentile(0.99)) ms, \(result.failures) failed \(result.firstFailure)")
    }
}
