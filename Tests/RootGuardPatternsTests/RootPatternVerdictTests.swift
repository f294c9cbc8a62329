import Testing

@testable import RootGuardPatterns

@Suite("Root-activity patterns judged by what they match")
struct RootPatternVerdictTests {
    static let cisQuoted =
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#
    static let cisUnquoted =
        "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }"
    static let securityHub =
        #"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#

    @Test(arguments: [cisQuoted, cisUnquoted, securityHub])
    func theCISAndSecurityHubFormsAreAllProven(_ pattern: String) {
        let verdict = RootPatternVerdicts.metricFilter(pattern)
        #expect(verdict.isProven, "\(verdict.summary)")
        #expect(verdict.noisy.isEmpty)
        #expect(!verdict.catchesLegacyConsoleActions)
    }

    /// Anyone who may create a metric filter can plant a regex; judging it costs time linear in the events (it stalled
    /// audit for 71 s, or forever with twelve `.*`, under a backtracking engine).
    @Test func aPlantedCatastrophicRegexIsJudgedAtOnce() {
        let planted = String(repeating: ".*", count: 12) + "X"
        let verdict = RootPatternVerdicts.metricFilter(
            #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.userAgent != %\#(planted)% }"#
        )
        #expect(verdict.isProven, "\(verdict.summary)")
        let invalid = RootPatternVerdicts.metricFilter(#"{ $.userIdentity.type = %Ro[ot% }"#)
        #expect(!invalid.isProven)
        #expect(invalid.summary.contains("regular expression %Ro[ot%: unterminated"), "\(invalid.summary)")
    }

    @Test func parenthesesAndReorderingStillPass() {
        // Security Hub's exact-text check rejects these (quickstart-compliance-cis-benchmark #32).
        let verdict = RootPatternVerdicts.metricFilter(
            #"{ ($.eventType != "AwsServiceEvent") && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root") }"#
        )
        #expect(verdict.isProven)
    }

    @Test func aPatternNarrowedBySourceIPFails() {
        let verdict = RootPatternVerdicts.metricFilter(
            #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.sourceIPAddress = "203.0.113.*" }"#
        )
        #expect(!verdict.isProven)
        #expect(verdict.missed.map(\.id) == ["root-api-call-access-key", "root-assume-root-session-action"])
        #expect(verdict.summary.hasPrefix("misses root API call with a long-term access key"))
    }

    @Test func withoutTheInvokedByClauseItPassesButIsNoisy() {
        let verdict = RootPatternVerdicts.metricFilter(
            #"{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }"#)
        #expect(verdict.isProven)
        #expect(verdict.noisy.map(\.id) == ["root-service-invoked"])
        #expect(verdict.catchesLegacyConsoleActions)
        #expect(verdict.summary.contains("noisy"))
    }

    @Test func broadOrWrongPatternsAreCaught() {
        let everything = RootPatternVerdicts.metricFilter(
            #"{ $.userIdentity.type = "Root" || $.eventName = "ConsoleLogin" }"#)
        #expect(everything.wronglyMatched.map(\.id) == ["iam-user-console-sign-in"])
        let substring = RootPatternVerdicts.metricFilter("Root")
        #expect(substring.wronglyMatched.map(\.id).contains("role-named-root"))
        let signInOnly = RootPatternVerdicts.metricFilter(
            #"{ $.userIdentity.type = "Root" && $.eventName = "ConsoleLogin" }"#)
        #expect(Set(signInOnly.missed.map(\.category)) == [.rootAPI])
        let broken = RootPatternVerdicts.metricFilter(#"{ $.userIdentity.type = "Root" "#)
        #expect(broken.error != nil && !broken.isProven)
    }

    static let signInRule =
        #"{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}"#
    static let apiRule = #"{"detail-type":["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}"#

    @Test func eventBridgeRulesAreJudgedPerCategory() {
        #expect(RootPatternVerdicts.coveredCategories(ofEventRule: Self.signInRule) == [.rootSignIn])
        #expect(RootPatternVerdicts.coveredCategories(ofEventRule: Self.apiRule) == [.rootAPI])
        #expect(
            RootPatternVerdicts.coveredCategories(ofEventRule: #"{"detail":{"userIdentity":{"type":["Root"]}}}"#) == [
                .rootSignIn, .rootAPI,
            ])
        let viaSource =
            #"{"source":["aws.signin"],"detail":{"userIdentity":{"arn":[{"suffix":":root"}]},"eventName":["ConsoleLogin"]}}"#
        #expect(RootPatternVerdicts.coveredCategories(ofEventRule: viaSource) == [.rootSignIn])
        let successOnly = RootPatternVerdicts.eventRule(
            #"{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]},"responseElements":{"ConsoleLogin":["Success"]}}}"#,
            covering: [.rootSignIn])
        #expect(successOnly.missed.map(\.id) == ["root-console-sign-in-failure"])
        let byName = RootPatternVerdicts.eventRule(
            #"{"detail":{"userIdentity":{"arn":[{"wildcard":"*Root*"}]}}}"#, covering: [.rootAPI])
        #expect(byName.wronglyMatched.map(\.id) == ["role-named-root"])
    }
}
