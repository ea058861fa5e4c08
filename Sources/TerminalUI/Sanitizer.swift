/// Makes untrusted text safe to show: no control character or escape sequence survives.
///
/// Removes whole escape sequences (ESC/CSI/OSC/DCS/SOS/PM/APC, 7- and 8-bit forms),
/// BEL, NUL and every other C0/C1 control, DEL, bidirectional overrides and isolates
/// (U+202A–202E, U+2066–2069), directional marks and other invisible format controls
/// that could reorder or hide text. Tabs, newlines and other line breaks become spaces.
/// ``Buffer`` applies it to every write, so data can never reach the terminal raw.
public enum Sanitizer {
    /// The text with controls removed and line breaks turned into spaces.
    public static func clean(_ text: String) -> String {
        // Fast path: printable ASCII is already safe.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        var mode = Mode.text
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch mode {
            case .text:
                break
            case .escape:
                // ESC seen: decide which sequence it opens.
                switch v {
                case 0x5B: mode = .csi                    // [
                case 0x5D: mode = .string(endsOnBell: true) // ]
                case 0x50, 0x58, 0x5E, 0x5F: mode = .string(endsOnBell: false) // P X ^ _
                case 0x20...0x2F: mode = .escapeIntermediate
                default: mode = .text                     // two-byte escape: drop the final too
                }
                continue
            case .escapeIntermediate:
                if !(0x20...0x2F).contains(v) { mode = .text }
                continue
            case .csi:
                if (0x40...0x7E).contains(v) || v == 0x1B { mode = v == 0x1B ? .escape : .text }
                continue
            case .string(let bell):
                if v == 0x9C || (bell && v == 0x07) { mode = .text }
                else if v == 0x1B { mode = .stringEscape(endsOnBell: bell) }
                continue
            case .stringEscape(let bell):
                // ESC \ ends the string; anything else keeps us inside it.
                mode = v == 0x5C ? .text : .string(endsOnBell: bell)
                continue
            }
            switch v {
            case 0x1B: mode = .escape
            case 0x9B: mode = .csi
            case 0x9D: mode = .string(endsOnBell: true)
            case 0x90, 0x98, 0x9E, 0x9F: mode = .string(endsOnBell: false)
            case 0x0A where previousWasCR: break       // CR LF is one break
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
                out.append(" ")
            default:
                if !isRemoved(v) { out.append(scalar) }
            }
            previousWasCR = v == 0x0D
        }
        return String(out)
    }

    /// True for scalars that are never shown: controls, DEL, bidi and invisible format controls.
    static func isRemoved(_ v: UInt32) -> Bool {
        switch v {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true // bidi
        case 0x2060...0x2064, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFB: return true // invisible
        // Zero-width space and (non-)joiners: terminals disagree on their width and on the joined
        // emoji's, so a row holding one could shift by a column; without them widths are known.
        case 0x200B...0x200D: return true
        default: return false
        }
    }

    private enum Mode {
        case text, escape, escapeIntermediate, csi
        case string(endsOnBell: Bool)
        case stringEscape(endsOnBell: Bool)
    }
}
