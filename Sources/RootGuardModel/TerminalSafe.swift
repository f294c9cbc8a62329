/// Makes text from AWS, a log file or a snapshot safe to print on a terminal: every control character (C0, DEL,
/// C1: so ESC, CSI and OSC sequences cannot start), line and paragraph separators and the bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) are shown escaped (`\x1b`, `\n`,
/// `\u{202E}`) instead of acting. Machine formats (JSON, CSV, SARIF…) keep the original value.
public enum TerminalSafe {
    public static func escape(_ text: String) -> String {
        // Fast path: nothing to escape (the common case).
        if !text.unicodeScalars.contains(where: needsEscape) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x100: out += "\\x" + hex(scalar.value, width: 2)
            default: out += "\\u{" + hex(scalar.value, width: 4) + "}"
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: value > 0xFF)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension TerminalSafe {
    /// For tests: whether a character would be escaped.
    public static func needsEscapeForTests(_ scalar: Unicode.Scalar) -> Bool { needsEscape(scalar) }
}
