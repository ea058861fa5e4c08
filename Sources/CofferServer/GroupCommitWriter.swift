import CofferCore
import CofferStore
import Foundation

/// The one writer of `coffer serve` (R40): it gathers the events of concurrent requests into one
/// write transaction — as many as arrive while the previous group commits, up to `maxEvents`,
/// waiting at most `linger` for company when requests are arriving together — each event in its
/// own savepoint. A request is answered only after its group's commit is durable.
final class GroupCommitWriter: @unchecked Sendable {
    /// One request's events and the continuation that answers it.
    private struct Submission {
        let events: [GroupedEvent]
        let answer: CheckedContinuation<[EventOutcome], any Error>
    }

    private let usage: Usage
    private let maxEvents: Int
    private let linger: TimeInterval
    /// Guards `pending`, `pendingEvents`, `stopping` and `finished`; signalled on each change.
    private let condition = NSCondition()
    private var pending: [Submission] = []
    private var pendingEvents = 0
    private var stopping = false
    private var finished = false
    /// Groups committed and the events they held (read once stopped; the bench divides them).
    private(set) var committedGroups = 0
    private(set) var committedEvents = 0

    /// A writer over `usage`; call `start` before submitting.
    init(usage: Usage, maxEvents: Int = 2_000, linger: TimeInterval = 0.002) {
        self.usage = usage
        self.maxEvents = maxEvents
        self.linger = linger
    }

    /// Starts the writer's own thread (database work never blocks the server's event loops).
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "coffer-group-commit"
        thread.start()
    }

    /// Records `events` in the next group and returns their outcomes once it is committed;
    /// throws the store's failure (nothing of the group was written) or, once stopping, a refusal.
    func submit(_ events: [GroupedEvent]) async throws -> [EventOutcome] {
        try await withCheckedThrowingContinuation { answer in
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else {
                answer.resume(throwing: APIError(.serviceUnavailable, "The server is shutting down: nothing was recorded"))
                return
            }
            pending.append(Submission(events: events, answer: answer))
            pendingEvents += events.count
            condition.signal()
        }
    }

    /// Stops taking events, commits every group already submitted, and returns when done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var lastGroupWasShared = false
        while let group = nextGroup(waitForCompany: lastGroupWasShared) {
            lastGroupWasShared = group.count > 1
            commit(group)
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next group: whole submissions up to `maxEvents` (a larger one goes alone); nil once
    /// stopping with nothing left. When the last group was shared by several requests, waits up
    /// to `linger` for more to arrive.
    private func nextGroup(waitForCompany: Bool) -> [Submission]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        if waitForCompany, linger > 0, !stopping {
            let deadline = Date(timeIntervalSinceNow: linger)
            while pendingEvents < maxEvents, !stopping, condition.wait(until: deadline) {}
        }
        var taken = 0
        var count = 0
        for submission in pending {
            guard count == 0 || count + submission.events.count <= maxEvents else { break }
            count += submission.events.count
            taken += 1
        }
        let group = Array(pending.prefix(taken))
        pending.removeFirst(taken)
        pendingEvents -= count
        return group
    }

    /// Commits one group and answers each of its requests.
    private func commit(_ group: [Submission]) {
        do {
            let outcomes = try usage.recordGroup(group.flatMap(\.events))
            committedGroups += 1
            committedEvents += outcomes.count
            var start = 0
            for submission in group {
                submission.answer.resume(returning: Array(outcomes[start..<start + submission.events.count]))
                start += submission.events.count
            }
        } catch {
            let failure = APIError(.serviceUnavailable, (error as? CofferError)?.message ?? "The store failed: nothing was recorded")
            for submission in group { submission.answer.resume(throwing: failure) }
        }
    }
}
