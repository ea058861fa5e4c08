import CNcursesw
import CursesTerminal
import Testing
import TerminalUI

@Suite struct KeyDecoderTests {
    @Test func cursesKeyCodes() {
        #expect(KeyDecoder.key(forKeyCode: KEY_UP) == .up)
        #expect(KeyDecoder.key(forKeyCode: KEY_NPAGE) == .pageDown)
        #expect(KeyDecoder.key(forKeyCode: KEY_PPAGE) == .pageUp)
        #expect(KeyDecoder.key(forKeyCode: KEY_HOME) == .home)
        #expect(KeyDecoder.key(forKeyCode: KEY_END) == .end)
        #expect(KeyDecoder.key(forKeyCode: KEY_BTAB) == .backTab)
        #expect(KeyDecoder.key(forKeyCode: KEY_BACKSPACE) == .backspace)
        #expect(KeyDecoder.key(forKeyCode: KEY_DC) == .delete)
        #expect(KeyDecoder.key(forKeyCode: coffer_key_f(1)) == .function(1))
        #expect(KeyDecoder.key(forKeyCode: coffer_key_f(12)) == .function(12))
        #expect(KeyDecoder.key(forKeyCode: KEY_RESIZE) == nil)
    }

    @Test func characters() {
        #expect(KeyDecoder.key(forCharacter: 9) == .tab)
        #expect(KeyDecoder.key(forCharacter: 13) == .enter)
        #expect(KeyDecoder.key(forCharacter: 10) == .enter)
        #expect(KeyDecoder.key(forCharacter: 27) == .escape)
        #expect(KeyDecoder.key(forCharacter: 127) == .backspace)
        #expect(KeyDecoder.key(forCharacter: 19) == .ctrl("s"))
        #expect(KeyDecoder.key(forCharacter: 1) == .ctrl("a"))
        #expect(KeyDecoder.key(forCharacter: UInt32(UInt8(ascii: "q"))) == .char("q"))
        #expect(KeyDecoder.key(forCharacter: 0x6771) == .char("東"))
        #expect(KeyDecoder.key(forCharacter: 0x1F680) == .char("🚀"))
    }

    @Test func controlsNeverBecomeCharacters() {
        for code: UInt32 in [0, 0x1C, 0x85, 0x9B, 0x202E, 0x2066, 0x301] {
            #expect(KeyDecoder.key(forCharacter: code) == nil, "code \(code)")
        }
    }

    @Test func mouseButtons() {
        #expect(KeyDecoder.mouseAction(forButtonState: coffer_button1_pressed()) == .click)
        #expect(KeyDecoder.mouseAction(forButtonState: coffer_button3_pressed()) == .rightClick)
        #expect(KeyDecoder.mouseAction(forButtonState: coffer_button4_pressed()) == .wheelUp)
        #expect(KeyDecoder.mouseAction(forButtonState: coffer_button5_pressed()) == .wheelDown)
        #expect(KeyDecoder.mouseAction(forButtonState: 0) == nil)
    }
}
