import CofferCore
import CofferStore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Bench {
    /// PostgreSQL (SPEC §13, figures as SPEC §11 asks): on a throwaway cluster of its own
    /// (`scripts/pg-cluster`, the server's default durability: `fsync` and `synchronous_commit` on),
    /// durable debits through `coffer serve` (one server; four on one workspace; four on four
    /// workspaces) beside raw libpq committing the same rows in the same group sizes; the tab
    /// queries at `records` on a copy of the reference ledger made by `coffer migrate --to`; and
    /// pgbench on the same cluster, the machine's own reference. Skipped, with a note, when no
    /// PostgreSQL server is installed; the cluster is stopped and removed afterwards, failure or not.
    mutating func measurePostgres(records: Int, end: Timestamp) throws {
        guard let server = PostgresCluster.serverFolder() else {
            log("PostgreSQL: skipped — no PostgreSQL server is installed (/usr/lib/postgresql/*/bin/initdb is missing; scripts/bootstrap installs one)")
            return
        }
        guard let script = PostgresCluster.script() else {
            log("PostgreSQL: skipped — scripts/pg-cluster not found above \(Measured.folder.path) or in the current folder (run coffer-bench from the repository)")
            return
        }
        log("PostgreSQL: starting a throwaway cluster (\(server.path), scripts/pg-cluster)…")
        let cluster = try PostgresCluster.start(script: script, near: work)
        defer { cluster.stop() }
        let admin = try RawPostgres(url: cluster.url("postgres"))
        let settings = try ["server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "shared_buffers"]
            .map { "\($0) \(try admin.value("SHOW \($0)") ?? "?")" }
        log("  \(settings.joined(separator: ", "))")
        try measurePostgresServe(cluster: cluster, end: end)
        try measurePostgresQueries(cluster: cluster, records: records, end: end)
        try measurePgbench(cluster: cluster, server: server)
    }

    // MARK: - Durable debits through coffer serve

    /// Rows 1–3 of issue #17.7: one `coffer serve` on PostgreSQL with 64 clients (single events and
    /// batches of 100) beside raw libpq in the same group sizes; four servers on one workspace and
    /// on four; and what one event costs in statements (each a round trip to the server).
    private mutating func measurePostgresServe(cluster: PostgresCluster, end: Timestamp) throws {
        log("PostgreSQL: durable debits through coffer serve…")
        // Row 1's database is made as measureServe makes its SQLite one: the demo team, ample credit, a key.
        let url = try cluster.createDatabase("coffer_serve")
        let clock = SimulatedClock(end - 86_400)
        let store = try CofferStore(path: url, catalog: catalog, clock: { clock.now })
        let owner = try DemoData(store: store, clock: clock).build(months: 1, records: 0, end: end).owner
        try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(nil), amount: .whole(100_000_000), reason: "bench")
        let key = try APIKeys(store).create(actor: owner, name: "bench")
        try store.close()
        let seconds = quick ? 1.0 : 6.0

        // What one event costs: every statement the server sends for it, logged by the cluster.
        try measureStatementsPerEvent(cluster: cluster, url: url, key: key, end: end)
        // The raw baseline's rows (the usage sink exists once an event has been charged).
        let ids = try CofferStore(path: url, catalog: catalog, create: false, clock: { end }).benchmarkIDs()

        // Row 3's unit: a bare round trip on this connection (a Unix socket).
        let rounds = quick ? 500 : 5_000
        let roundTrip = try { () throws -> Double in // its connection closed after (the database is copied below)
            let probe = try RawPostgres(url: url)
            let started = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds { try probe.exec("SELECT 1") }
            return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e3 / Double(rounds)
        }()
        add("PostgreSQL: one libpq round trip (SELECT 1, Unix socket)", unit: "µs", coffer: roundTrip, baseline: nil,
            higherIsBetter: false, target: "(unit of cost)", meets: nil)

        // Row 1 (and row 3 beside it): one server, 64 clients.
        for (label, batch) in [("single events", 1), ("batches of 100", 100)] {
            for clients in quick || batch > 1 ? [64] : [1, 64] {
                let run = try runServers(cluster: cluster, url: url, keys: [key], clientsPerServer: clients, batch: batch, seconds: seconds,
                                         label: "\(label.prefix(1))\(clients)", end: end)
                let (rate, groupSize) = (run.rate, run.groupSize)
                // Conversations as the clients send them: each client puts 8 consecutive events of its
                // own in one, so a group of single events holds one event from each of many clients
                // (each client's conversation new every 8th event), a batch 8 events per conversation.
                let conversation: (Int64) -> String = batch == 1
                    ? { n in "raw-c\(n % Int64(clients))-\(n / Int64(clients) / 8)" } : { n in "raw-\(n / 8)" }
                let raw = try rawGroupRate(cluster: cluster, template: "coffer_serve", ids: ids, groupSize: groupSize,
                                           conversation: conversation, seconds: seconds, at: end)
                let target = batch == 1 ? 20_000.0 : 60_000.0
                let judged = clients == 64
                add("PostgreSQL: coffer serve, \(clients) client\(clients == 1 ? "" : "s"), \(label) (groups of \(groupSize))", unit: "/s",
                    coffer: rate, baseline: raw, against: "raw libpq", higherIsBetter: true,
                    target: judged ? "≥ 0.6× and ≥ \(Int(target).formatted())/s" : "—",
                    meets: judged ? rate >= 0.6 * raw && rate >= target : nil)
                addLatency(run, judged: judged)
            }
        }

        // Row 2: four servers on one PostgreSQL, 16 clients each (64 in all, as above), in a database
        // of four identical teams (the demo team's people cannot be in four teams: one of them holds
        // a personal plan); beside one server with 64 clients on the same database.
        let teams = try cluster.createDatabase("coffer_teams")
        let teamClock = SimulatedClock(end - 2 * 86_400)
        let teamStore = try CofferStore(path: teams, catalog: catalog, clock: { teamClock.now })
        let keys = try (1...4).map { try Self.benchTeam(teamStore, number: $0) }
        teamClock.now = end
        try teamStore.settle()
        try teamStore.close()
        let alone = try runServers(cluster: cluster, url: teams, keys: [keys[0]], clientsPerServer: 64, batch: 1, seconds: seconds,
                                   label: "one", end: end)
        add("PostgreSQL: 1 coffer serve, one team, 64 clients, single events (groups of \(alone.groupSize))",
            unit: "/s", coffer: alone.rate, baseline: nil, higherIsBetter: true, target: "(row 2's base)", meets: nil)
        addLatency(alone, judged: true)
        let perServer = 16
        let shared = try runServers(cluster: cluster, url: teams, keys: Array(repeating: keys[0], count: 4), clientsPerServer: perServer,
                                    batch: 1, seconds: seconds, label: "a", end: end)
        add("PostgreSQL: (a) 4 coffer serve, one team, 4×\(perServer) clients, single events (groups of \(shared.groupSize); "
            + String(format: "%.1f of 4 writers waiting on the advisory lock)", shared.waiting),
            unit: "/s", coffer: shared.rate, baseline: alone.rate, against: "1 server", higherIsBetter: true, target: "(aggregate)", meets: nil)
        addLatency(shared, judged: true)
        let apart = try runServers(cluster: cluster, url: teams, keys: keys, clientsPerServer: perServer, batch: 1, seconds: seconds,
                                   label: "b", end: end)
        // The ratio is (b)/(a): above 1 only if writers of different workspaces proceed in parallel (R42).
        add("PostgreSQL: (b) 4 coffer serve, 4 teams, 4×\(perServer) clients, single events (groups of \(apart.groupSize); "
            + String(format: "%.1f of 4 writers waiting on the advisory lock)", apart.waiting),
            unit: "/s", coffer: apart.rate, baseline: shared.rate, against: "(a) one team", higherIsBetter: true,
            target: "R42: (b)/(a) > 1", meets: nil)
        addLatency(apart, judged: true)
    }

    /// The latency row under a throughput row: p99 (judged against SPEC §11's 25 ms), the median beside it.
    private mutating func addLatency(_ run: ServeRun, judged: Bool) {
        add(String(format: "  its latency, p99 (%d requests over %.1f s)", run.result.latencies.count, run.seconds), unit: "ms",
            coffer: run.p99, median: run.result.percentile(0.5), samples: run.result.latencies.count, baseline: nil, higherIsBetter: false,
            target: judged ? "≤ 25 ms" : "—", meets: judged ? run.p99 <= 25 : nil)
    }

    /// A team like the demo's in what a debit meets: Pro with seats for four members who accepted,
    /// auto-recharge on with no cap, a low-balance alert, ample credit; its owner's new API key.
    private static func benchTeam(_ store: CofferStore, number: Int) throws -> String {
        let people = (0..<4).map { "member\($0)@team\(number).test" }
        let slug = try Workspaces(store).create(name: "Bench team \(number)", owner: people[0]).slug
        var owner = try Workspaces(store).actor(email: people[0], workspace: slug)
        _ = try Billing(store).setCard(actor: owner, number: "4242424242424242")
        _ = try Subscriptions(store).subscribe(actor: owner, plan: "pro", interval: .monthly, seats: Int64(people.count))
        _ = try Seats(store).add(actor: owner, emails: Array(people.dropFirst()))
        for email in people.dropFirst() { try Members(store).acceptInvite(actor: Workspaces(store).actor(email: email, workspace: slug)) }
        owner = try Workspaces(store).actor(email: people[0], workspace: slug)
        _ = try TeamSettings(store).setRecharge(actor: owner, seatEmail: nil, enabled: true, threshold: .whole(100), amount: .whole(250),
                                                maxPeriodSpend: .some(nil))
        try TeamSettings(store).setAlert(actor: owner, threshold: .whole(1_000))
        _ = try OperatorActions(store).adjust(workspace: Workspaces(store).workspace(slug), amount: .whole(100_000_000), reason: "bench")
        return try APIKeys(store).create(actor: owner, name: "bench")
    }

    /// What one or more `coffer serve` processes on PostgreSQL answered.
    struct ServeRun {
        let result: LoadClients.Result
        /// Groups the writers committed and the events they held.
        let groups: Int, events: Int
        /// From the first request to the last answer: requests sent before the deadline are
        /// answered after it (a slow server's tail counts).
        let seconds: Double
        /// Writers waiting for the ledger's advisory lock, on average (`pg_stat_activity`, sampled).
        let waiting: Double
        var groupSize: Int { max(1, Int((Double(events) / Double(max(groups, 1))).rounded())) }
        var rate: Double { Double(result.events) / seconds }
        var p99: Double { result.percentile(0.99) }
    }

    /// `servers` (one per key) answering `clientsPerServer` clients each for `seconds`.
    private func runServers(cluster: PostgresCluster, url: String, keys: [String], clientsPerServer: Int, batch: Int, seconds: Double,
                            label: String, end: Timestamp) throws -> ServeRun {
        var servers: [ServeProcess] = []
        defer { for server in servers where server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        for (index, _) in keys.enumerated() {
            servers.append(try ServeProcess(database: url, now: end, log: work.appendingPathComponent("serve-pg-\(label)-\(index).log").path))
        }
        let loads = keys.enumerated().map { index, key in
            LoadClients(port: servers[index].port, key: key, clients: clientsPerServer, batch: batch, run: "pg\(label)-\(index)-")
        }
        let sampler = try LockSampler(url: cluster.url("postgres"))
        let collected = LoadClients.Collected()
        let done = DispatchGroup()
        let started = DispatchTime.now().uptimeNanoseconds
        for load in loads {
            done.enter()
            Thread { collected.add(load.run(for: seconds)); done.leave() }.start()
        }
        done.wait()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let waiting = sampler.stop()
        var (groups, events) = (0, 0)
        for server in servers {
            let stopped = try server.stop()
            groups += stopped.groups
            events += stopped.events
        }
        let result = collected.total
        guard result.failures == 0 else {
            throw CofferError("coffer serve on PostgreSQL refused \(result.failures) bench requests: \(result.firstFailure)")
        }
        return ServeRun(result: result, groups: groups, events: events, seconds: wall, waiting: waiting)
    }

    /// Raw libpq writing the rows of debits (`RawPostgresDebitWriter`), `groupSize` per transaction, for about `seconds`, on a
    /// fresh copy of `template` (CREATE DATABASE … TEMPLATE); in debits per second.
    private func rawGroupRate(cluster: PostgresCluster, template: String, ids: BenchIDs, groupSize: Int,
                              conversation: (Int64) -> String, seconds: Double, at time: Timestamp) throws -> Double {
        let url = try cluster.createDatabase("coffer_raw", template: template)
        defer { try? cluster.dropDatabase("coffer_raw") }
        var writer = try RawPostgresDebitWriter(url: url, ids: ids)
        var next: Int64 = 50_000_000
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        var written = 0
        repeat {
            try writer.database.exec("BEGIN")
            try writer.writeGroup(first: next, count: groupSize, conversation: conversation, at: time)
            try writer.database.exec("COMMIT")
            next += Int64(groupSize)
            written += groupSize
        } while DispatchTime.now().uptimeNanoseconds < deadline
        return Double(written) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Logs every statement (`log_statement = all`) while one `coffer serve` answers a single
    /// event and then a batch of 100, and reports what each event cost in statements and which
    /// tables it wrote; then what the same work costs in round trips (statements that need no
    /// answer wait for one that does, and go with it in one libpq pipeline), counted in-process.
    private mutating func measureStatementsPerEvent(cluster: PostgresCluster, url: String, key: String, end: Timestamp) throws {
        let server = try ServeProcess(database: url, now: end, log: work.appendingPathComponent("serve-pg-trace.log").path)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        guard let connection = LoadClients.Connection(port: server.port) else { throw CofferError("Cannot connect to coffer serve") }
        func post(_ events: [Int]) throws {
            let lines = events.map { #"{"id":"trace-\#($0)","service":"gpt-4o","conversation":"trace-c\#($0 / 8)"}"# }
            let body = lines.count == 1 ? lines[0] : #"{"events":[\#(lines.joined(separator: ","))]}"#
            let request = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            guard let (status, reply) = connection.exchange(Array(request.utf8)), status == 200, !reply.contains("\"refused\"") else {
                throw CofferError("coffer serve on PostgreSQL did not charge the traced event")
            }
        }
        for n in 0..<3 { try post([n]) } // warm: statements prepared, facts cached
        let single = try cluster.statements { try post([3]) }
        let batch = try cluster.statements { try post(Array(100..<200)) }
        _ = try server.stop()
        for (what, statements, events) in [("a single event", single, 1), ("a batch of 100, per event", batch, 100)] {
            let kinds = Dictionary(grouping: statements, by: \.kind).mapValues(\.count)
            let written = Set(statements.compactMap(\.table)).sorted()
            let per = Double(statements.count) / Double(events)
            add("PostgreSQL: statements for \(what)", unit: "statements", coffer: per, baseline: nil, higherIsBetter: false,
                target: "(evidence)", meets: nil)
            log(String(format: "    %@: %@; tables written: %@", what,
                       ["transaction", "lock", "savepoint", "read", "write"].map { String(format: "%.1f %@", Double(kinds[$0] ?? 0) / Double(events), $0) }
                           .joined(separator: ", "), written.joined(separator: ", ")))
        }
        try measureRoundTrips(url: url, key: key, end: end)
        let rawTables = Set(RawPostgresDebitWriter.tables), cofferTables = Set((single + batch).compactMap(\.table))
        if rawTables != cofferTables {
            log("    note: the raw baseline writes \(rawTables.sorted().joined(separator: ", ")); Coffer wrote \(cofferTables.sorted().joined(separator: ", "))")
        }
        // Every statement, for reading (kept with --folder).
        let listing = [("a single event", single), ("a batch of 100", batch)].map { what, statements in
            "-- \(what): \(statements.count) statements\n" + statements.map { "[\($0.kind)] \($0.sql)" }.joined(separator: "\n")
        }.joined(separator: "\n\n")
        try listing.write(to: work.appendingPathComponent("postgres-statements.txt"), atomically: true, encoding: .utf8)
    }

    /// What `coffer serve` does for a request — find the key's holder, record the request's
    /// events as one group — counted in round trips on a store of this process, for a single
    /// event and for a batch of 100 (per event).
    private mutating func measureRoundTrips(url: String, key: String, end: Timestamp) throws {
        let store = try CofferStore(path: url, catalog: catalog, create: false, clock: { end })
        defer { try? store.close() }
        func request(_ events: Range<Int>) throws {
            guard let actor = try APIKeys(store).holder(ofSecret: key)?.actor else { throw CofferError("The bench key has no holder") }
            let group = events.map { n in
                var request = UsageRequest(eventID: "trips-\(n)", service: "gpt-4o")
                request.conversationID = "trips-c\(n / 8)"
                return GroupedEvent(actor: actor, request: request)
            }
            guard try Usage(store).recordGroup(group).allSatisfy({ if case .recorded = $0 { true } else { false } }) else {
                throw CofferError("The round-trip count's events were refused")
            }
        }
        for n in 0..<3 { try request(n..<n + 1) } // warm: statements prepared, facts and the key's holder kept
        for (what, events) in [("a single event", 3..<4), ("a batch of 100, per event", 100..<200)] {
            let before = store.roundTrips
            try request(events)
            add("PostgreSQL: round trips for \(what)", unit: "round trips", coffer: Double(store.roundTrips - before) / Double(events.count),
                baseline: nil, higherIsBetter: false, target: "(evidence)", meets: nil)
        }
    }

    // MARK: - Queries at 1M records

    /// Row 4: the reference ledger copied into PostgreSQL by `coffer migrate --to`, then the same
    /// tab pages and summaries, search and balance the `queries` scenario times on SQLite; beside
    /// each, Coffer's own time on the SQLite reference (the same run, the same data).
    private mutating func measurePostgresQueries(cluster: PostgresCluster, records: Int, end built: Timestamp) throws {
        let (reference, end) = try reference(records: records, end: built)
        log("PostgreSQL: copying the reference ledger with coffer migrate --to …")
        let url = try cluster.createDatabase("coffer_reference")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("COFFER_") }
        environment["COFFER_NOW"] = UTC.iso(end)
        let started = DispatchTime.now().uptimeNanoseconds
        let output = try runProgram(Measured.coffer, ["migrate", "--db", reference, "--to", url], environment: environment, in: work)
        let migrated = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let sqlite = try CofferStore(path: reference, catalog: catalog, create: false, clock: { end })
        let count = try RawSQLite(path: reference).int("SELECT count(*) FROM usage_events") ?? 0
        add("PostgreSQL: coffer migrate --to (\(count.formatted()) usage records; check on both)", unit: "s", coffer: migrated, baseline: nil,
            higherIsBetter: false, target: "(R43)", meets: output.contains("check ok on both"))
        // The copy carries its statistics and visibility map: `coffer migrate` ends with VACUUM (ANALYZE).

        log("PostgreSQL: queries over the copy…")
        let postgres = try CofferStore(path: url, catalog: catalog, create: false, clock: { end })
        let owner = DemoData.members[0]
        let actor = try Workspaces(postgres).actor(email: owner, workspace: nil)
        let sqliteActor = try Workspaces(sqlite).actor(email: owner, workspace: nil)
        let runs = quick ? 3 : 15
        for ((name, query, target), (_, sqliteQuery, _)) in zip(queryCases(actor: actor, end: end), queryCases(actor: sqliteActor, end: end)) {
            do { try query(postgres) } catch {
                // A query PostgreSQL refuses is a finding of this run, not the end of it.
                addFailure("PostgreSQL: \(name)", target: "≤ \(Int(target)) ms", error: error)
                continue
            }
            let coffer = try Bench.median(runs: runs) { try query(postgres) }
            try sqliteQuery(sqlite)
            let baseline = try Bench.median(runs: runs) { try sqliteQuery(sqlite) }
            add("PostgreSQL: \(name)", unit: "ms", coffer: coffer, baseline: baseline, against: "Coffer on SQLite", higherIsBetter: false,
                target: "≤ \(Int(target)) ms", meets: coffer <= target)
        }
        _ = try Balances(postgres).report(for: actor)
        let coffer = try Bench.median(runs: runs * 4) { _ = try Balances(postgres).report(for: actor) }
        _ = try Balances(sqlite).report(for: sqliteActor)
        let baseline = try Bench.median(runs: runs * 4) { _ = try Balances(sqlite).report(for: sqliteActor) }
        add("PostgreSQL: balance", unit: "ms", coffer: coffer, baseline: baseline, against: "Coffer on SQLite", higherIsBetter: false,
            target: "≤ 1 ms", meets: coffer <= 1)
        let before = postgres.roundTrips
        _ = try Balances(postgres).report(for: actor)
        add("PostgreSQL: balance, round trips", unit: "round trips", coffer: Double(postgres.roundTrips - before), baseline: nil,
            higherIsBetter: false, target: "(evidence)", meets: nil)
        try postgres.close()
        try sqlite.close()
    }

    // MARK: - pgbench

    /// Row 5: pgbench on the same cluster (TPC-B-like read-write, and select-only), the machine's
    /// own reference for what PostgreSQL does here.
    private mutating func measurePgbench(cluster: PostgresCluster, server: URL) throws {
        let bundled = server.appendingPathComponent("pgbench").path
        guard let pgbench = FileManager.default.isExecutableFile(atPath: bundled) ? bundled : Self.which("pgbench") else {
            log("PostgreSQL: pgbench not found: skipping the pgbench reference")
            return
        }
        log("PostgreSQL: pgbench (the machine's reference)…")
        let scale = quick ? 1 : 10, duration = quick ? 2 : 10
        _ = try cluster.createDatabase("pgbench")
        let connect = ["-h", cluster.socket, "-U", "coffer"]
        _ = try runProgram(pgbench, connect + ["-i", "-q", "-s", "\(scale)", "pgbench"], in: work)
        for (label, options) in [("TPC-B-like, 1 client", ["-c", "1", "-j", "1"]), ("TPC-B-like, 8 clients", ["-c", "8", "-j", "2"]),
                                 ("select-only (-S), 8 clients", ["-c", "8", "-j", "2", "-S"])] {
            let output = try runProgram(pgbench, connect + options + ["-T", "\(duration)", "pgbench"], in: work)
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
                  let tps = Double(line.dropFirst(6).prefix { $0.isNumber || $0 == "." }) else {
                throw CofferError("pgbench printed no tps: \(output.suffix(200))")
            }
            add("pgbench -s \(scale) -T \(duration): \(label)", unit: "tps", coffer: tps, baseline: nil, higherIsBetter: true,
                target: "(reference)", meets: nil)
        }
    }
}

/// The row ids a raw baseline writes against (`CofferStore.benchmarkIDs`).
typealias BenchIDs = (workspace: Int64, user: Int64, pool: Int64, sink: Int64, grant: Int64)
