import CofferCore
import Testing

/// The typed vocabulary at the store's boundary (SPEC §7, §8): every text parses to its word and
/// back, and what is refused is refused with the messages SPEC's commands give.
@Suite("Usage vocabulary (SPEC §7, §8)")
struct UsageVocabularyTests {
    @Test("Every sort field's text", arguments: [
        ("updated", SortField.updated), ("messages", .messages), ("credits", .credits), ("created", .created), ("amount", .amount),
    ])
    func sortFields(text: String, field: SortField) {
        #expect(SortField(rawValue: text) == field)
        #expect(field.rawValue == text)
    }

    @Test("SPEC §7: billing types parse from their text and back; the default of each conversation service kind")
    func billingTypes() throws {
        #expect(BillingType.allCases.map(\.rawValue) == ["message", "image", "video"])
        for type in BillingType.allCases { #expect(try BillingType.parse(type.rawValue) == type) }
        #expect(BillingType(defaultFor: .conversationMessage) == .message)
        #expect(BillingType(defaultFor: .imageGeneration) == .image)
        #expect(BillingType(defaultFor: .videoGeneration) == .video)
        #expect(BillingType(defaultFor: .mcpHTTPCall) == nil && BillingType(defaultFor: .importJob) == nil && BillingType(defaultFor: .consumable) == nil)
    }

    @Test("SPEC §7: import types parse from their text and back; brand… services default to brand")
    func importTypes() throws {
        #expect(ImportType.allCases.map(\.rawValue) == ["brand", "product"])
        for type in ImportType.allCases { #expect(try ImportType.parse(type.rawValue) == type) }
        #expect(ImportType(defaultForService: "brand-import") == .brand)
        #expect(ImportType(defaultForService: "product-import") == .product)
        #expect(ImportType(defaultForService: "import") == .product)
    }

    @Test("SPEC §8: an unknown type is refused with the message consume and usage import give", arguments: [
        ("audio", "Billing types are message, image or video (not audio)"),
        ("Message", "Billing types are message, image or video (not Message)"),
        ("", "Billing types are message, image or video (not )"),
        ("a\u{1B}[31m", "Billing types are message, image or video (not a?[31m)"),
    ])
    func billingTypeRefusals(text: String, message: String) {
        #expect(throws: CofferError(message)) { try BillingType.parse(text) }
    }

    @Test("SPEC §8: an unknown import type is refused with the message consume and usage import give", arguments: [
        ("x", "Import types are brand or product (not x)"),
        ("Brand", "Import types are brand or product (not Brand)"),
        ("product ", "Import types are brand or product (not product )"),
    ])
    func importTypeRefusals(text: String, message: String) {
        #expect(throws: CofferError(message)) { try ImportType.parse(text) }
    }

    @Test("R1, R16: an amount is credits or a quantity of one service's units, from the ledger's thousandths and back")
    func amounts() {
        let credits = Amount(thousandths: 1_500, of: .credits)
        #expect(credits == .credits(Credits(millicredits: 1_500)))
        #expect(credits.asset == .credits && credits.credits == Credits(millicredits: 1_500))
        let hours = Amount(thousandths: 2_000, of: .service("mentorship-hour"))
        #expect(hours == .quantity(Quantity(milliunits: 2_000), service: "mentorship-hour"))
        #expect(hours.asset == .service("mentorship-hour") && hours.credits == nil)
        #expect(Amount(thousandths: -3, of: .credits) == .credits(Credits(millicredits: -3)))
    }

    @Test("R1: sums on the money paths refuse to overflow")
    func checkedSums() throws {
        #expect(try Quantity(milliunits: 2).adding(Quantity(milliunits: 3)) == Quantity(milliunits: 5))
        #expect(throws: CofferError("Amount overflow")) { try Quantity(milliunits: .max).adding(Quantity(milliunits: 1)) }
        #expect(throws: CofferError("Amount overflow")) { try checked(.min, minus: 1) }
        #expect(try checked(40, plus: 2) == 42)
    }
}
