import CNcursesw
import Foundation
import TerminalUI

/// Why the terminal could not be set up.
public struct CursesError: Error, CustomStringConvertible {
    /// A one-line explanation.
    public let description: String
}

/// The real terminal, through ncurses: set-up, input decoding and presenting a ``Buffer``.
///
/// Use it from one thread (normally the main thread). Creating it switches to the alternate
/// screen; ``stop()`` (also run on deinit, at exit, and on SIGINT/SIGTERM/SIGHUP or a crash)
/// restores the terminal.
public final class CursesTerminal {
    /// Set-up choices.
    public struct Options: Sendable {
        /// Report mouse clicks and wheel turns (off leaves the mouse to the terminal, e.g. for copying).
        public var mouse: Bool
        /// A theme to use instead of the detected one.
        public var theme: Theme?
        /// Creates options.
        public init(mouse: Bool = true, theme: Theme? = nil) { self.mouse = mouse; self.theme = theme }
    }

    /// The theme chosen from the terminal's colours, `NO_COLOR` and the locale (unless overridden).
    public let theme: Theme
    /// Current number of columns.
    public private(set) var width: Int = 0
    /// Current number of rows.
    public private(set) var height: Int = 0

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var pairs: ColorPairs
    private var running = true
    private let attributes = (bold: coffer_a_bold(), reverse: coffer_a_reverse(), dim: coffer_a_dim(),
                              underline: coffer_a_underline())

