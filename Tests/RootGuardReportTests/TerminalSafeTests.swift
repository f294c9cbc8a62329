import RootGuardModel
import Testing

@Suite struct TerminalSafeTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("\u{1B}[2J", "\\x1b[2J"),
        ("\u{1B}]0;owned\u{07}", "\\x1b]0;owned\\x07"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\u{9B}31m", "\\x9b31m"),
        ("\u{7F}", "\\x7f"),
        ("evil\u{202E}txt.exe", "evil\\u{202E}txt.exe"),
        ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
        ("café ☕ 日本", "café ☕ 日本"),
    ])
    func controlAndBidiCharactersAreShownEscaped(input: String, expected: String) {
        #expect(TerminalSafe.escape(input) == expected)
    }

    @Test func nothingEscapedContainsAControlByte() {
        let all = String(String.UnicodeScalarView((0..<0x300).compactMap(Unicode.Scalar.init)))
        let escaped = TerminalSafe.escape(all + "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{200E}\u{200F}\u{061C}")
        #expect(!escaped.unicodeScalars.contains { TerminalSafe.needsEscapeForTests($0) })
    }

    @Test(arguments: [
        (1, "identity", "1 identity"), (2, "identity", "2 identities"), (3, "key", "3 keys"),
        (0, "detection", "0 detections"), (2, "day", "2 days"),
    ])
    func messagesArePluralisedProperly(_ count: Int, _ noun: String, _ expected: String) {
        #expect(plural(count, noun) == expected)
    }
}
