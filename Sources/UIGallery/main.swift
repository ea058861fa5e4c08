import CursesTerminal
import Foundation
import TerminalUI

/// coffer-ui-gallery: every TerminalUI widget on a real terminal. Tab/1-4 switch pages, ? help, q quits.
var state = GalleryState()
let mouse = !CommandLine.arguments.contains("--no-mouse")
do {
    try CursesTerminal.run(options: .init(mouse: mouse), tick: .milliseconds(500)) { event, buffer, theme in
        let pageSize = Table.pageSize(for: GalleryView.layout(buffer.area).body)
        guard state.handle(event, tablePageSize: pageSize) else { return false }
        GalleryView.render(state, into: &buffer, theme: theme)
        return true
    }
} catch {
    FileHandle.standardError.write(Data("coffer-ui-gallery: \(error)\n".utf8))
    exit(1)
}
