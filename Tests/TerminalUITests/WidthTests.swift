import Testing
@testable import TerminalUI

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumnEach() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of(Character("~")) == 1)
    }

    @Test func cjkAndFullwidthAreTwoColumns() {
        #expect(DisplayWidth.of("東京") == 4)
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("ＡＢ") == 4)
    }

    @Test func emojiAreTwoColumns() {
        #expect(DisplayWidth.of(Character("🚀")) == 2)
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)          // skin tone modifier
        #expect(DisplayWidth.of(Character("👨‍👩‍👧")) == 2)        // ZWJ family
        #expect(DisplayWidth.of(Character("🇫🇷")) == 2)          // flag
        #expect(DisplayWidth.of(Character("❤\u{FE0F}")) == 2)   // text emoji made emoji by VS16
        #expect(DisplayWidth.of(Character("❤")) == 1)
    }

    @Test func combiningMarksAddNoWidth() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("Zoë\u{323}\u{30A}") == 3)
        #expect(DisplayWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0)
    }

    @Test func truncateAndPadWorkInColumns() {
        #expect(DisplayWidth.truncate("東京商事", to: 5, ellipsis: "…") == "東京…")
        #expect(DisplayWidth.truncate("abc", to: 3, ellipsis: "…") == "abc")
        #expect(DisplayWidth.pad("東", to: 5, alignment: .right) == "   東")
        #expect(DisplayWidth.pad("ab", to: 6, alignment: .center) == "  ab  ")
    }
}

@Suite struct BufferWriteTests {
    @Test func wideCharactersTakeTwoCellsAndSnapshotOnce() {
        var b = Buffer(width: 6, height: 1)
        let end = b.write("a東b", x: 0, y: 0)
        #expect(end == 4)
        #expect(b[1, 0].grapheme == "東" && b[2, 0].isContinuation)
        #expect(b.line(0) == "a東b  ")
    }

    @Test func combiningMarksStayWithTheirBase() {
        var b = Buffer(width: 4, height: 1)
        b.write("e\u{301}x", x: 0, y: 0)
        #expect(b[0, 0].grapheme == "e\u{301}")
        #expect(b[1, 0].grapheme == "x")
    }

    @Test func clipsAtEveryEdge() {
        var b = Buffer(width: 5, height: 3)
        b.write("abcdefgh", x: 3, y: 1)        // right edge
        b.write("XYZ", x: -2, y: 0)            // left edge
        b.write("top", x: 0, y: -1)            // above
        b.write("bottom", x: 0, y: 3)          // below
        #expect(b.snapshot() == "Z    \n   a…\n     \n")   // a cut on the right is marked (issue #19.3)
    }

    @Test func clipsToARectangle() {
        var b = Buffer(width: 8, height: 3)
        let clip = Rect(x: 2, y: 1, width: 3, height: 1)
        b.write("abcdef", x: 0, y: 1, clip: clip)
        b.write("zzz", x: 2, y: 0, clip: clip)
        #expect(b.line(0) == "        ")
        #expect(b.line(1) == "  cde   ")
    }

    @Test func wideCharacterCutAtTheRightEdgeBecomesASpace() {
        var b = Buffer(width: 5, height: 1)
        b.write("abcd東", x: 0, y: 0)
        #expect(b.line(0) == "abcd…")   // the cut is marked (issue #19.3); never half a grapheme
        #expect(!b[4, 0].isContinuation && b[4, 0].grapheme == "…")
        var c = Buffer(width: 8, height: 1)
        c.write("東京", x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(c.line(0) == "東…     ")
    }

    @Test func wideCharacterCutAtTheLeftEdgeBecomesASpace() {
        var b = Buffer(width: 4, height: 1)
        b.write("東京", x: -1, y: 0)
        #expect(b.line(0) == " 京 ")
    }

    @Test func overwritingHalfAWideCharacterClearsTheOtherHalf() {
        var b = Buffer(width: 4, height: 1)
        b.write("東京", x: 0, y: 0)
        b.write("x", x: 1, y: 0)
        #expect(b.line(0) == " x京")
        b.write("y", x: 2, y: 0)
        #expect(b.line(0) == " xy ")
        #expect(!b.cells.contains { $0.isContinuation })
    }

    @Test func drawingOneBufferIntoAnotherKeepsWideCharactersWhole() {
        var small = Buffer(width: 3, height: 1)
        small.write("東x", x: 0, y: 0)
        var big = Buffer(width: 4, height: 1)
        big.draw(small, at: Point(x: 3, y: 0))
        #expect(big.line(0) == "    ")
        big.draw(small, at: Point(x: -1, y: 0))
        #expect(big.line(0) == " x  ")
    }
}

@Suite struct LayoutTests {
    @Test func fixedAndFlexibleRows() {
        let parts = Rect(width: 80, height: 24).split(rows: [.fixed(1), .flex(1), .fixed(2)])
        #expect(parts.map(\.height) == [1, 21, 2])
        #expect(parts.map(\.y) == [0, 1, 22])
    }

    @Test func flexibleColumnsShareByWeightAndFixedPartsShrinkLast() {
        let parts = Rect(x: 5, y: 0, width: 40, height: 1).split(columns: [.flex(1), .fixed(10), .flex(2)])
        #expect(parts.map(\.width) == [10, 10, 20])
        #expect(parts.map(\.x) == [5, 15, 25])
        let tight = Rect(width: 6, height: 1).split(columns: [.fixed(4), .fixed(4), .flex(1)])
        #expect(tight.map(\.width) == [4, 2, 0])
    }

    @Test func centeredAndInset() {
        let r = Rect(width: 80, height: 24)
        #expect(r.centered(width: 40, height: 10) == Rect(x: 20, y: 7, width: 40, height: 10))
        #expect(r.inset(by: 1) == Rect(x: 1, y: 1, width: 78, height: 22))
        #expect(Rect(width: 1, height: 1).inset(by: 1).isEmpty)
    }
}
