import CofferCore
import CofferStore
import Foundation
import TerminalUI

/// The terminal side of a ``DashboardProgram``: where its events come from and its frames go.
/// The real one is ncurses (`CursesTerminal`, wired in by the `coffer` executable);
/// ``HeadlessTerminal`` has no screen (tests, the bench's probe).
public protocol DashboardTerminal {
    /// The colours and glyphs to draw with.
    var theme: Theme { get }
    /// The size now, in cells.
    var size: Size { get }
    /// Waits up to `timeout` for input and returns it; `.tick` when none arrived.
    func nextEvent(timeout: Duration) -> Event
    /// Shows a frame.
    func present(_ buffer: Buffer)
}

/// The dashboard running: its state, its engine, and the loop between them and a terminal.
///
/// Each turn reads an event (or a tick when none came), reduces it, reduces the engine's answers
/// that arrived, hands the effects asked for to the engine (they run off the loop), renders and
/// presents. While effects are under way the loop looks again every ``busyWait``, so an answer is
/// on screen as soon as it arrives, without a key; otherwise it waits for input up to
/// ``idleWait``. Every ``idleWait`` it asks the store whether another process wrote (SPEC §9
/// "Live"), and lets news on the status line go once it is ``messageLifetime`` old. It ends when
/// the user quits.
public final class DashboardProgram {
    /// How long the loop waits for input while effects are under way or answers wait.
    public static let busyWait = Duration.milliseconds(5)
    /// How long it waits for input otherwise, and how often it polls the store for changes.
    public static let idleWait = Duration.milliseconds(250)

    /// What is on screen (changed only by `reduce`).
    public private(set) var state: DashboardState
    private let store: CofferStore
    private let engine: DashboardEngine
    /// The last frame rendered: a tick that brought nothing shows it again instead of rendering.
    private var frame: Buffer?
    /// When the store was last polled for changes.
    private var polled = ContinuousClock.now
    /// How long news stays on the status line without a key (#19.6); warnings and errors wait for one.
    public let messageLifetime: Duration
    /// The status message on screen and since when.
    private var message = (StatusLine(), ContinuousClock.now)

    /// A dashboard over `store` as `viewer`, on the Billing tab; nothing runs until ``run(on:)``.
    /// A success or info message goes after `messageLifetime` without a key.
    public init(store: CofferStore, viewer: Actor, messageLifetime: Duration = .seconds(5)) {
        self.store = store
        self.messageLifetime = messageLifetime
        state = DashboardState(viewer: viewer)
        engine = DashboardEngine(store: store, viewer: viewer)
    }

    /// True while effects are under way or their answers wait to be drawn.
    public var isBusy: Bool { engine.isBusy }

    /// Blocks until every effect started so far has answered. A terminal with no input of its own
    /// (``HeadlessTerminal``) can call it instead of waiting out ``busyWait``.
    public func waitForAnswers() { engine.wait() }

    /// Runs the dashboard on `terminal` until the user quits. A frame is presented after every
    /// input event, and after a tick only when it changed.
    public func run(on terminal: some DashboardTerminal) {
        polled = .now
        engine.perform(reduce(&state, .tick(store.now)) + reduce(&state, .changed))
        var event = Event.resize(width: terminal.size.width, height: terminal.size.height)
        var shown: Buffer?
        while let buffer = turn(event, size: terminal.size, theme: terminal.theme) {
            // After a key the frame goes out even when unchanged: Ctrl-L repaints what is on screen.
            if event != .tick || buffer != shown {
                terminal.present(buffer)
                shown = buffer
            }
            event = terminal.nextEvent(timeout: isBusy ? Self.busyWait : Self.idleWait)
        }
    }

    /// One turn of the loop: the frame to show after `event` on a `size` screen, or nil when the user quit.
    private func turn(_ event: Event, size: Size, theme: Theme) -> Buffer? {
        var effects: [DashboardEffect] = []
        if event == .tick, ContinuousClock.now - polled >= Self.idleWait {
            polled = .now
            effects += reduce(&state, .tick(store.now))
            if !state.status.message.isEmpty, ContinuousClock.now - message.1 >= messageLifetime { effects += reduce(&state, .messageAged) }
        }
        let arrived = engine.drain()
        if event == .tick, arrived.isEmpty, state.status == message.0, let frame, frame.width == size.width, frame.height == size.height {
            engine.perform(effects)
            return frame
        }
        switch event {
        case .key(let key): effects += reduce(&state, .key(key))
        case .mouse(let mouse): effects += reduce(&state, .mouse(mouse))
        case .resize(let width, let height): effects += reduce(&state, .resize(Size(width: width, height: height)))
        case .tick: break
        }
        for action in arrived + engine.drain() { effects += reduce(&state, action) }
        engine.perform(effects)
        if state.status != message.0 { message = (state.status, .now) }
        if state.quit { return nil }
        var buffer = Buffer(width: size.width, height: size.height)
        DashboardView.render(state, into: &buffer, theme: theme)
        frame = buffer
        return buffer
    }
}

/// A terminal with no screen, for tests and the bench's probe: a script says what each event is,
/// and every frame presented is kept (the last one) and handed on.
public final class HeadlessTerminal: DashboardTerminal {
    public let theme: Theme
    public private(set) var size: Size
    /// How many frames were presented.
    public private(set) var presented = 0
    /// The last frame presented.
    public private(set) var screen: Buffer?
    private let script: (Duration) -> Event?
    private let shown: (Buffer) -> Void

    /// A `size` terminal. `script` is asked for each event with the wait the program allows, and
    /// returns it, or nil for no input: a `.tick` after that wait, as from a real terminal. A
    /// `.resize` it returns changes the size. `shown` sees every frame presented.
    public init(size: Size, theme: Theme = Theme.detect(colorCount: 256, environment: ["LANG": "C.UTF-8"]),
                script: @escaping (Duration) -> Event?, shown: @escaping (Buffer) -> Void = { _ in }) {
        (self.size, self.theme, self.script, self.shown) = (size, theme, script, shown)
    }

    public func nextEvent(timeout: Duration) -> Event {
        guard let event = script(timeout) else {
            let (seconds, attoseconds) = timeout.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            return .tick
        }
        if case .resize(let width, let height) = event { size = Size(width: width, height: height) }
        return event
    }

    public func present(_ buffer: Buffer) {
        presented += 1
        screen = buffer
        shown(buffer)
    }
}
