import RootGuardModel
import Testing

@testable import RootGuardPolicy

@Suite("IAM policy language")
struct PolicyEvaluatorTests {
    func decide(_ policy: String, _ context: RequestContext) throws -> PolicyEvaluator.Decision {
        PolicyEvaluator.evaluate([("p", try PolicyDocument.parse(policy))], context).decision
    }

    @Test(arguments: [
        ("iam:*AccessKey*", "iam:CreateAccessKey", true), ("iam:*accesskey*", "IAM:CreateAccessKey", true),
        ("s3:Get*", "s3:GetObject", true), ("s3:Get?bject", "s3:GetObject", true), ("s3:Get*", "s3:PutObject", false),
        ("*", "anything:AtAll", true),
    ])
    func actionsMatchCaseInsensitivelyWithWildcards(_ pattern: String, _ action: String, _ allowed: Bool) throws {
        let policy = #"{"Statement":{"Effect":"Allow","Action":"\#(pattern)","Resource":"*"}}"#
        #expect(try decide(policy, .init(action: action)) == (allowed ? .allow : .implicitDeny))
    }

    @Test func resourcesAreCaseSensitiveAndNotResourceInverts() throws {
        let policy = #"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::Logs/*"}]}"#
        #expect(try decide(policy, .init(action: "s3:GetObject", resource: "arn:aws:s3:::Logs/a")) == .allow)
        #expect(try decide(policy, .init(action: "s3:GetObject", resource: "arn:aws:s3:::logs/a")) == .implicitDeny)
        let not = #"{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}]}"#
        #expect(try decide(not, .init(action: "s3:GetObject", resource: "arn:aws:s3:::secret/x")) == .implicitDeny)
        #expect(try decide(not, .init(action: "s3:GetObject", resource: "arn:aws:s3:::public/x")) == .allow)
    }

