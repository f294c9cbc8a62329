import RootGuardHarden
import Testing

/// HCL strings change no value: only what HCL itself would read differently is escaped (as hclwrite does).
@Suite struct HCLTests {
    @Test(arguments: [
        ("a%20b", #""a%20b""#), ("$5", #""$5""#), ("100%", #""100%""#),
        ("${var.x}", #""$${var.x}""#), ("%{if x}", #""%%{if x}""#), ("$${kept}", #""$$${kept}""#),
        ("say \"hi\"", #""say \"hi\"""#), ("C:\\path", #""C:\\path""#), ("a\nb\tc\rd", #""a\nb\tc\rd""#),
        ("bell\u{07}", #""bell\u0007""#), ("Zoë", #""Zoë""#),
    ])
    func escapedExactlyAsHCLNeeds(_ text: String, _ expected: String) {
        #expect(HCL.string(text) == expected)
    }
}

/// Found by the `harden-inputs` fuzz target: a value starting with a combining mark made the opening quote and the mark
/// one character, so the quoted string no longer began with a quote character.
@Suite struct HCLQuoteTests {
    @Test(arguments: ["\u{0339}x", "\u{200D}x", "x\u{0600}", "\u{0301}", "e\u{0301}"])
    func theQuotesStayCharactersOfTheirOwn(_ value: String) {
        let quoted = HCL.string(value)
        #expect(quoted.first == "\"" && quoted.last == "\"", "\(quoted.unicodeScalars.map { $0.value })")
    }

    @Test func aCombiningMarkInsideIsKept() {
        #expect(HCL.string("e\u{0301}") == "\"e\u{0301}\"")
        #expect(HCL.string("\u{0339}x") == "\"\\u0339x\"")
    }
}
