import Foundation
import Hummingbird
import Testing
@testable import CofferServer

/// R38: the access log is one JSON line per request with the key's name, never anything else of
/// the request; the hand-written line must stay valid JSON whatever the path holds.
@Suite("Access log lines (R38)")
struct AccessLogTests {
    @Test("Every line parses as JSON with the values it was given, for hostile paths and names",
          arguments: ["/v1/events", "/v1/usage/conversations/a\"b\\c", "/\u{1B}[31mred\u{07}\n\r\t", "/ü/日本/😀", "/\u{0}\u{1F}\u{7F}"])
    func linesAreJSON(path: String) throws {
        let line = AccessLogMiddleware<BasicRequestContext>.line(time: 1_795_000_000, method: "POST", path: path, status: 201,
                                                                 elapsed: .microseconds(1_234_567), key: "key \"x\"")
        #expect(!line.contains("\n"), "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == ["key": "key \"x\"", "method": "POST", "ms": "1234.57", "path": path, "status": "201",
                           "time": "2026-11-18T11:06:40Z"])
    }

    @Test("Durations are milliseconds to two decimals, rounded", arguments: [
        (Duration.microseconds(0), "0.00"), (.microseconds(4), "0.00"), (.microseconds(5), "0.01"), (.microseconds(99_995), "100.00"),
        (.seconds(2), "2000.00"), (.microseconds(1_050), "1.05"),
    ])
    func milliseconds(elapsed: Duration, expected: String) throws {
        let line = AccessLogMiddleware<BasicRequestContext>.line(time: 0, method: "GET", path: "/", status: 200, elapsed: elapsed, key: "-")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["ms"] == expected)
    }
}
