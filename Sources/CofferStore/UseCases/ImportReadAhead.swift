import CofferCore
import Dispatch
import Foundation

/// The lines of an import file, a batch at a time, each read, parsed, validated and fingerprinted
/// on a thread of its own while the writer records the batch before it (R33's checks need nothing
/// from the database, so the writer's one thread only records).
///
/// `startNext()` begins reading the next batch; `take()` waits for it. Only one batch is read at a
/// time, and the file is not touched after `finish()` returns.
final class ImportReadAhead: @unchecked Sendable {
    /// A line's number and what it holds: an event ready to record, or the line's refusal.
    typealias Line = (number: Int, event: Result<CheckedUsage, CofferError>)

    private var reader: LineReader
    private let path: String
    private let workspace: String
    private let batchSize: Int
    private let queue = DispatchQueue(label: "coffer-import-read-ahead")
    /// The batch read by the last `startNext()`, or why reading failed (read and written on `queue`).
    private var ready: Result<[Line], CofferError> = .success([])

    /// Reads `handle` (the file at `path`, named in errors) for `workspace`, `batchSize` events a batch.
    init(handle: FileHandle, path: String, workspace: String, batchSize: Int) {
        reader = LineReader(handle: handle, maxLineBytes: 1 << 20)
        self.path = path
        self.workspace = workspace
        self.batchSize = max(1, batchSize)
    }

    /// Starts reading the next batch on the read-ahead thread.
    func startNext() {
        queue.async { [self] in ready = readBatch() }
    }

    /// The batch `startNext()` read (empty at the end of the file); throws when the file could not be read.
    func take() throws -> [Line] {
        try queue.sync { ready }.get()
    }

    /// Waits until no read is under way (before the file is closed).
    func finish() {
        queue.sync {}
    }

    private func readBatch() -> Result<[Line], CofferError> {
        var batch: [Line] = []
        batch.reserveCapacity(min(batchSize, 4_096))
        do {
            while batch.count < batchSize {
                let more = try reader.next { [workspace] number, line in
                    if let parsed = ImportLine.read(line, workspace: workspace) {
                        batch.append((number, parsed.map(CheckedUsage.init(validated:))))
                    }
                }
                if !more { break }
            }
            return .success(batch)
        } catch {
            return .failure(CofferError("Cannot read \(CofferError.quote(path, limit: 200)): \(error.localizedDescription)"))
        }
    }
}
