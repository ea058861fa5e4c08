import Foundation
import Testing

/// `coffer serve` end to end (SPEC §12): the real binary on a real loopback socket.
@Suite("coffer serve over HTTP (SPEC §12, R38–R41)", .serialized)
struct ServeTests {
    /// A workspace with $100 in the pool and an owner's key; returns the CLI and the secret.
    static func workspace() throws -> (CofferCLI, String) {
        let cli = try CofferCLI(now: "2026-02-01T10:00:00Z")
        cli.environment["COFFER_USER"] = "ada@acme.test"
        #expect(try cli.run("workspace", "create", "Acme", "--owner", "ada@acme.test").status == 0)
        #expect(try cli.run("operator", "adjust", "100", "--reason", "usage").status == 0)
        let created = try cli.run("keys", "create", "backend")
        let secret = secret(in: created.stdout)
        #expect(secret.count == 68 && secret.dropFirst(4).allSatisfy(\.isHexDigit), "a 256-bit secret (R38): \(created.stdout)")
        return (cli, secret)
    }

    /// The secret `keys create` printed.
    static func secret(in output: String) -> String {
        output.split(whereSeparator: \.isWhitespace).map(String.init).first { $0.hasPrefix("cfr_") } ?? ""
    }

    @Test("R39/R33: an event is charged once; a replay is a duplicate with the first result; a conflicting payload is refused naming the id")
    func eventsExactlyOnce() throws {
        let (cli, key) = try Self.workspace()
        let server = try CofferServe(cli)
        let event = #"{"id": "e1", "service": "gpt-4o", "conversation": "c1", "title": "Hello"}"#
        let first = try server.request("POST", "/v1/events", key: key, body: event)
        #expect(first.status == 200, "\(first.body)")
        #expect(first.object["status"] as? String == "charged")
        let charged = (first.object["result"] as? [String: Any])?["credits"] as? String
        #expect(charged == "0.015")
        let again = try server.request("POST", "/v1/events", key: key, body: event)
        #expect(again.object["status"] as? String == "duplicate")
        #expect((again.object["result"] as? [String: Any])?["credits"] as? String == charged)
        let conflicting = try server.request("POST", "/v1/events", key: key, body: #"{"id": "e1", "service": "gpt-4o", "quantity": "3"}"#)
        #expect(conflicting.status == 422)
        #expect(conflicting.object["status"] as? String == "refused")
        #expect((conflicting.object["error"] as? String)?.contains("e1") == true, "\(conflicting.body)")
        // A batch: each event answered on its own; a refusal touches no other (R40).
        let batch = try server.request("POST", "/v1/events", key: key, body: """
            {"events": [{"id": "b1", "service": "gpt-4o"}, {"id": "b2", "service": "gpt-4o", "for": "nobody@else.test"},
                        {"id": "e1", "service": "gpt-4o", "conversation": "c1", "title": "Hello"}, {"id": "b3", "service": "gpt-4o"}]}
            """)
        #expect(batch.status == 200, "\(batch.body)")
        let statuses = (batch.object["results"] as? [[String: Any]])?.map { $0["status"] as? String ?? "" }
        #expect(statuses == ["charged", "refused", "duplicate", "charged"])
        // The server and the CLI read the same ledger: 3 charged events of $0.015.
        let balance = try server.request("GET", "/v1/balance", key: key)
        let wallets = balance.object["wallets"] as? [[String: Any]]
        let pool = wallets?.first { $0["kind"] as? String == "team_pool" && $0["asset"] as? String == "credits" }?["balance"] as? String
        #expect(pool == "104.955", "the Free plan's $5 and $100, less 3 × $0.015")
        #expect(try cli.poolBalance(as: "ada@acme.test") == pool)
        let stopped = server.stop()
        #expect(stopped.status == 0, "SIGTERM exits 0 (R41)")
        #expect(!stopped.log.contains(key), "keys never appear in logs (R38)")
        #expect(stopped.log.contains("\"key\":\"backend\""), "the access log names the key: \(stopped.log.prefix(300))")
        #expect(try cli.run("check").status == 0)
    }

    @Test("R38: no key or a wrong one is 401; a revoked key ends at once; R7 refusals are 403; another workspace's data is 404")
    func keys() throws {
        let (cli, key) = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "3", "--card", "4242424242424242").status == 0)
        let server = try CofferServe(cli)
        #expect(try server.request("GET", "/v1/balance").status == 401)
        #expect(try server.request("GET", "/v1/balance", key: "cfr_" + String(repeating: "0", count: 64)).status == 401)
        #expect(try server.request("GET", "/v1/balance", key: String(key.dropLast()) + (key.last == "a" ? "b" : "a")).status == 401)
        #expect(try server.request("GET", "/v1/balance", key: key).status == 200)
        // The key acts as its creator under R7: demoted to member, an owner's action is refused.
        #expect(try cli.run("seats", "add", "bo@acme.test").status == 0)
        #expect(try cli.run("members", "set-role", "bo@acme.test", "owner", "--as", "ada@acme.test").status == 0)
        let bo = CofferCLI(sharing: cli)
        bo.environment["COFFER_USER"] = "bo@acme.test"
        let boKey = Self.secret(in: try bo.run("keys", "create", "bo-key").stdout)
        #expect(try server.request("GET", "/v1/members", key: boKey).status == 200)
        #expect(try cli.run("members", "set-role", "bo@acme.test", "member").status == 0)
        let refused = try server.request("GET", "/v1/billing-team/seats", key: boKey)
        #expect(refused.status == 403 || refused.status == 200)
        let access = try server.request("PUT", "/v1/members/ada@acme.test", key: boKey, body: #"{"limit": "5"}"#)
        #expect(access.status == 403, "\(access.body)")
        #expect(access.object["error"] as? String == "Only the owner can manage team")
        // Revoked: the next request is refused — an event too, though the key was known a moment
        // before (its group checks the key again) — and nothing of it is recorded.
        let event = #"{"id": "after-revoke", "service": "gpt-4o", "conversation": "revoked"}"#
        #expect(try server.request("POST", "/v1/events", key: key, body: #"{"id": "before-revoke", "service": "gpt-4o", "conversation": "revoked"}"#).status == 200)
        #expect(try cli.run("keys", "revoke", "backend").status == 0)
        #expect(try server.request("GET", "/v1/balance", key: key).status == 401)
        let late = try server.request("POST", "/v1/events", key: key, body: event)
        #expect(late.status == 401 && late.object["error"] as? String == "The API key is not valid: wrong, or revoked", "\(late.body)")
        // Another workspace's conversation is not found, not forbidden.
        let other = CofferCLI(sharing: cli)
        other.environment["COFFER_USER"] = "cy@beta.test"
        #expect(try other.run("workspace", "create", "Beta", "--owner", "cy@beta.test").status == 0)
        #expect(try other.run("consume", "--service", "gpt-4o", "--id", "x", "--conversation", "secret-conv").status == 0)
        let adaKey = Self.secret(in: try cli.run("keys", "create", "again").stdout)
        let retried = try server.request("POST", "/v1/events", key: adaKey, body: event)
        #expect(retried.object["status"] as? String == "charged", "the refused event was not recorded: \(retried.body)")
        #expect(try server.request("GET", "/v1/usage/conversations/secret-conv", key: adaKey).status == 404)
        #expect(!server.stop().log.contains("cfr_"))
    }