    @Test func explicitDenyWinsAndNotActionAllowLists() throws {
        let policy = #"""
            {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
             {"Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*"}]}
            """#
        #expect(try decide(policy, .init(action: "iam:ListUsers")) == .allow)
        let evaluation = PolicyEvaluator.evaluate(
            [("p", try PolicyDocument.parse(policy))], .init(action: "iam:CreateAccessKey"))
        #expect(evaluation.decision == .explicitDeny)
        #expect(evaluation.deciding.map(\.description) == ["p (Deny): applies"])
    }

    static let keys: [String: [String]] = [
        "aws:PrincipalArn": ["arn:aws:iam::111122223333:root"], "aws:SourceIp": ["203.0.113.7"],
        "aws:MultiFactorAuthPresent": ["false"], "aws:MultiFactorAuthAge": ["3600"],
        "aws:CurrentTime": ["2026-11-21T12:00:00Z"], "aws:TagKeys": ["env", "team"],
        "aws:PrincipalAccount": ["111122223333"],
    ]

    @Test(arguments: [
        (#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#, true),
        (#"{"StringEquals":{"aws:PrincipalAccount":["999","111122223333"]}}"#, true),
        (#"{"StringNotEquals":{"aws:PrincipalAccount":["999","111122223333"]}}"#, false),
        (#"{"StringNotEquals":{"aws:PrincipalAccount":["999","888"]}}"#, true),
        (#"{"StringEqualsIgnoreCase":{"aws:MultiFactorAuthPresent":"FALSE"}}"#, true),
        (#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}"#, true),
        (#"{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}"#, false),
        (#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}"#, true),
        (#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/x"}}"#, true),
        (#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#, true),
        (#"{"Bool":{"aws:MultiFactorAuthPresent":true}}"#, false),
        (#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"7200"}}"#, true),
        (#"{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":3601}}"#, false),
        (#"{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}"#, true),
        (#"{"DateGreaterThan":{"aws:CurrentTime":"2027-01-01"}}"#, false),
        (#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, true),
        (#"{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}"#, false),
        // A missing key: false, except for negated operators, …IfExists and Null.
        (#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#, false),
        (#"{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}"#, true),
        (#"{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}"#, true),
        (#"{"StringEqualsIfExists":{"aws:PrincipalAccount":"999"}}"#, false),
        (#"{"Null":{"aws:AssumedRoot":"true"}}"#, true),
        (#"{"Null":{"aws:PrincipalArn":"true"}}"#, false),
        (#"{"Null":{"aws:PrincipalArn":"false"}}"#, true),
        // Multi-valued keys.
        (#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","cost"]}}"#, true),
        (#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","cost"]}}"#, false),
        (#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env","cost"]}}"#, true),
        (#"{"ForAllValues:StringEquals":{"aws:NoSuchKeys":["x"]}}"#, true),
        (#"{"ForAnyValue:StringEquals":{"aws:NoSuchKeys":["x"]}}"#, false),
        // Several keys or operators: all must hold.
        (
            #"{"StringEquals":{"aws:PrincipalAccount":"111122223333"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            false
        ),
        // Policy variables.
        (#"{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:root"}}"#, true),
        (#"{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::${aws:NoSuch, '111122223333'}:root"}}"#, true),
    ])
    func conditionOperators(_ condition: String, _ holds: Bool) throws {
        let policy = #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(condition)}}"#
        #expect(
            try decide(policy, .init(action: "s3:ListBuckets", keys: Self.keys)) == (holds ? .allow : .implicitDeny),
            "\(condition)")
    }

    @Test(arguments: [
        "not json", #"{"Version":"2012-10-17"}"#, #"{"Statement":{"Effect":"Maybe","Action":"*"}}"#,
        #"{"Statement":{"Effect":"Allow"}}"#, #"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*"}}"#,
        #"{"Statement":{"Effect":"Allow","Action":[1,2]}}"#,
        #"{"Statement":{"Effect":"Allow","Action":"*","Condition":"x"}}"#,
    ])
    func hostilePoliciesAreRejectedNotTrusted(_ policy: String) {
        #expect(throws: PolicyDocument.ParseError.self) { try PolicyDocument.parse(policy) }
    }
}

@Suite("SCPs through the organization hierarchy")
struct SCPEvaluatorTests {
    static let fullAccess = SCPEvaluator.NamedPolicy(
        name: "FullAWSAccess",
        document: try! PolicyDocument.parse(#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#))
    static let denyRoot = SCPEvaluator.NamedPolicy(
        name: "DenyRootUser",
        document: try! PolicyDocument.parse(
            #"""
            {"Statement":[{"Sid":"DenyRoot","Effect":"Deny","Action":"*","Resource":"*",
              "Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]},"Null":{"aws:AssumedRoot":"true"}}}]}
            """#))

    func levels(
        ou: [SCPEvaluator.NamedPolicy], account: [SCPEvaluator.NamedPolicy] = [fullAccess]
    ) -> [SCPEvaluator.Level] {
        [
            .init(target: "r-abcd", policies: [Self.fullAccess]), .init(target: "ou-workloads", policies: ou),
            .init(target: "222222222222", policies: account),
        ]
    }

    @Test func rootInAMemberUnderTheDenyingOUIsDenied() {
        let result = SCPEvaluator.evaluate(
            levels: levels(ou: [Self.fullAccess, Self.denyRoot]),
            .root(account: "222222222222", action: "iam:CreateAccessKey"))
        #expect(!result.permitted)
        #expect(result.explanation == "denied by DenyRootUser#DenyRoot attached to ou-workloads")
    }

    @Test func aMemberOutsideThatOUIsNotDenied() {
        let result = SCPEvaluator.evaluate(
            levels: levels(ou: [Self.fullAccess]), .root(account: "333333333333", action: "iam:CreateAccessKey"))
        #expect(result.permitted)
        #expect(result.explanation == "every level allows it and nothing denies it")
    }

    @Test func anAssumeRootSessionIsExemptedByTheCondition() {
        let result = SCPEvaluator.evaluate(
            levels: levels(ou: [Self.fullAccess, Self.denyRoot]),
            .root(account: "222222222222", action: "iam:DeleteLoginProfile", assumedRoot: true))
        #expect(result.permitted)
    }

    @Test func anIAMRoleIsNotDeniedByTheRootSCP() {
        var context = RequestContext.root(account: "222222222222", action: "s3:ListBuckets")
        context.keys["aws:principalarn"] = ["arn:aws:iam::222222222222:role/Admin"]
        #expect(SCPEvaluator.evaluate(levels: levels(ou: [Self.fullAccess, Self.denyRoot]), context).permitted)
    }

    @Test func everyLevelNeedsAnAllow() {
        let result = SCPEvaluator.evaluate(
            levels: levels(ou: [Self.fullAccess], account: []), .root(account: "222222222222", action: "s3:ListBuckets")
        )
        #expect(!result.permitted)
        #expect(result.explanation == "no SCP attached to 222222222222 allows it")
    }
}

@Suite("SCP levels from collected facts")
struct SCPLevelFactsTests {
    @Test func anUnparsablePolicyIsAnErrorNotADroppedStatement() {
        let facts = SCPLevelFacts(target: "ou-1", policies: [.init(name: "Broken", content: "{not json")])
        let error = #expect(throws: PolicyDocument.ParseError.self) { try SCPEvaluator.Level(facts) }
        #expect(error?.description.hasPrefix("SCP Broken at ou-1: ") == true)
    }
}
