import CofferCore

/// libFuzzer entry point for the amount parser (R1–R3): any text either parses to an amount
/// that formats and parses back to itself, or is refused with a one-line `CofferError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAmount(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = text(data, size)
    do {
        let credits = try Credits.parse(input)
        guard credits.millicredits.magnitude <= UInt64(FixedPoint.maxInputWhole * FixedPoint.scale) else {
            fatalError("\(input.debugDescription) parsed beyond the input limit: \(credits.millicredits)")
        }
        for shown in [credits.description, credits.plain] {
            guard (try? Credits.parse(shown)) == credits else {
                fatalError("\(input.debugDescription) → \(credits.millicredits) → \(shown.debugDescription) does not parse back")
            }
        }
        if credits.millicredits > 0, (try? Credits.parsePositive(input)) != credits { fatalError("parsePositive disagrees on \(input.debugDescription)") }
        if credits.millicredits <= 0, (try? Credits.parsePositive(input)) != nil { fatalError("parsePositive took \(input.debugDescription)") }
    } catch {
        expectOneLineRefusal(error, input: input)
    }
    do {
        let quantity = try Quantity.parse(input)
        for shown in [quantity.description, quantity.plain] {
            guard (try? Quantity.parse(shown)) == quantity else {
                fatalError("\(input.debugDescription) → \(quantity.milliunits) → \(shown.debugDescription) does not parse back")
            }
        }
        if input.contains("$") { fatalError("a quantity took a dollar sign: \(input.debugDescription)") }
    } catch {
        expectOneLineRefusal(error, input: input)
    }
    return 0
}
