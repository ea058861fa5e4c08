import Foundation
import Testing
import TmuxHarness

@Suite(.serialized) struct TmuxHarnessTests {
    /// True while a process with this id exists.
    func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    func waitUntilGone(_ pid: Int32) -> Bool {
        for _ in 0..<100 where alive(pid) { usleep(50_000) }
        return !alive(pid)
    }

    @Test func sendsKeysCapturesAndTimesOut() throws {
        let session = try TmuxSession(command: ["sh", "-c", "printf 'ready\\n'; read line; printf 'got %s\\n' \"$line\"; sleep 30"],
                                      width: 30, height: 5)
        defer { session.kill() }
        try session.waitFor("ready")
        try session.type("hello")
        try session.send(keys: "Enter")
        try session.waitFor("got hello")
        #expect(throws: TmuxError.self) { try session.waitFor("never shown", timeout: .milliseconds(300)) }
    }

    @Test func environmentIsCleanAndOverridable() throws {
        let session = try TmuxSession(command: ["sh", "-c", "echo \"T=$TERM N=${NO_COLOR:-unset} X=$X\"; sleep 30"],
                                      environment: ["X": "42", "TERM": "vt100"])
        defer { session.kill() }
        try session.waitFor("T=vt100 N=unset X=42")
    }

    @Test func killAndDeinitStopTheServer() throws {
        var session: TmuxSession? = try TmuxSession(command: ["sleep", "60"])
        let first = try session!.panePID()
        #expect(alive(first))
        session = nil                                           // deinit kills the server
        #expect(waitUntilGone(first))

        let other = try TmuxSession(command: ["sleep", "60"])
        let second = try other.panePID()
        other.kill()
        #expect(waitUntilGone(second))
        #expect(throws: TmuxError.self) { try other.capture() }
    }
}
