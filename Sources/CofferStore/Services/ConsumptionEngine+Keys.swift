import CofferCore

extension ConsumptionEngine {
    /// Event ids per statement when a group's ids are looked up at once; a shorter chunk repeats
    /// its last id, so every lookup is the same statement (one plan on PostgreSQL).
    static let keysPerLookup = 100

    /// On PostgreSQL, looks up in a few statements which of a group's event ids are already
    /// recorded (R33), so that each event need not ask on its own: one round trip an event. The
    /// answer holds for this transaction: it holds its workspaces, so no other writer records
    /// them meanwhile; ids this transaction records itself are asked for again (`isKnownNew`).
    /// On SQLite, where a statement is a function call, each event asking costs less than the
    /// bookkeeping (measured: 222,549 → 229,927 instructions an imported line), so it does not.
    func lookUpKeys(_ keys: @autoclosure () -> [EventKey]) throws {
        guard tx.sql.dialect == .postgres else { return }
        let byWorkspace = Dictionary(grouping: Set(keys()), by: \.workspace)
        let marks = Array(repeating: "?", count: Self.keysPerLookup).joined(separator: ", ")
        for (workspace, keys) in byWorkspace.sorted(by: { $0.key < $1.key }) {
            let ids = keys.map(\.id).sorted()
            var absent = Set(ids)
            for start in stride(from: 0, to: ids.count, by: Self.keysPerLookup) {
                let chunk = ids[start..<min(start + Self.keysPerLookup, ids.count)]
                let padded = Array(chunk) + Array(repeating: chunk.last!, count: Self.keysPerLookup - chunk.count)
                try tx.sql.each("SELECT event_key FROM usage_events WHERE workspace_id = ? AND event_key IN (\(marks))",
                                [.int(workspace)] + padded.map { .text($0) }) { row in
                    absent.remove(row.text(0))
                    return true
                }
            }
            cache.absentKeys.formUnion(absent.map { EventKey(workspace: workspace, id: $0) })
        }
    }

    /// Whether `key` is known not to be recorded: looked up absent for the group, and not
    /// recorded by this transaction since.
    func isKnownNew(_ key: EventKey) -> Bool {
        cache.absentKeys.contains(key) && !cache.recordedKeys.contains(key)
    }

    /// Notes that this transaction recorded `key` (undone with its savepoint).
    func noteRecorded(_ key: EventKey) {
        guard cache.absentKeys.contains(key) else { return }
        cache.recordedKeys.insert(key)
        cache.recordedKeyLog.append(key)
    }
}
