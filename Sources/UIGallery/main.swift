import CursesTerminal
import Foundation
import TerminalUI

/// coffer-ui-gallery: every TerminalUI widget on a real terminal. Tab/1-4 switch pages, ? help, q quits.
/// `--no-mouse` leaves the mouse to the terminal; `--allow-crash` makes `X` crash on purpose
/// (tests use it to check that a crash still restores the terminal).
var state = GalleryState()
let mouse = !CommandLine.arguments.contains("--no-mouse")
let allowCrash = CommandLine.arguments.contains("--allow-crash")
do {
    try CursesTerminal.run(options: .init(mouse: mouse), tick: .milliseconds(500)) { event, buffer, theme in
        if allowCrash, event == .key(.char("X")) { fatalError("deliberate crash (--allow-crash, X)") }
        let pageSize = Table.pageSize(for: GalleryView.layout(buffer.area).body)
        guard state.handle(event, tablePageSize: pageSize) else { return false }
        GalleryView.render(state, into: &buffer, theme: theme)
        return true
    }
} catch {
    FileHandle.standardError.write(Data("coffer-ui-gallery: \(error)\n".utf8))
    exit(1)
}
