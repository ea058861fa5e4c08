import CofferCore

/// What became of one event of a group (R40): recorded (for a known id, its first result, R33)
/// or refused with the one-line reason; a refusal never touches another event.
public enum EventOutcome: Sendable, Equatable {
    case recorded(UsageResult)
    case refused(String)
}

/// One event to record in a group: who records it (each request's own actor) and what.
public struct GroupedEvent: Sendable {
    public let actor: Actor
    /// The request validated and fingerprinted by whoever made the event (a request's own
    /// thread), or its refusal: the writer only records.
    let checked: Result<CheckedUsage, CofferError>
    public let eventID: String

    /// An event recorded as `actor`.
    public init(actor: Actor, request: UsageRequest) {
        self.actor = actor
        checked = request.checkedResult
        eventID = request.eventID
    }

    /// One event in the import line format (SPEC §7: a JSON object with the fields of `consume`),
    /// recorded into the actor's workspace; throws the line's one-line reason. The line parser
    /// validates the event, so it is not validated again.
    public init(actor: Actor, line: String) throws {
        let request = try ImportLine.parse(line, workspace: actor.workspaceSlug)
        self.actor = actor
        checked = .success(CheckedUsage(validated: request))
        eventID = request.eventID
    }
}

extension Usage {
    /// Records the events of many requests in one write transaction (R40), each in its own
    /// savepoint, after whatever time has made due is settled (R15a). Returns one outcome per
    /// event, in order; throws only when the transaction itself fails, and then nothing was written.
    public func recordGroup(_ events: [GroupedEvent]) throws -> [EventOutcome] {
        try store.write(scope: .workspaces(Set(events.map(\.actor.workspaceID)))) { tx in
            let engine = ConsumptionEngine(tx: tx, expecting: events.count)
            try engine.lookUpKeys(events.map { .init(workspace: $0.actor.workspaceID, id: $0.eventID) })
            return try events.map { event in
                try Self.outcome { try engine.recordInBatch(actor: event.actor, checked: event.checked.get(), at: tx.now) }
            }
        }
    }

    /// One event's outcome: a refusal (the event's own savepoint rolled back; what auto-recharge
    /// did before it stands, R36) is its message; a failure of the store is rethrown by the commit.
    static func outcome(_ record: () throws -> UsageResult) throws -> EventOutcome {
        do {
            return .recorded(try record())
        } catch let failure as ConsumptionEngine.FailedAfterRecharge {
            return .refused(failure.error.message)
        } catch let error as CofferError {
            return .refused(error.message)
        }
    }
}
