import CofferCore
import Foundation

/// What `usage import` did (R33): counts, and each refused line with its reason.
public struct ImportReport: Sendable, Equatable {
    public var inserted = 0
    public var duplicates = 0
    public var rejected: [(line: Int, reason: String)] = []

    public static func == (a: ImportReport, b: ImportReport) -> Bool {
        a.inserted == b.inserted && a.duplicates == b.duplicates && a.rejected.map { "\($0.line):\($0.reason)" } == b.rejected.map { "\($0.line):\($0.reason)" }
    }
}

/// Recording usage: one event (`consume`) or a file of them (`usage import`), exactly once each.
public struct Usage: Sendable {
    let store: CofferStore

    /// The usage use case over a store.
    public init(_ store: CofferStore) { self.store = store }

    /// Records one usage event in one write transaction (R33). When the debit fails after
    /// auto-recharge acted, the event's savepoint is rolled back, what the recharge did is applied
    /// again on its own and committed, and then the debit's error is thrown (R36).
    public func consume(actor: Actor, request: UsageRequest) throws -> UsageResult {
        try store.write(scope: .workspaces([actor.workspaceID])) { tx -> Result<UsageResult, CofferError> in
            do {
                return .success(try ConsumptionEngine(tx: tx).recordInBatch(actor: actor, checked: request.checked(), at: tx.now))
            } catch let failure as ConsumptionEngine.FailedAfterRecharge {
                return .failure(failure.error)
            }
        }.get()
    }

    /// Imports a JSONL file: each valid line applied exactly once, many per transaction; a bad
    /// line is rejected with its number and reason and leaves nothing half-applied.
    public func importFile(actor: Actor, path: String, batchSize: Int = 2_000) throws -> ImportReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw CofferError("Cannot read \(CofferError.quote(path, limit: 200))\(isFolder.boolValue ? ": it is a folder" : "")")
        }
        let lines = ImportReadAhead(handle: handle, path: path, workspace: actor.workspaceSlug, batchSize: batchSize)
        defer {
            lines.finish()
            try? handle.close()
        }
        var report = ImportReport()
        lines.startNext()
        while true {
            let batch = try lines.take()
            guard let first = batch.first?.number else { break }
            lines.startNext() // the next batch is read while this one is written
            var applied = ImportReport()
            do {
                try store.write(scope: .workspaces([actor.workspaceID])) { tx in
                    applied = ImportReport()
                    let engine = ConsumptionEngine(tx: tx, expecting: batch.count)
                    try engine.lookUpKeys(batch.compactMap { try? $0.event.get() }.map { .init(workspace: actor.workspaceID, id: $0.request.eventID) })
                    for (number, event) in batch {
                        switch event {
                        case .failure(let error): applied.rejected.append((number, error.message))
                        case .success(let checked):
                            do {
                                let result = try engine.recordInBatch(actor: actor, checked: checked, at: tx.now)
                                if result.duplicate { applied.duplicates += 1 } else { applied.inserted += 1 }
                            } catch let failure as ConsumptionEngine.FailedAfterRecharge {
                                applied.rejected.append((number, failure.error.message)) // what the recharge did stands (R36)
                            } catch let error as CofferError {
                                applied.rejected.append((number, error.message))
                            }
                        }
                    }
                }
            } catch let error as CofferError where report != ImportReport() {
                // Earlier batches were committed: say so, and how to finish (the import is idempotent, R33).
                throw CofferError("Stopped at line \(first): \(error.message). Lines 1–\(first - 1) stand (inserted \(report.inserted), "
                                  + "duplicate \(report.duplicates), rejected \(report.rejected.count)): import the same file again to finish")
            }
            report.inserted += applied.inserted
            report.duplicates += applied.duplicates
            report.rejected += applied.rejected
        }
        return report
    }
}
