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