    /// Sets the terminal up: locale, alternate screen, raw-ish input, colours and (optionally) the mouse.
    public init(options: Options = Options()) throws {
        setlocale(LC_ALL, "")
        coffer_install_restore_handlers()
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CursesError(description: "the dashboard needs a terminal (stdin and stdout must be a tty)")
        }
        guard let screen = newterm(nil, coffer_stdout(), coffer_stdin()) else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? "unset"
            throw CursesError(description: "cannot use the terminal (TERM=\(term))")
        }
        guard let window = coffer_stdscr() else {
            endwin()
            throw CursesError(description: "ncurses gave no screen window")
        }
        self.screen = screen
        self.window = window
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        var colorCount = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(coffer_colors())
        }
        let environment = ProcessInfo.processInfo.environment
        let codeset = coffer_codeset().map { String(cString: $0) }
        theme = options.theme ?? Theme.detect(colorCount: colorCount, environment: environment, codeset: codeset)
        pairs = ColorPairs(colorCount: theme.depth == .none ? 0 : colorCount, pairCount: coffer_color_pairs())
        if options.mouse {
            // Releases are asked for too, though nothing uses them: with the SGR mouse protocol
            // (xterm's terminfo) an unasked-for release made ncurses wait for more input past the
            // timeout, so an answer that arrived after a click stayed off screen until a key.
            let mask = coffer_button1_pressed() | coffer_button1_clicked() | coffer_button1_released()
                | coffer_button3_pressed() | coffer_button3_released() | coffer_button4_pressed() | coffer_button5_pressed()
            mousemask(mask, nil)
            mouseinterval(0)
        }
        updateSize()
    }

    deinit { stop() }

    /// Restores the terminal (leaves the alternate screen, shows the cursor). Safe to call twice.
    public func stop() {
        guard running else { return }
        running = false
        curs_set(1)
        endwin()
        delscreen(screen)
    }

    /// Waits up to `timeout` for input and returns it; `.tick` when nothing arrived. After Ctrl-L
    /// the next ``present(_:)`` repaints every cell.
    public func nextEvent(timeout: Duration) -> Event {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        wtimeout(window, max(0, milliseconds))
        while true {
            var code: wint_t = 0
            let result = wget_wch(window, &code)
            if result == ERR { return .tick }
            if result == KEY_CODE_YES {
                switch Int32(code) {
                case KEY_RESIZE:
                    updateSize()
                    return .resize(width: width, height: height)
                case KEY_MOUSE:
                    // A report we do not use (a release) is a tick: the wait asked for is never exceeded.
                    return readMouse().map(Event.mouse) ?? .tick
                default:
                    if let key = KeyDecoder.key(forKeyCode: Int32(code)) { return .key(key) }
                }
            } else if let key = KeyDecoder.key(forCharacter: UInt32(code)) {
                if key == .ctrl("l") { clearok(window, true) } // repaint every cell on the next refresh
                return .key(key)
            }
        }
    }

    /// Draws a buffer: every cell through ncurses (which sends only what changed), then the cursor.
    public func present(_ buffer: Buffer) {
        werase(window)
        for y in 0..<min(buffer.height, height) {
            for x in 0..<min(buffer.width, width) {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                draw(cell, x: x, y: y, wide: buffer[x + 1, y].isContinuation)
            }
        }
        if let cursor = buffer.cursor, cursor.x < width, cursor.y < height {
            wmove(window, Int32(cursor.y), Int32(cursor.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
    }

    /// Runs a loop until `handler` returns false: each event (a first `.resize` with the size,
    /// then keys, mouse, resizes and ticks every `tick`) is handed with a cleared buffer of the
    /// current size and the theme; the buffer is presented after each call unless it equals the
    /// frame on screen. Ctrl-L also repaints the whole screen, whatever the handler does with it.
    public static func run(options: Options = Options(), tick: Duration = .milliseconds(250),
                           _ handler: (Event, inout Buffer, Theme) -> Bool) throws {
        try run(options: options, wait: { tick }, handler)
    }

    /// ``run(options:tick:_:)`` with a wait asked for before each event: a loop with work under
    /// way elsewhere asks for a short one, so what arrives is shown at once, and idles otherwise.
    public static func run(options: Options = Options(), wait: () -> Duration,
                           _ handler: (Event, inout Buffer, Theme) -> Bool) throws {
        let terminal = try CursesTerminal(options: options)
        defer { terminal.stop() }
        var event = Event.resize(width: terminal.width, height: terminal.height)
        var shown: Buffer?
        while true {
            var buffer = Buffer(width: terminal.width, height: terminal.height)
            let repaint = event == .key(.ctrl("l")) // nextEvent asked ncurses for a whole repaint
            guard handler(event, &buffer, terminal.theme) else { return }
            if repaint || buffer != shown {
                terminal.present(buffer)
                shown = buffer
            }
            event = terminal.nextEvent(timeout: wait())
        }
    }

    private func updateSize() {
        var rows: Int32 = 0, columns: Int32 = 0
        coffer_getmaxyx(window, &rows, &columns)
        width = Int(columns)
        height = Int(rows)
    }

    private func readMouse() -> Mouse? {
        var event = MEVENT()
        guard getmouse(&event) == OK, let action = KeyDecoder.mouseAction(forButtonState: event.bstate) else { return nil }
        return Mouse(action, at: Point(x: Int(event.x), y: Int(event.y)))
    }

    private func draw(_ cell: Cell, x: Int, y: Int, wide: Bool) {
        var scalars: [wchar_t]
        if theme.glyphs.isUnicode || cell.grapheme.isASCII {
            scalars = cell.grapheme.unicodeScalars.prefix(Int(CCHARW_MAX)).map { wchar_t(bitPattern: $0.value) }
        } else {
            scalars = [wchar_t(UInt8(ascii: "?"))]  // the locale cannot show it
        }
        scalars.append(0)
        var attrs: attr_t = 0
        let style = cell.style
        if style.bold { attrs |= attributes.bold }
        if style.reverse { attrs |= attributes.reverse }
        if style.dim { attrs |= attributes.dim }
        if style.underline { attrs |= attributes.underline }
        var value = cchar_t()
        setcchar(&value, scalars, attrs, pairs.pair(for: style), nil)
        mvwadd_wch(window, Int32(y), Int32(x), &value)
        if wide && !theme.glyphs.isUnicode && !cell.grapheme.isASCII {
            mvwaddstr(window, Int32(y), Int32(x + 1), "?")
        }
    }
}
