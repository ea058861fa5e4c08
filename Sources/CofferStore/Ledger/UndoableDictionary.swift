/// A dictionary that can take back the changes made since `beginUndo()`: each change notes the
/// value it replaced, and `undo()` puts those back in reverse order.
///
/// `LedgerWriter` keeps its in-memory state in these so that an event's savepoint can roll the
/// state back with the database. Copying the dictionaries before every event did the same, but a
/// copy shares its storage, so each dictionary's first change after it was copied whole again —
/// five copies and a snapshot an imported line, about 6,000 instructions.
struct UndoableDictionary<Key: Hashable, Value> {
    private var values: [Key: Value] = [:]
    /// What each change since `beginUndo()` replaced (nil: the key was absent).
    private var replaced: [(key: Key, old: Value?)] = []
    private var noting = false

    var isEmpty: Bool { values.isEmpty }

    /// The entries, in the dictionary's order.
    var entries: [Key: Value] { values }

    subscript(key: Key) -> Value? { values[key] }

    /// Notes the changes from now on (and forgets the ones noted before).
    mutating func beginUndo() {
        if !replaced.isEmpty { replaced.removeAll(keepingCapacity: true) }
        noting = true
    }

    /// Puts back what the changes since `beginUndo()` replaced, latest first.
    mutating func undo() {
        while let (key, old) = replaced.popLast() { values[key] = old }
    }

    /// Sets (or with nil removes) the value for `key`.
    mutating func set(_ key: Key, _ value: Value?) {
        if noting { replaced.append((key, values[key])) }
        values[key] = value
    }

    /// Changes the value for `key` in place, starting from `initial` when there is none.
    mutating func update(_ key: Key, default initial: Value, _ change: (inout Value) -> Void) {
        if noting { replaced.append((key, values[key])) }
        change(&values[key, default: initial])
    }

    /// Empties the dictionary; nothing can be undone past this.
    mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        replaced.removeAll(keepingCapacity: true)
        noting = false
    }
}

extension UndoableDictionary where Value == Void {
    /// Whether `key` is in the set.
    func contains(_ key: Key) -> Bool { values[key] != nil }

    /// Adds `key` to the set.
    mutating func insert(_ key: Key) { if !contains(key) { set(key, ()) } }

    /// Takes `key` out of the set.
    mutating func remove(_ key: Key) { if contains(key) { set(key, nil) } }
}
