import CofferCore

/// How the ledger's entries are chained (SPEC §10): each entry stores the hash of the previous
/// one; with `COFFER_LEDGER_KEY` set at creation the chain is an HMAC, so a tool that recomputes
/// plain hashes cannot edit it unseen.
public struct LedgerSeal: Sendable {
    /// `sha256` or `hmac-sha256`.
    let mode: String
    private let key: [UInt8]?

    /// The genesis value of the chain (the previous hash of the first entry).
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// A seal for the given key (nil or empty: plain SHA-256).
    public init(key: String?) {
        if let key, !key.isEmpty {
            self.key = Array(key.utf8)
            mode = "hmac-sha256"
        } else {
            self.key = nil
            mode = "sha256"
        }
    }

    /// What the database stores to recognise the key without revealing it.
    var keyCheck: String? {
        key.map { Digest.hmac(key: $0, message: Array("coffer-ledger-key-check".utf8)).hex }
    }

    /// Refuses to use a seal that does not match the one the database was created with.
    func verify(storedMode: String?, storedKeyCheck: String?) throws {
        switch (storedMode ?? "sha256", key) {
        case ("sha256", nil), ("hmac-sha256", .some):
            if mode == "hmac-sha256", storedKeyCheck != keyCheck {
                throw CofferError("COFFER_LEDGER_KEY does not match the key this ledger was sealed with")
            }
        case ("hmac-sha256", nil):
            throw CofferError("This ledger is sealed with a key: set COFFER_LEDGER_KEY")
        default:
            throw CofferError("This ledger was created without COFFER_LEDGER_KEY: unset it to use this database")
        }
    }

    /// The hash of one entry, chained to the previous one: of the previous hash's bytes followed
    /// by the entry's canonical text, given to SHA-256 (or HMAC) in one piece.
    func hash(previous: [UInt8], entry: EntryFields) -> [UInt8] {
        var message = previous
        entry.appendCanonical(to: &message)
        if let key { return Digest.hmac(key: key, message: message) }
        return Digest.sha256(message)
    }
}

/// The fields of a ledger entry that the hash chain covers, in a fixed order.
struct EntryFields {
    var id: Int64
    var batch: Int64
    var asset: String
    var from: Int64
    var to: Int64
    var amount: Int64
    var grant: Int64?
    var kind: String
    var usage: Int64?
    var createdAt: Int64

    /// Appends `id|batch|asset|from|to|amount|grant|kind|usage|created_at` as UTF-8 to `out` (an
    /// absent grant or usage is empty), written straight into bytes: this runs for every entry of every debit.
    func appendCanonical(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 96)
        let bar = UInt8(ascii: "|")
        func field(_ text: String) { out.append(contentsOf: text.utf8); out.append(bar) }
        func field(_ number: Int64?) { if let number { out.appendDecimal(number) }; out.append(bar) }
        field(id); field(batch); field(asset); field(from); field(to); field(amount)
        field(grant); field(kind); field(usage)
        out.appendDecimal(createdAt)
    }
}
