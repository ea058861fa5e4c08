@testable import CofferStore
import CofferCore
import Testing

@Suite("SHA-256 and HMAC through swift-crypto (SPEC §10 hash chain)")
struct DigestTests {
    @Test("FIPS 180-4 test vectors")
    func sha256Vectors() {
        #expect(Digest.sha256(Array("".utf8)).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha256([UInt8](repeating: 0x61, count: 1_000_000)).hex
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("RFC 4231 HMAC-SHA256 vectors")
    func hmacVectors() {
        #expect(Digest.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)).hex
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Digest.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hex
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digest.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)).hex
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// Values the hand-written SHA-256 this replaced gave for the same entries: a ledger sealed
    /// before the switch verifies after it, with no migration.
    @Test("SPEC §10: the chain's hashes are the ones the earlier implementation wrote (plain and keyed)")
    func chainUnchanged() {
        let first = EntryFields(id: 7, batch: 5, asset: "credits", from: 3, to: 9, amount: 45, grant: 2, kind: "spend", usage: 11,
                                createdAt: 1_767_225_600)
        let second = EntryFields(id: 8, batch: 8, asset: "credits", from: 9, to: 4, amount: 1, grant: nil, kind: "expire", usage: nil,
                                 createdAt: 1_767_225_601)
        let plain = LedgerSeal(key: nil)
        let firstHash = plain.hash(previous: LedgerSeal.genesis, entry: first)
        #expect(firstHash.hex == "2e7370d2025db233a2d9bdae67d0d7a276afaeec321a5706f80b74dff2987c36")
        #expect(plain.hash(previous: firstHash, entry: second).hex == "32ddc260750ba6b0172a6296dea8b3dd8357a5f99ce5ddf6f639ecd7ffd061c6")
        #expect(LedgerSeal(key: "k3y").hash(previous: LedgerSeal.genesis, entry: first).hex
                == "8cb615e3c02f9ec9e1c564d8d742025dc7113b07d3a1188aaf466869e3f106e2")
    }

    @Test("R33: a payload's fingerprint is the SHA-256 of its length-prefixed fields (computed independently, in Python)")
    func payloadFingerprintUnchanged() throws {
        var request = UsageRequest(eventID: "e-1", service: "gpt-4o", quantity: try Quantity.parse("2.5"), forEmail: "bob@acme.test")
        request.conversationID = "c-1"
        request.title = "Über ✓"
        request.url = "https://x.test/a"
        #expect(request.payloadHash == "204b48b9b093aa8fc85a2049d91e80102f8d85a517af9d0fb851a72d5b878880")
    }

    @Test("SPEC §10: numbers enter the chain's bytes exactly as String(_:) spells them", arguments: [
        0, 1, -1, 9, 10, -10, 99, 100, 1_767_225_600_000, Int64.max, Int64.min, Int64.min + 1,
    ] as [Int64])
    func decimalsAsStrings(value: Int64) {
        var bytes: [UInt8] = [7]
        bytes.appendDecimal(value)
        #expect(bytes == [7] + Array(String(value).utf8))
    }
}
