import Testing

@testable import RootGuardPatterns

@Suite("CloudWatch Logs filter patterns")
struct LogFilterPatternTests {
    // Events in the style of the CloudWatch Logs "filter pattern syntax" documentation.
    static let event = """
        {"eventType":"UpdateTrail","sourceIPAddress":"123.123.123.123","arrayKey":["value","another value"],
         "objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null,"cloudtrail":{"trail_arn":"arn:aws:cloudtrail:us-east-1:123456789012:trail/test"},
         "ThisFlag":true,"bandwidth":75,"latency":50,"user":{"id":1,"email":"John.Stiles@example.com"},"mixed":"42"}
        """

    @Test(arguments: [
        ("{ $.eventType = \"UpdateTrail\" }", true),
        ("{ $.eventType = UpdateTrail }", true),
        ("{ $.eventType = \"Update*\" }", true),
        ("{ $.eventType = \"*Trail\" }", true),
        ("{ $.eventType = \"Delete*\" }", false),
        ("{ $.sourceIPAddress != 123.123.* }", false),
        ("{ $.sourceIPAddress != 10.0.* }", true),
        ("{ $.arrayKey[0] = \"value\" }", true),
        ("{ $.arrayKey[1] = \"another value\" }", true),
        ("{ $.arrayKey[2] = \"value\" }", false),
        ("{ $.objectList[1].id = 2 }", true),
        ("{ $.objectList[1].id > 1 }", true),
        ("{ $.bandwidth > 75 }", false),
        ("{ $.bandwidth >= 75 }", true),
        ("{ $.latency < 100 && $.bandwidth <= 75 }", true),
        ("{ $.latency < 10 || $.bandwidth = 75 }", true),
        ("{ ($.latency < 10 || $.bandwidth = 75) && $.eventType = \"Nope\" }", false),
        ("{ $.user.email = \"John.Stiles@example.com\" }", true),
        ("{ $.user.email = \"john.stiles@example.com\" }", false),
        ("{ $.SomeObject IS NULL }", true),
        ("{ $.ThisFlag IS TRUE }", true),
        ("{ $.ThisFlag IS FALSE }", false),
        ("{ $.missing NOT EXISTS }", true),
        ("{ $.eventType NOT EXISTS }", false),
        ("{ $.eventType EXISTS }", true),
        ("{ $.missing = \"x\" }", false),
        ("{ $.missing != \"x\" }", false),
        ("{ $.mixed = 42 }", true),
        ("{ $.cloudtrail.trail_arn = %trail/te.t$% }", true),
        ("{ $.user.id = 1 && ($.latency = 50 || $.latency = 51) }", true),
    ])
    func jsonPatterns(_ pattern: String, _ expected: Bool) throws {
        #expect(try LogFilterPattern.parse(pattern).matches(Self.event) == expected, "\(pattern)")
    }

    @Test(arguments: [
        ("", true), ("UpdateTrail", true), ("\"UpdateTrail\" latency", true), ("?Nothing ?bandwidth", true),
        ("?Nothing ?Else", false), ("UpdateTrail -latency", false), ("updatetrail", false),
    ])
    func termPatterns(_ pattern: String, _ expected: Bool) throws {
        #expect(try LogFilterPattern.parse(pattern).matches(Self.event) == expected, "\(pattern)")
    }

    @Test(arguments: [
        "{ $.eventType = ", "{ eventType = \"x\" }", "{ $.a = \"x\" ", "{ $.a ~ 1 }", "{ $.a > abc }", "{ $.* = 1 }",
        "[ip, user, status=4*]", "{ $.a NOT THERE }", "{ $.a = 1 } trailing", "\"unterminated",
    ])
    func malformedPatternsAreRejectedWithAMessage(_ pattern: String) {
        let error = #expect(throws: LogFilterPattern.ParseError.self) { try LogFilterPattern.parse(pattern) }
        #expect(error?.description.isEmpty == false)
    }

    @Test func nonJSONEventsNeverMatchJSONPatterns() throws {
        #expect(try !LogFilterPattern.parse("{ $.a = 1 }").matches("a = 1"))
    }
}