    @Test("R41: malformed JSON, wrong types, unknown fields, oversized bodies, too many events, unknown routes: a one-line JSON 4xx, nothing written")
    func badInput() throws {
        let (cli, key) = try Self.workspace()
        let server = try CofferServe(cli)
        let big = "{\"id\": \"big\", \"service\": \"gpt-4o\", \"title\": \"" + String(repeating: "x", count: 1 << 20) + "\"}"
        let many = "{\"events\": [" + (0...1_000).map { "{\"id\": \"m\($0)\", \"service\": \"gpt-4o\"}" }.joined(separator: ",") + "]}"
        // Open to Foundation's 512-level limit at the very end of the body: its JSONDecoder traps
        // there (`JSONNesting`), which once ended the whole server (found by `scripts/fuzz import`).
        let trap = "\n{\"seats_limit\": " + String(repeating: "[", count: 512)
        let deepEvent = #"{"id": "deep", "service": "gpt-4o", "title": "# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"
        let cases: [(String, String, String?, Int)] = [
            ("POST", "/v1/events", "{", 400),
            ("POST", "/v1/events", "", 400),
            ("POST", "/v1/events", "[1, 2]", 400),
            ("POST", "/v1/events", #"{"id": 5, "service": "gpt-4o"}"#, 400),
            ("POST", "/v1/events", #"{"id": "a", "service": "gpt-4o", "credits": 0.5}"#, 400),
            ("POST", "/v1/events", #"{"id": "a", "service": "gpt-4o", "colour": "red"}"#, 400),
            ("POST", "/v1/events", #"{"events": [{"id": "ok", "service": "gpt-4o"}, {"id": "bad", "service": 3}]}"#, 400),
            ("POST", "/v1/events", #"{"events": []}"#, 400),
            ("POST", "/v1/events", #"{"events": [{"id": "ok2", "service": "gpt-4o"}], "extra": 1}"#, 400),
            ("POST", "/v1/events", big, 413),
            ("POST", "/v1/events", many, 413),
            ("PUT", "/v1/billing-team", trap, 400),
            ("PUT", "/v1/billing-team/seats", trap, 400),
            ("POST", "/v1/events", trap, 400),
            ("POST", "/v1/events", deepEvent, 400),
            ("GET", "/v1/nothing-here", nil, 404),
            ("DELETE", "/v1/balance", nil, 404),
        ]
        for (method, path, body, status) in cases {
            let reply = try server.request(method, path, key: key, body: body)
            #expect(reply.status == status, "\(method) \(path) \(body?.prefix(60) ?? ""): \(reply.status) \(reply.body.prefix(200))")
            #expect(reply.object["error"] is String, "one-line JSON error: \(reply.body.prefix(200))")
            #expect(!reply.body.contains("\n"))
        }
        // Nothing was written: no usage event at all.
        let summary = try JSONSerialization.jsonObject(with: Data(try cli.run("usage", "summary", "--json").stdout.utf8)) as? [String: Any]
        #expect(summary?["count"] as? Int == 0, "\(String(describing: summary))")
        // A client that drops mid-body and one that sends garbage leave the server serving.
        let socket = try server.connect()
        let partial = "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nAuthorization: Bearer \(key)\r\n\r\n{\"id\":"
        _ = partial.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        close(socket)
        let garbage = try? server.raw(Array("\u{01}\u{02} NOT HTTP\r\n\r\n".utf8))
        #expect(garbage.map { (400..<500).contains($0.status) } ?? true)
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(server.stop().status == 0)
        #expect(try cli.run("check").status == 0)
    }

    @Test("R39: the usage tabs, summaries and detail sheet answer what the CLI's --json prints, with §8's filters and keyset paging")
    func usageMatchesCLI() throws {
        let (cli, key) = try Self.workspace()
        for day in 1...9 {
            cli.environment["COFFER_NOW"] = "2026-02-0\(day)T09:00:00Z"
            #expect(try cli.run("consume", "--service", "claude-sonnet-4", "--id", "d\(day)", "--quantity", "\(day)",
                                "--conversation", "daily-\(day % 4)", "--title", "Standup \(day % 4)").status == 0)
        }
        cli.environment["COFFER_NOW"] = "2026-02-10T12:00:00Z"
        let server = try CofferServe(cli)
        func cliJSON(_ arguments: String...) throws -> Any? {
            try JSONSerialization.jsonObject(with: Data(try cli.run(arguments: arguments).stdout.utf8))
        }
        func same(_ a: Any?, _ b: Any?) -> Bool {
            guard let a, let b else { return false }
            return NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
        }
        let first = try server.request("GET", "/v1/usage/conversations?limit=2&sort=credits:desc", key: key)
        #expect(first.status == 200, "\(first.body)")
        #expect(same(first.json, try cliJSON("usage", "list", "--json", "--limit", "2", "--sort", "credits:desc")))
        let next = first.object["next"] as? String ?? ""
        let second = try server.request("GET", "/v1/usage/conversations?limit=2&sort=credits:desc&after=\(next)", key: key)
        #expect(same(second.json, try cliJSON("usage", "list", "--json", "--limit", "2", "--sort", "credits:desc", "--after", next)))
        let filtered = try server.request("GET", "/v1/usage/conversations/summary?from=2026-02-03&to=2026-02-06&search=Standup%201", key: key)
        #expect(same(filtered.json, try cliJSON("usage", "summary", "--json", "--from", "2026-02-03", "--to", "2026-02-06", "--search", "Standup 1")),
                "\(filtered.body)")
        #expect(same(try server.request("GET", "/v1/usage/adjustments/summary?last=30d", key: key).json,
                     try cliJSON("usage", "summary", "--json", "--tab", "adjustments", "--last", "30d")))
        #expect(same(try server.request("GET", "/v1/usage/conversations/daily-1", key: key).json, try cliJSON("usage", "show", "daily-1", "--json")))
        for bad in ["/v1/usage/conversations?sort=colour", "/v1/usage/conversations?last=2w", "/v1/usage/conversations?from=yesterday",
                    "/v1/usage/conversations?limit=0", "/v1/usage/conversations?after=x", "/v1/usage/calls?last=7d&from=2026-01-01",
                    "/v1/usage/conversations?colour=red"] {
            let reply = try server.request("GET", bad, key: key)
            #expect(reply.status == 400 && reply.object["error"] is String, "\(bad): \(reply.status) \(reply.body)")
        }
        #expect(try server.request("GET", "/v1/usage/invoices", key: key).status == 404)
        #expect(try server.request("GET", "/v1/usage/conversations/no-such-thing", key: key).status == 404)
        #expect(server.stop().status == 0)
    }

    @Test("R39: seed 003's billing team — seats against the limit, auto-recharge settings, seats added and replaced per item (R26), removed; members updated all or nothing")
    func billingTeam() throws {
        let (cli, key) = try Self.workspace()
        #expect(try cli.run("subscribe", "--plan", "pro", "--seats", "3", "--card", "4242424242424242").status == 0)
        let server = try CofferServe(cli)
        let team = try server.request("GET", "/v1/billing-team", key: key).object
        #expect(team["seats_limit"] as? Int == 3 && team["seats_count"] as? Int == 1, "\(team)")
        #expect(team["auto_recharge_enabled"] as? Bool == false && team["currency"] as? String == "USD")
        #expect(team.keys.contains("max_period_spend") && team["max_period_spend"] is NSNull)
        let set = try server.request("PUT", "/v1/billing-team", key: key, body: """
            {"auto_recharge_enabled": true, "recharge_threshold_amount": "10", "recharge_amount": "50", "max_period_spend": "200.5"}
            """)
        #expect(set.status == 200, "\(set.body)")
        #expect(set.object["recharge_amount"] as? String == "50.000" && set.object["max_period_spend"] as? String == "200.500")
        // The CLI sees the same settings (R39: same use case).
        #expect(try cli.run("balance").stdout.contains("Auto-recharge: on, below $10.000 buy $50.000, cap $200.500"))
        #expect(try server.request("PUT", "/v1/billing-team", key: key, body: #"{"recharge_amount": 50}"#).status == 400)
        let seats = try server.request("PUT", "/v1/billing-team/seats", key: key, body: """
            {"add_seats": ["bo@acme.test", "not an email", "cy@acme.test", "dee@acme.test"]}
            """)
        let items = (seats.object["results"] as? [[String: Any]])?.map { "\($0["status"] ?? "")" }
        #expect(items == ["done", "refused", "done", "refused"], "\(seats.body)")
        let refusal = (seats.object["results"] as? [[String: Any]])?.last?["error"] as? String
        #expect(refusal == "Seats limit exceeded: 4 > 3", "R26's message: \(String(describing: refusal))")
        let replaced = try server.request("PUT", "/v1/billing-team/seats", key: key, body: """
            {"replace_seats": [{"from": "cy@acme.test", "to": "cyd@acme.test"}, {"from": "zed@acme.test", "to": "z@acme.test"}]}
            """)
        #expect((replaced.object["results"] as? [[String: Any]])?.map { "\($0["status"] ?? "")" } == ["done", "refused"], "\(replaced.body)")
        let listed = try server.request("GET", "/v1/billing-team/seats", key: key).json as? [[String: Any]]
        #expect(Set(listed?.compactMap { $0["email"] as? String } ?? []) == ["ada@acme.test", "bo@acme.test", "cyd@acme.test"])
        #expect(try server.request("DELETE", "/v1/billing-team/seats/bo%40acme.test", key: key).status == 200)
        #expect(try server.request("DELETE", "/v1/billing-team/seats/bo@acme.test", key: key).status == 404, "an invitation removed is gone")
        #expect(try server.request("GET", "/v1/billing-team", key: key).object["seats_count"] as? Int == 2)
        // One update, several changes: a refused one leaves the others unapplied.
        #expect(try cli.run("invite", "accept", "--as", "cyd@acme.test").status == 0)
        let refused = try server.request("PUT", "/v1/members/cyd@acme.test", key: key, body: #"{"limit": "5", "multiplier": 2}"#)
        #expect(refused.status == 422, "\(refused.body)")
        #expect(refused.object["error"] as? String == "Seat multipliers apply only to per-seat plans")
        let members = try JSONSerialization.jsonObject(with: Data(try cli.run("members", "list", "--json").stdout.utf8)) as? [[String: Any]]
        let cyd = members?.first { $0["email"] as? String == "cyd@acme.test" }
        #expect(cyd != nil && cyd?["limit"] as? String == nil, "nothing of a refused update applied")
        let limited = try server.request("PUT", "/v1/members/cyd@acme.test", key: key, body: #"{"limit": "5"}"#)
        #expect(limited.status == 200 && limited.object["limit"] as? String == "5.000", "\(limited.body)")
        #expect(try server.request("PUT", "/v1/members/cyd@acme.test", key: key, body: #"{"limit": null, "colour": 1}"#).status == 400)
        #expect(try server.request("PUT", "/v1/members/nobody@acme.test", key: key, body: #"{"limit": "1"}"#).status == 404)
        #expect(server.stop().status == 0)
        #expect(try cli.run("check").status == 0)
    }

    @Test("SPEC §12: a non-loopback address without TLS is refused; with --tls-cert/--tls-key the API speaks HTTPS only")
    func tls() throws {
        let (cli, key) = try Self.workspace()
        let refused = try cli.run("serve", "--listen", "0.0.0.0:0")
        #expect(refused.status == 1 && refused.stderr.contains("Refusing to listen on 0.0.0.0 without TLS"), "\(refused.stderr)")
        #expect(try cli.run("serve", "--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem").status != 0)
        let certificate = cli.folder.appendingPathComponent("cert.pem").path, privateKey = cli.folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", privateKey, "-out", certificate,
                             "-days", "2", "-subj", "/CN=127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        let server = try CofferServe(cli, extra: ["--tls-cert", certificate, "--tls-key", privateKey])
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-sk", "-H", "Authorization: Bearer \(key)", "https://127.0.0.1:\(server.port)/v1/balance"]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let body = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(body.contains("\"team_pool\""), "HTTPS answers: \(body)")
        #expect((try? server.request("GET", "/healthz"))?.status != 200, "plain HTTP gets no answer on a TLS port")
        #expect(server.stop().status == 0)
    }

    @Test("R41: a client trickling its headers is let go, one trickling its body gets a 408, and others are served meanwhile; nothing is written")
    func slowClients() throws {
        let (cli, key) = try Self.workspace()
        let server = try CofferServe(cli, extra: ["--client-timeout", "1"])
        // Headers one byte every 0.3 s: the connection is closed after about a second.
        let slowHeaders = try server.connect()
        defer { close(slowHeaders) }
        let start = Date()
        var closed = false
        for byte in Array("GET /v1/balance HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "y", count: 40))\r\n".utf8) {
            if send(slowHeaders, [byte], 1, Int32(MSG_NOSIGNAL)) < 0 { closed = true; break }
            var buffer = [UInt8](repeating: 0, count: 512)
            var poll = pollfd(fd: slowHeaders, events: Int16(POLLIN), revents: 0)
            if Glibc.poll(&poll, 1, 300) > 0, recv(slowHeaders, &buffer, buffer.count, 0) <= 0 { closed = true; break }
            #expect(try server.request("GET", "/healthz").status == 200, "others are served meanwhile")
            if Date().timeIntervalSince(start) > 10 { break }
        }
        #expect(closed && Date().timeIntervalSince(start) < 5, "a slow-headers client is cut off")
        // A body trickled a byte at a time never finishes within the timeout: 408, nothing recorded.
        let slowBody = try server.connect()
        defer { close(slowBody) }
        let head = "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Length: 200\r\n\r\n"
        _ = head.withCString { send(slowBody, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var text = ""
        for byte in Array("{\"id\": \"slow\", \"service\": \"gpt-4o\"".utf8) {
            _ = send(slowBody, [byte], 1, Int32(MSG_NOSIGNAL))
            var poll = pollfd(fd: slowBody, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&poll, 1, 300) > 0 else { continue }
            var reply = [UInt8](repeating: 0, count: 4_096)
            let count = recv(slowBody, &reply, reply.count, 0)
            text = String(decoding: reply.prefix(max(count, 0)), as: UTF8.self)
            break
        }
        #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
        #expect(text.contains("{\"error\":\"The body did not arrive within 1 s\"}"), "\(text)")
        // A client that sends half a body and then nothing is let go after the timeout.
        let silent = try server.connect()
        defer { close(silent) }
        _ = (head + "{\"id\":").withCString { send(silent, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let silentStart = Date()
        #expect(recv(silent, &buffer, buffer.count, 0) <= 0 && Date().timeIntervalSince(silentStart) < 5)
        #expect(server.stop().status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(try cli.run("usage", "summary", "--json").stdout.utf8)) as? [String: Any]
        #expect(summary?["count"] as? Int == 0)
    }

    @Test("R40: concurrent clients' events are grouped, each acknowledged once it is durable, each charged exactly once")
    func concurrentClients() throws {
        let (cli, key) = try Self.workspace()
        let server = try CofferServe(cli)
        let clients = 16, perClient = 20, cliEvents = 5
        let failures = FailureLog()
        // The CLI writes to the same file at the same time (SPEC §12).
        let cliWriter = Thread {
            for index in 0..<cliEvents {
                let result = try? cli.run("consume", "--service", "gpt-4o", "--id", "cli-\(index)")
                if result?.status != 0 { failures.add("CLI: \(result?.stderr ?? "did not run")") }
            }
        }
        cliWriter.start()
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            for index in 0..<perClient {
                let body = index.isMultiple(of: 5)
                    ? "{\"events\": [{\"id\": \"c\(client)-\(index)\", \"service\": \"gpt-4o\"}, {\"id\": \"c\(client)-\(index)b\", \"service\": \"gpt-4o\"}]}"
                    : "{\"id\": \"c\(client)-\(index)\", \"service\": \"gpt-4o\"}"
                do {
                    let reply = try server.request("POST", "/v1/events", key: key, body: body)
                    if reply.status != 200 { failures.add("\(reply.status) \(reply.body)") }
                } catch { failures.add("\(error)") }
            }
        }
        while cliWriter.isExecuting || !cliWriter.isFinished { Thread.sleep(forTimeInterval: 0.05) }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        // 16 × 20 requests, every 5th a batch of two, and the CLI's 5: 389 events at $0.015.
        let events = clients * perClient + clients * perClient / 5 + cliEvents
        #expect(try cli.poolBalance(as: "ada@acme.test") == String(format: "%.3f", 105 - Double(events) * 0.015))
        #expect(server.stop().status == 0)
        #expect(try cli.run("check").status == 0)
        let summary = try cli.run("usage", "summary", "--tab", "conversations", "--json")
        #expect(summary.status == 0)
    }
}

/// Failures collected from concurrent clients.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func add(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}
