import CofferCore

/// What every fuzz target asserts about a refusal: a `CofferError` whose message is one line
/// of printable text (control characters and bidi overrides are quoted away, SPEC §8).
func expectOneLineRefusal(_ error: any Error, input: String) {
    guard let error = error as? CofferError else { fatalError("not a CofferError for \(input.debugDescription): \(error)") }
    guard !error.message.isEmpty else { fatalError("an empty refusal for \(input.debugDescription)") }
    for scalar in error.message.unicodeScalars {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
            fatalError("the refusal \(error.message.debugDescription) carries U+\(String(v, radix: 16)) from \(input.debugDescription)")
        }
    }
}

/// The fuzzer's bytes as text, the way the command line and the import reader see them
/// (invalid UTF-8 is repaired, as `String(decoding:)` does for arguments).
func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}
