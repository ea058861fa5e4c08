import Foundation
import Testing
import TmuxHarness

/// The built gallery binary, found next to the test bundle (or in .build/debug).
func galleryPath() throws -> String {
    let here = URL(fileURLWithPath: #filePath)
    let candidates = [
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        Bundle.main.bundleURL,
        here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug"),
    ].map { $0.appendingPathComponent("coffer-ui-gallery").path }
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TmuxError(description: "coffer-ui-gallery not built; looked in \(candidates)")
    }
    return path
}

/// True when a captured screen (with `-e`) sets a foreground or background colour.
func usesColour(_ screen: String) -> Bool {
    let sgr = /\x1B\[([0-9;]*)m/
    return screen.matches(of: sgr).contains { match in
        let params = match.1.split(separator: ";").compactMap { Int($0) }
        return params.contains { (30...37).contains($0) || (40...47).contains($0) || $0 == 38 || $0 == 48
            || (90...97).contains($0) || (100...107).contains($0) }
    }
}

@Suite(.serialized) struct GalleryTmuxTests {
    /// Starts the gallery from a shell so the test can see what the shell shows after it exits.
    func startFromShell(_ environment: [String: String], arguments: String = "") throws -> TmuxSession {
        let session = try TmuxSession.shell(environment: environment)
        try session.waitFor("$")
        try session.type("'\(try galleryPath())' \(arguments); echo GALLERY-EXIT-$?")
        try session.send(keys: "Enter")
        return session
    }

    @Test func startsDrawsSurvivesResizeAndRestoresTheTerminalOnQuit() throws {
        let session = try startFromShell(["TERM": "screen-256color", "LANG": "C.UTF-8"])
        defer { session.kill() }
        try session.waitUntil("gallery drawn") { $0.contains("Coffer UI Gallery") && $0.contains("Amount") }
        #expect(try session.capture(colors: true).contains("38;5;"), "256 colours in use")
        #expect(try session.format("#{alternate_on}") == "1")

        try session.resize(width: 40, height: 12)
        let small = try session.waitUntil("40x12 redraw") { $0.contains("40x12") && $0.contains("Customer") }
        #expect(!small.contains("Status"), "the low-priority column gave way")
        #expect(small.split(separator: "\n").count <= 12)

        try session.resize(width: 8, height: 3)                 // far below the supported minimum
        try session.waitFor("8x3")
        try session.resize(width: 80, height: 24)
        try session.waitUntil("80x24 redraw") { $0.contains("80x24") && $0.contains("Status") }

        try session.send(keys: "Down", "Down", "Space")
        try session.waitFor("1 marked")
        try session.send(keys: "q")
        let after = try session.waitFor("GALLERY-EXIT-0")
        #expect(!after.contains("Coffer UI Gallery"), "the alternate screen was left")
        #expect(try session.format("#{alternate_on} #{mouse_any_flag}") == "0 0")
        // Echo and line editing are back: the typed command is shown and runs.
        try session.type("echo restored-$((40+2))")
        try session.send(keys: "Enter")
        let shell = try session.waitFor("restored-42")
        #expect(shell.contains("echo restored-$((40+2))"))
    }

    @Test func mouseClicksSwitchTabsAndTheMouseCanBeTurnedOff() throws {
        let session = try TmuxSession(command: [try galleryPath()])
        defer { session.kill() }
        try session.waitFor("Amount")
        #expect(try session.format("#{mouse_any_flag}") == "1")
        try session.click(x: 45, y: 0)                          // the "Styles" tab
        try session.waitUntil("styles page") { $0.contains("status warning") && $0.contains("Mouse click at 45,0") }

        let off = try TmuxSession(command: [try galleryPath(), "--no-mouse"])
        defer { off.kill() }
        try off.waitFor("ID ▲")
        #expect(try off.format("#{mouse_any_flag}") == "0")
        try off.click(x: 45, y: 0)
        try off.send(keys: "s")                                 // sorts only if still on the table page
        let screen = try off.waitFor("ID ▼")
        #expect(!screen.contains("status warning"))
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let session = try startFromShell(["TERM": "screen-256color", "LANG": "C.UTF-8"])
        defer { session.kill() }
        try session.waitFor("Coffer UI Gallery")
        let shellPID = try session.panePID()
        let gallery = try #require(childPIDs(of: shellPID).first)
        #expect(kill(gallery, SIGTERM) == 0)
        let after = try session.waitFor("GALLERY-EXIT-143")
        #expect(!after.contains("Coffer UI Gallery"))
        try session.type("echo back")
        try session.send(keys: "Enter")
        try session.waitUntil("echo restored") { $0.contains("$ echo back") }
    }

    @Test func aCrashRestoresTheTerminal() throws {
        let session = try startFromShell(["SWIFT_BACKTRACE": "enable=no"], arguments: "--allow-crash")
        defer { session.kill() }
        try session.waitFor("Coffer UI Gallery")
        try session.send(keys: "X")
        let after = try session.waitUntil("crash exit") { $0.contains("GALLERY-EXIT-132") || $0.contains("GALLERY-EXIT-133") }
        #expect(!after.contains("Coffer UI Gallery"), "the alternate screen was left")
        try session.type("echo alive")
        try session.send(keys: "Enter")
        try session.waitUntil("echo restored") { $0.contains("$ echo alive") }
    }

    @Test(arguments: [
        ("xterm, 8 colours", ["TERM": "xterm", "LANG": "C.UTF-8"]),
        ("vt100", ["TERM": "vt100", "LANG": "C.UTF-8"]),
        ("NO_COLOR", ["TERM": "screen-256color", "LANG": "C.UTF-8", "NO_COLOR": "1"]),
        ("C locale", ["TERM": "screen-256color", "LANG": "C"]),
    ])
    func startsAndDrawsOnOtherTerminals(name: String, environment: [String: String]) throws {
        let session = try TmuxSession(command: [try galleryPath()], environment: environment)
        defer { session.kill() }
        try session.waitUntil("gallery drawn under \(name)") { $0.contains("Coffer UI Gallery") && $0.contains("Amount") }
        let screen = try session.capture(colors: true)
        switch name {
        case "xterm, 8 colours":
            #expect(usesColour(screen))
            #expect(!screen.contains("38;5;") && !screen.contains("48;5;"), "no 256-colour codes on xterm")
        case "vt100", "NO_COLOR":
            #expect(!usesColour(screen), "\(name) draws without colour")
            #expect(screen.contains("\u{1B}[7m") || screen.contains(";7m"), "selection still shows (reverse)")
        default:
            let plain = try session.capture()
            #expect(plain.contains("Table | Form"), "ASCII separators")
            #expect(!plain.contains("│") && !plain.contains("▲") && !plain.contains("東"), "no UTF-8 reaches a C locale")
        }
        try session.send(keys: "q")
        try session.waitUntil("gallery exit") { _ in try !session.isRunning() }
    }
}

/// Process ids whose parent is `parent` (from /proc).
func childPIDs(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == parent
    }
}
