import Foundation
import Testing

@testable import RootGuardPatterns

@Suite("CloudWatch Logs regular expressions, matched in linear time")
struct FilterRegexTests {
    static let patterns = [
        "abc", "a.c", "^abc", "abc$", "^abc$", "a*b", "a+b", "colou?r", "[abc]", "[a-z]+x", "[^0-9]", "[^a-z]+$",
        #"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"#, "gray|grey", "^a|b$", "a{3}", "a{2,}", "^a{1,2}b", #"\w+@\w+"#, "[-a]",
        "[a-]", #"x\s*y"#, #"\D\W"#, "trail/te.t$", "[Ee]rror|[Ff]ail", ":_#=@/;,-", #"arn:aws:iam::\d{12}:root"#,
        "a?a?a?aaa", #"[\d_]+"#, "^$", ".", "b*",
    ]
    static let texts = [
        "", "abc", "xabcx", "aab", "b", "color", "colour", "colouur", "10.0.0.1", "1.2.3", "grey", "gray", "a", "zb",
        "aaa", "aaaa", "ab", "aab", "aaab", "me@example", "x  y", "xy", "-", "arn:aws:cloudtrail:us:1:trail/test",
        "An Error", "fail", "x:_#=@/;,-y", "arn:aws:iam::123456789012:root", "Ärger é", "#!", "_9_", "a\nb",
    ]

    /// On inputs where backtracking is harmless, the linear engine agrees with ICU's (Foundation's) engine.
    @Test("agrees with a backtracking engine on ordinary expressions", arguments: patterns)
    func agreesWithReference(_ pattern: String) throws {
        let regex = try FilterRegex(pattern)
        let reference = try NSRegularExpression(pattern: pattern)
        for text in Self.texts {
            let expected = reference.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(regex.matches(text) == expected, "%\(pattern)% on \(text.debugDescription)")
        }
    }

    /// `%.*.*.*.*.*.*.*.*X%` stalled audit for 71 s with a backtracking engine, and twelve `.*` did not finish. Here
    /// the work is bounded by (text length + 1) × program size whatever the expression.
    @Test("a planted catastrophic expression is answered at once")
    func catastrophic() throws {
        let text = String(repeating: "a", count: 2_000)
        for count in [8, 12, 40] {
            let regex = try FilterRegex(String(repeating: ".*", count: count) + "X")
            #expect(!regex.matches(text))
            #expect(regex.matches(text + "X"))
        }
        #expect(
            !(try FilterRegex(
                "(a|a)*b".replacingOccurrences(of: "(", with: "[").replacingOccurrences(of: ")", with: "]")))
                .matches(text))
        #expect(!(try FilterRegex("a*a*a*a*a*a*a*a*a*a*a*b")).matches(text))
        #expect(!(try FilterRegex("a{1,200}a{1,200}a{1,200}b")).matches(text))
    }

    @Test(
        "what CloudWatch Logs would refuse is a syntax error",
        arguments: [
            "", "(a)", "a)", "*a", "a**", "[abc", "a{2", "a{3,1}", #"a\"#, "a|", "|a", "a{99999999}", "a{x}", "[z-a]",
            #"\q"#, String(repeating: "a{1000}", count: 30),
        ])
    func refused(_ pattern: String) {
        #expect(throws: FilterRegex.SyntaxError.self, "\(pattern)") { try FilterRegex(pattern) }
    }

    @Test("a filter pattern with an invalid regex is a parse error naming it")
    func parseError() {
        #expect(throws: LogFilterPattern.ParseError.self) {
            try LogFilterPattern.parse(#"{ $.userIdentity.type = %(Root)% }"#)
        }
        let pattern = try? LogFilterPattern.parse(#"{ $.userIdentity.type = %^Roo.$% && $.eventType != %Service% }"#)
        #expect(pattern?.matches(#"{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}"#) == true)
    }
}
