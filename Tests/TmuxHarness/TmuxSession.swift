import Foundation

/// A failure while driving tmux: a command that failed, or text that never appeared.
public struct TmuxError: Error, CustomStringConvertible {
    /// What went wrong, with the last screen capture when waiting timed out.
    public let description: String
    /// Creates an error with a description.
    public init(description: String) { self.description = description }
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
    /// The program gets a clean environment: `PATH`, `HOME`, `LANG=C.UTF-8`, `TERM=screen-256color`,
    /// overridden and extended by `environment` (so the caller's `NO_COLOR` or `LC_*` never leak in).
    /// It starts in `directory` when one is given, else in the test's own working directory.
    public init(command: [String], width: Int = 80, height: Int = 24, environment: [String: String] = [:], directory: String? = nil,
                socket: String = "coffer-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))") throws {
        self.socket = socket
        let base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                    "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
                    "LANG": "C.UTF-8", "TERM": "screen-256color"]
        let assignments = base.merging(environment) { _, new in new }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let shellCommand = (["env", "-i"] + assignments + command).map(Self.quote).joined(separator: " ")
        do {
            // remain-on-exit keeps the pane (and its last screen) when the program ends.
            let start = ["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)"] + (directory.map { ["-c", $0] } ?? [])
            try run(start + [shellCommand, ";", "set-option", "-g", "remain-on-exit", "on"])
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

    /// Polls the screen every `interval` until `predicate` holds, and returns that screen; throws after `timeout`.
    @discardableResult
    public func waitUntil(timeout: Duration = .seconds(10), interval: Duration = .milliseconds(50), colors: Bool = false,
                          _ what: String = "condition", _ predicate: (String) throws -> Bool) throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = ""
        while clock.now < deadline {
            screen = try capture(colors: colors)
            if try predicate(screen) { return screen }
            let (seconds, attoseconds) = interval.components
            usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
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
        try format("#{pane_dead}") == "0"
    }

    /// A tmux format expanded for the pane, e.g. `#{alternate_on}` or `#{mouse_any_flag}` ("1"/"0").
    public func format(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", "0", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends raw bytes to the program, as a terminal would (e.g. a mouse report).
    public func send(bytes: [UInt8]) throws {
        try run(["send-keys", "-t", "0", "-H"] + bytes.map { String($0, radix: 16) })
    }

    /// How a terminal encodes mouse reports: which one a program expects follows its `TERM`
    /// (terminfo's `kmous`: `\E[M` for screen/tmux, `\E[<` for xterm).
    public enum MouseProtocol: Sendable {
        /// `ESC [ M` and three bytes (button, column, row, each + 32); a release is button 3.
        case x10
        /// `ESC [ < button ; column ; row M` for a press, `m` for its release (1-based cells).
        case sgr
    }

    /// Sends a left click at a cell in the given protocol: the press, then after `hold` (a hand
    /// holds the button ~50–150 ms) the release, as two separate writes like a real terminal's.
    public func click(x: Int, y: Int, protocol encoding: MouseProtocol = .x10, hold: Duration = .milliseconds(80)) throws {
        let (press, release): ([UInt8], [UInt8])
        switch encoding {
        case .x10:
            let col = UInt8(33 + x), row = UInt8(33 + y)
            (press, release) = ([0x1B, 0x5B, 0x4D, 32, col, row], [0x1B, 0x5B, 0x4D, 35, col, row])
        case .sgr:
            let cell = "\(x + 1);\(y + 1)"
            (press, release) = (Array("\u{1B}[<0;\(cell)M".utf8), Array("\u{1B}[<0;\(cell)m".utf8))
        }
        try send(bytes: press)
        Thread.sleep(forTimeInterval: Double(hold.components.attoseconds) / 1e18 + Double(hold.components.seconds))
        try send(bytes: release)
    }

    /// The process id of the pane's program (the shell, for ``shell(width:height:environment:)``).
    public func panePID() throws -> Int32 {
        let text = try run(["display-message", "-p", "-t", "0", "#{pane_pid}"])
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TmuxError(description: "no pane pid in \(text)")
        }
        return pid
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
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["LANG"] = environment["LANG"] ?? "C.UTF-8"
        let result = try Self.spawn(["tmux", "-u", "-L", socket] + arguments, environment: environment)
        if result.status != 0 && !allowFailure {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.errors)")
        }
        return result.output
    }

    /// Runs a program found on PATH with posix_spawn and waits for it with waitpid.
    ///
    /// Output goes to files, not pipes: the tmux server forked by new-session would keep a
    /// pipe open forever. The child gets an empty signal mask and default handlers.
    static func spawn(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String, errors: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        let outPath = base + ".out", errPath = base + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        // The test runner's threads block most signals; the tmux server must not inherit that
        // mask (it would never reap its children nor obey kill-server), so reset it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw TmuxError(description: "cannot start \(arguments[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (exitCode, output, errors)
    }

    /// Quotes a word for `sh`.
    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
