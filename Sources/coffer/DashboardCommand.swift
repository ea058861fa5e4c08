import ArgumentParser
import CofferCore
import CofferStore
import CursesTerminal
import Dashboard
import Foundation
import TerminalUI

/// `coffer` with no subcommand: the dashboard, as the acting user (SPEC §9).
struct OpenDashboard: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard", abstract: "Open the dashboard (the default).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Leave the mouse to the terminal.") var noMouse = false

    func run() throws {
        let store = try global.openStore()
        try DashboardRunner.run(store: store, viewer: global.actor(in: store), mouse: !noMouse)
    }
}

/// The dashboard's loop: events → reducer → effects → engine → actions → reducer → render.
enum DashboardRunner {
    static func run(store: CofferStore, viewer: Actor, mouse: Bool) throws {
        var state = DashboardState(viewer: viewer)
        let engine = DashboardEngine(store: store, viewer: viewer)
        engine.perform(reduce(&state, .tick(store.now)) + reduce(&state, .changed))
        var frame: Buffer? // the last frame drawn: an idle tick (nothing arrived) reuses it instead of rendering
        var polled = ContinuousClock.now
        // While effects are under way the loop looks every 5 ms, so an answer is on screen at once;
        // otherwise it sleeps until a key or the next poll for changes (every 250 ms).
        try CursesTerminal.run(options: .init(mouse: mouse), wait: { engine.isBusy ? .milliseconds(5) : .milliseconds(250) }) { event, buffer, theme in
            var effects: [DashboardEffect] = []
            if event == .tick, ContinuousClock.now - polled >= .milliseconds(250) {
                polled = ContinuousClock.now
                effects += reduce(&state, .tick(store.now))
            }
            let arrived = engine.drain()
            if event == .tick, arrived.isEmpty, let frame, frame.width == buffer.width, frame.height == buffer.height {
                engine.perform(effects)
                buffer = frame
                return true
            }
            switch event {
            case .key(let key): effects += reduce(&state, .key(key))
            case .mouse(let mouse): effects += reduce(&state, .mouse(mouse))
            case .resize(let width, let height): effects += reduce(&state, .resize(Size(width: width, height: height)))
            case .tick: break
            }
            for action in arrived + engine.drain() { effects += reduce(&state, action) }
            engine.perform(effects)
            if state.quit { return false }
            DashboardView.render(state, into: &buffer, theme: theme)
            frame = buffer
            return true
        }
    }
}
