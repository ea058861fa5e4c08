import CofferCore
import Testing

/// The typed vocabulary at the store's boundary (SPEC §7, §8): every text parses to its word and
/// back, and what is refused is refused with the messages SPEC's commands give.
@Suite("Usage vocabulary (SPEC §7, §8)")
struct UsageVocabularyTests {
    @Test("SPEC §7: the four tabs, their titles and the fields each sorts by (the first is the default)")
    func tabs() {
        #expect(UsageTab.allCases.map(\.rawValue) == ["conversations", "calls", "imports", "adjustments"])
        #expect(UsageTab.allCases.map(\.title) == ["Conversations", "MCP-HTTP Calls", "Import Usage", "Credit Adjustments"])
        #expect(UsageTab.conversations.sortFields == [.updated, .messages, .credits])
        #expect(UsageTab.calls.sortFields == [.created, .credits])
        #expect(UsageTab.imports.sortFields == [.created, .credits])
        #expect(UsageTab.adjustments.sortFields == [.created, .amount])
        #expect(UsageTab.spokenList == "conversations, calls, imports or adjustments")
        for tab in UsageTab.allCases {
            #expect(UsageTab(rawValue: tab.rawValue) == tab)
            #expect(UsageSort.newest(tab) == UsageSort(field: tab.sortFields[0], descending: true))
        }
    }

    @Test("Every sort field's text", arguments: [
        ("updated", SortField.updated), ("messages", .messages), ("credits", .credits), ("created", .created), ("amount", .amount),
    ])
    func sortFields(text: String, field: SortField) {
        #expect(SortField(rawValue: text) == field)
        #expect(field.rawValue == text)
    }

    @Test("The s key steps through a tab's sort fields and round to the first", arguments: UsageTab.allCases)
    func nextSortField(tab: UsageTab) {
        var field = tab.sortFields[0]
        var seen: [SortField] = []
        for _ in tab.sortFields {
            seen.append(field)
            field = tab.sortField(after: field)
        }
        #expect(seen == tab.sortFields && field == tab.sortFields[0])
        #expect(UsageTab.calls.sortField(after: .messages) == .created, "a field the tab lacks starts again at the first")
    }

    @Test("SPEC §8 --sort FIELD[:asc|desc]: every field of every tab, both ways, and its text read back", arguments: UsageTab.allCases)
    func sortParses(tab: UsageTab) throws {
        for field in tab.sortFields {
            #expect(try UsageSort.parse(field.rawValue, tab: tab) == UsageSort(field: field, descending: true))
            #expect(try UsageSort.parse("\(field.rawValue):desc", tab: tab) == UsageSort(field: field, descending: true))
            #expect(try UsageSort.parse("\(field.rawValue):asc", tab: tab) == UsageSort(field: field, descending: false))
            for descending in [true, false] {
                let sort = UsageSort(field: field, descending: descending)
                #expect(try UsageSort.parse(sort.text, tab: tab) == sort)
            }
        }
    }

    @Test("SPEC §8: a sort the tab does not take names the fields it does", arguments: [
        ("bogus", UsageTab.conversations, "Conversations sort by updated, messages, credits (optionally :asc or :desc), not bogus"),
        ("title", .conversations, "Conversations sort by updated, messages, credits (optionally :asc or :desc), not title"),
        ("amount:sideways", .adjustments, "Credit Adjustments sort by created, amount (optionally :asc or :desc), not amount:sideways"),
        ("messages", .calls, "MCP-HTTP Calls sort by created, credits (optionally :asc or :desc), not messages"),
        ("updated", .imports, "Import Usage sort by created, credits (optionally :asc or :desc), not updated"),
        ("credits", .adjustments, "Credit Adjustments sort by created, amount (optionally :asc or :desc), not credits"),
        ("Credits", .calls, "MCP-HTTP Calls sort by created, credits (optionally :asc or :desc), not Credits"),
        ("credits:asc:desc", .calls, "MCP-HTTP Calls sort by created, credits (optionally :asc or :desc), not credits:asc:desc"),
        ("", .calls, "MCP-HTTP Calls sort by created, credits (optionally :asc or :desc), not "),
    ])
    func sortRefusals(text: String, tab: UsageTab, message: String) {
        #expect(throws: CofferError(message)) { try UsageSort.parse(text, tab: tab) }
        #expect(UsageSort.refusal(text, tab: tab) == CofferError(message))
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
