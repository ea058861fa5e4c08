import Foundation

/// A failure while driving tmux: a command that failed, or text that never appeared.
public struct TmuxError: Error, CustomStringConvertible {
    /// What went wrong, with the last screen capture when waiting timed out.
    public let description: String
}

/// A program running in its own tmux server, for end-to-end tests of terminal programs.
///
/// Each session uses a private socket (`tmux -L NAME`) and no user configuration, so tests do
/// not see each other or the user's tmux. The server is always killed: by ``kill()`` or on deinit.
public final class TmuxSession {
    /// The private socket name.
    public let socket: String
    private var alive = true

    /// Starts `command` (program and arguments) in a detached session of `width` × `height`.
    ///
    /// `environment` is added in front of the command with `env`, so it also overrides `TERM`.
    public init(command: [String], width: Int = 80, height: Int = 24, environment: [String: String] = [:],
                socket: String = "coffer-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))") throws {
        self.socket = socket
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let shellCommand = (["env"] + assignments + command).map(Self.quote).joined(separator: " ")
        do {
            // remain-on-exit keeps the pane (and its last screen) when the program ends.
            try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", shellCommand,
                     ";", "set-option", "-g", "remain-on-exit", "on"])
        } catch {
            kill()
            throw error
        }
    }

    /// Starts an interactive `sh` (prompt `$ `) so a test can type commands and see what follows them.
    public static func shell(width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(command: ["sh"], width: width, height: height, environment: environment.merging(["PS1": "$ "]) { a, _ in a })
    }

    deinit { kill() }

    /// Sends tmux key names ("q", "Enter", "Down", "C-c", "BTab", "F1").
    public func send(keys: String...) throws {
        try run(["send-keys", "-t", "0"] + keys)
    }

    /// Types text literally.
    public func type(_ text: String) throws {
        try run(["send-keys", "-t", "0", "-l", text])
    }

    /// The visible screen as text; with `colors`, including SGR escape sequences (`capture-pane -e`).
    public func capture(colors: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", "0"] + (colors ? ["-e"] : []))
    }

    /// Polls the screen until `predicate` holds, and returns that screen; throws after `timeout`.
    @discardableResult
    public func waitUntil(timeout: Duration = .seconds(10), colors: Bool = false, _ what: String = "condition",
                          _ predicate: (String) -> Bool) throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = ""
        while clock.now < deadline {
            screen = try capture(colors: colors)
            if predicate(screen) { return screen }
            usleep(50_000)
        }
        throw TmuxError(description: "timed out after \(timeout) waiting for \(what); screen:\n\(screen)")
    }

    /// Polls until `text` is on screen, and returns the screen.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(10), colors: Bool = false) throws -> String {
        try waitUntil(timeout: timeout, colors: colors, "\"\(text)\"") { $0.contains(text) }
    }

    /// Resizes the window (and so the program's terminal).
    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// True while the program in the pane has not exited.
    public func isRunning() throws -> Bool {
        try run(["display-message", "-p", "-t", "0", "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }

    /// Kills the tmux server (idempotent).
    public func kill() {
        guard alive else { return }
        alive = false
        _ = try? run(["kill-server"], allowFailure: true)
    }

    /// Runs one tmux command on this session's socket and returns its output.
    @discardableResult
    private func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-u", "-L", socket] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["LANG"] = environment["LANG"] ?? "C.UTF-8"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 && !allowFailure {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) failed: "
                + String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Quotes a word for `sh`.
    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
