import CNcursesw
import TerminalUI

/// Turns what `wget_wch` returns into ``Key`` values. Pure, so it is tested without a terminal.
public enum KeyDecoder {
    /// The key for a curses key code (`wget_wch` returned `KEY_CODE_YES`), or nil when unknown.
    public static func key(forKeyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_BTAB: .backTab
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_IC: .insert
        case coffer_key_f(1)...coffer_key_f(24): .function(Int(code - coffer_key_f(0)))
        default: nil
        }
    }

    /// The key for a character code (`wget_wch` returned `OK`), or nil for codes that mean nothing.
    ///
    /// Ctrl-letters become `.ctrl`, except the ones terminals send for Tab, Enter and Backspace.
    public static func key(forCharacter code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 0x60)!))
        default:
            guard let scalar = Unicode.Scalar(code), DisplayWidth.of(scalar) > 0,
                  Sanitizer.clean(String(scalar)) == String(scalar) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// The mouse action for a curses button state, or nil when it is not one we report.
    public static func mouseAction(forButtonState state: mmask_t) -> Mouse.Action? {
        if state & (coffer_button1_pressed() | coffer_button1_clicked()) != 0 { return .click }
        if state & (coffer_button3_pressed() | coffer_button3_clicked()) != 0 { return .rightClick }
        if state & coffer_button4_pressed() != 0 { return .wheelUp }
        if state & coffer_button5_pressed() != 0 { return .wheelDown }
        return nil
    }
}
