import ArgumentParser
import CofferCore
import CofferStore
import CursesTerminal
import Dashboard

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

/// The dashboard on the real terminal: `DashboardProgram`'s loop over ncurses.
enum DashboardRunner {
    static func run(store: CofferStore, viewer: Actor, mouse: Bool) throws {
        let program = DashboardProgram(store: store, viewer: viewer)
        let terminal = try CursesTerminal(options: .init(mouse: mouse))
        defer { terminal.stop() }
        program.run(on: terminal)
    }
}

/// ncurses as the dashboard's terminal (it already reads events, presents buffers and has a theme).
extension CursesTerminal: DashboardTerminal {
    public var size: Size { Size(width: width, height: height) }
}
