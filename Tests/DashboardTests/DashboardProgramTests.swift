@testable import Dashboard
import CofferCore
import CofferStore
import Foundation
import Testing
import TerminalUI

/// A script for a ``HeadlessTerminal`` written as steps: each waits (ticks, at the loop's pace)
/// until the screen shows what it expects, then sends its event. Past the deadline it gives up
/// and quits, and the test fails on what it did not see.
final class Script {
    struct Step {
        let until: (String) -> Bool
        let then: Event?
        let label: String
    }

    private var steps: [Step]
    private let deadline = ContinuousClock.now + .seconds(20)
    /// Every frame presented, as text, in order.
    private(set) var frames: [String] = []
    /// Frames presented before each step's event was sent (where each step's wait ended).
    private(set) var marks: [String: Int] = [:]
    /// A step that never saw what it waited for.
    private(set) var missed: String?
    /// Runs between steps (a write from another connection, say).
    var actions: [String: () throws -> Void] = [:]

    init(_ steps: [Step]) { self.steps = steps }

    /// The terminal's side: nil (wait) until the current step's text is on screen.
    func next(_ timeout: Duration) -> Event? {
        guard let step = steps.first else { return .key(.char("q")) }
        if ContinuousClock.now > deadline {
            missed = step.label
            steps.removeAll()
            return .key(.char("q"))
        }
        guard let screen = frames.last, step.until(screen) else { return nil }
        steps.removeFirst()
        marks[step.label] = frames.count
        try? actions[step.label]?()
        return step.then ?? self.next(timeout)
    }

    func shown(_ buffer: Buffer) { frames.append(buffer.snapshot()) }
}

@Suite("DashboardProgram: the dashboard's own loop on a headless terminal, over a real database")
struct DashboardProgramTests {
    /// Runs a program for `demo` on a headless terminal of `size` through `script`.
    @discardableResult
    static func run(_ demo: DemoDatabase, _ script: Script, size: Size = Size(width: 120, height: 40)) -> (DashboardProgram, HeadlessTerminal) {
        let program = DashboardProgram(store: demo.store, viewer: demo.owner)
        let terminal = HeadlessTerminal(size: size, script: script.next, shown: script.shown)
        program.run(on: terminal)
        return (program, terminal)
    }

    @Test("Keys in, frames out: the Usage tab's first page, loaded off the loop, is drawn when it arrives, with no further key")
    func answersAreDrawnWithoutAKey() throws {
        let demo = try DemoDatabase()
        let first = try #require(try UsageQueries(demo.store).page(.conversations, filter: UsageView().filter(now: demo.end), sort: UsageView().sort,
                                                                   limit: 1, actor: demo.owner).rows.first)
        let script = Script([
            .init(until: { $0.contains("Credit balance") && !$0.contains("Loading") }, then: .key(.char("3")), label: "billing"),
            .init(until: { $0.contains(first.key) && !$0.contains("Loading") }, then: nil, label: "records"),
        ])
        let (program, _) = Self.run(demo, script)
        #expect(script.missed == nil, "never saw \(script.missed ?? ""): \(script.frames.last ?? "")")
        #expect(program.state.quit, "q ended the loop")
        let afterKey = try #require(script.marks["billing"])
        let pressed = script.frames[afterKey] // the frame drawn at once for "3"
        #expect(pressed.contains("Conversation ID") && pressed.contains("Loading…") && !pressed.contains(first.key),
                "the key is answered at once, before its data: \(pressed)")
        let drawn = try #require(script.marks["records"]) - 1 // the first frame with the page (the script pressed nothing meanwhile)
        #expect(drawn > afterKey && script.frames[drawn].contains(first.key), "the page was drawn in a later frame, with no key")
        #expect(program.state.usage.rows?.isEmpty == false && program.state.loading == 0)
    }

    @Test("SPEC §9 Live: what another connection writes is drawn within a poll or two, with no key")
    func changesArePolled() throws {
        let demo = try DemoDatabase(records: 50)
        let before = try Balances(demo.store).report(for: demo.owner).poolCredits
        var after: Credits?
        let script = Script([
            .init(until: { $0.contains("Credit balance") && $0.contains(before.description) && !$0.contains("Loading") }, then: nil, label: "billing"),
            .init(until: { screen in after.map { screen.contains($0.description) } ?? false }, then: nil, label: "changed"),
        ])
        script.actions["billing"] = {
            let other = try demo.open()
            try OperatorActions(other).adjust(workspace: Workspaces(other).workspace(nil), amount: .whole(100), reason: "Goodwill")
            after = try Balances(other).report(for: demo.owner).poolCredits
            try other.close()
        }
        let started = ContinuousClock.now
        Self.run(demo, script)
        #expect(script.missed == nil, "never saw \(script.missed ?? ""): \(script.frames.last ?? "")")
        #expect(after != nil && after != before)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("Ticks that bring nothing draw nothing; a resize draws at the new size; q ends the loop without a frame")
    func ticksResizeAndQuit() throws {
        let demo = try DemoDatabase(records: 50)
        var presented = 0
        var events: [Event] = [.tick, .tick, .tick, .tick, .tick, .resize(width: 60, height: 20), .key(.char("q"))]
        var settled = false
        var presentedWhenSettled = 0
        var sizes: [Size] = []
        var terminalRef: HeadlessTerminal?
        let program = DashboardProgram(store: demo.store, viewer: demo.owner)
        let terminal = HeadlessTerminal(size: Size(width: 120, height: 40), script: { _ in
            if !settled {
                guard !program.isBusy, terminalRef?.screen?.snapshot().contains("Credit balance") == true else { return nil }
                settled = true
                presentedWhenSettled = presented
            }
            if events.count == 2 { #expect(presented == presentedWhenSettled, "five idle ticks presented nothing") }
            return events.isEmpty ? .key(.char("q")) : events.removeFirst()
        }, shown: { buffer in
            presented += 1
            sizes.append(Size(width: buffer.width, height: buffer.height))
        })
        terminalRef = terminal
        program.run(on: terminal)
        #expect(settled && program.state.quit)
        #expect(presented == presentedWhenSettled + 1, "one frame for the resize, none for q")
        #expect(sizes.last == Size(width: 60, height: 20) && terminal.size == Size(width: 60, height: 20) && program.state.size == sizes.last)
        #expect(sizes.first == Size(width: 120, height: 40))
    }
}
