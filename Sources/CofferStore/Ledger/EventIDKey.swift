/// A usage event's id within its workspace (R33), compared byte for byte as the database's
/// unique index compares it — `String`'s `==` would take two spellings of "é" (composed and
/// decomposed) for one id, which the index keeps apart. It hashes two integers, a 64-bit
/// FNV-1a digest of the id's bytes among them, which costs an event much less than hashing a
/// `String`.
struct EventIDKey: Hashable {
    let workspace: Int64
    let id: String
    private let digest: UInt64

    init(workspace: Int64, id: String) {
        var bytes = id
        self.workspace = workspace
        self.id = id
        digest = bytes.withUTF8 { utf8 in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
    }

    static func == (a: EventIDKey, b: EventIDKey) -> Bool {
        guard a.workspace == b.workspace, a.digest == b.digest else { return false }
        var (x, y) = (a.id, b.id)
        return x.withUTF8 { x in y.withUTF8 { y in x.elementsEqual(y) } }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(workspace)
        hasher.combine(digest)
    }
}
