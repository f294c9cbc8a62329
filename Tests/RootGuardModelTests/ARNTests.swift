import Foundation
import RootGuardModel
import Testing

@Suite struct ARNTests {
    @Test func theSixFieldsAreParsedAndTheResourceKeepsItsColons() throws {
        let arn = try ARN.parse("arn:aws-cn:logs:cn-north-1:111122223333:log-group:trail:*")
        #expect(arn.partition == "aws-cn")
        #expect(arn.service == "logs")
        #expect(arn.region == "cn-north-1")
        #expect(arn.account == "111122223333")
        #expect(arn.resource == "log-group:trail:*")
        #expect(arn.rawValue == "arn:aws-cn:logs:cn-north-1:111122223333:log-group:trail:*")
    }

    @Test func globalAndAccountlessARNs() throws {
        let bucket = try ARN.parse("arn:aws:s3:::my-bucket")
        #expect(bucket.region.isEmpty && bucket.account == nil && bucket.resource == "my-bucket")
        let managed = try ARN.parse("arn:aws:iam::aws:policy/AdministratorAccess")
        #expect(managed.accountField == "aws" && managed.account == nil)
        #expect(managed.resourceName == "AdministratorAccess")
        #expect(try ARN.parse("arn:aws:iam::111122223333:root").account == "111122223333")
    }

    @Test(arguments: [
        "", "arn", "arn:aws:sns", "arn::sns:us-east-1:111122223333:t", "urn:aws:sns:a:b:c", "x:y:z:a:b:c",
    ])
    func whatIsNotAnARNIsRefusedWithItsText(_ text: String) {
        #expect(ARN(rawValue: text) == nil)
        #expect(throws: ARN.Invalid.self) { try ARN.parse(text, what: "--sns-topic") }
    }

    @Test func theErrorIsOneEscapedLine() {
        let error = #expect(throws: ARN.Invalid.self) { try ARN.parse("arn\u{1B}[2J\n", what: "--notify topic") }
        #expect(error?.description.contains("\u{1B}") == false && error?.description.contains("\n") == false)
        #expect(error?.description.hasPrefix("--notify topic must be an ARN") == true)
    }

    @Test func topicsAreSNSWithARegionAnAccountAndAName() {
        #expect(ARN(rawValue: "arn:aws:sns:us-east-1:111122223333:alerts")?.isSNSTopic == true)
        #expect(ARN(rawValue: "arn:aws:sns:us-east-1:111122223333:alerts:sub-id")?.isSNSTopic == false)
        #expect(ARN(rawValue: "arn:aws:sqs:us-east-1:111122223333:alerts")?.isSNSTopic == false)
        #expect(ARN(rawValue: "arn:aws:sns::111122223333:alerts")?.isSNSTopic == false)
        #expect(ARN(rawValue: "arn:aws:sns:us-east-1:aws:alerts")?.isSNSTopic == false)
    }

    @Test func theFirstAccountOfAnARNLikeTextIsFound() {
        #expect(ARN.firstAccount(in: "111122223333") == "111122223333")
        #expect(ARN.firstAccount(in: "arn:aws:iam::444455556666:root") == "444455556666")
        #expect(ARN.firstAccount(in: "arn:aws:iam::aws:policy/x") == nil)
        #expect(ARN.firstAccount(in: "١١١١٢٢٢٢٣٣٣٣") == nil)  // digits, but not ASCII ones
    }

    @Test func anARNEncodesAsItsText() throws {
        let arn = try ARN.parse("arn:aws:sns:eu-west-1:111122223333:t")
        let data = try JSONEncoder().encode([arn])
        #expect(String(decoding: data, as: UTF8.self) == #"["arn:aws:sns:eu-west-1:111122223333:t"]"#)
        #expect(try JSONDecoder().decode([ARN].self, from: data) == [arn])
        #expect(throws: (any Error).self) { try JSONDecoder().decode([ARN].self, from: Data(#"["nope"]"#.utf8)) }
    }
}

@Suite struct JSONTextTests {
    struct Sample: Codable { var b = "x/y"; var a = Date(timeIntervalSince1970: 0) }

    @Test func keysAreSortedSlashesKeptAndDatesISO8601() throws {
        #expect(try JSONText.string(Sample(), .compact) == #"{"a":"1970-01-01T00:00:00Z","b":"x/y"}"#)
        #expect(
            try JSONText.string(Sample(), .pretty) == "{\n  \"a\" : \"1970-01-01T00:00:00Z\",\n  \"b\" : \"x/y\"\n}")
    }
}

@Suite struct NotEvaluatedCauseTests {
    static func finding(_ status: Status, _ severity: Severity = .high, cause: NotEvaluatedCause? = nil) -> Finding {
        Finding(
            checkId: "c", status: status, severity: severity, accountId: "111122223333", resource: "r", message: "m",
            compliance: [:], remediation: "", notEvaluatedCause: cause)
    }

    @Test func aNotEvaluatedFindingWithoutACauseIsUnknownAndOthersHaveNone() {
        #expect(Self.finding(.notEvaluated).notEvaluatedCause == .unreadable)
        #expect(Self.finding(.notEvaluated).isUnreadable)
        #expect(Self.finding(.notEvaluated, cause: .outOfScope).isOutOfScope)
        #expect(Self.finding(.pass, cause: .outOfScope).notEvaluatedCause == nil)
        #expect(!Self.finding(.fail).isUnreadable)
    }

    @Test func theCauseIsInTheJSONOnlyForNotEvaluatedAndAnOldReportReadsAsUnknown() throws {
        let encoded = try JSONText.string(
            [Self.finding(.notEvaluated, cause: .outOfScope), Self.finding(.pass)], .compact)
        #expect(encoded.components(separatedBy: "notEvaluatedCause").count == 2)
        #expect(encoded.contains(#""notEvaluatedCause":"outOfScope""#))
        let old =
            #"{"checkId":"c","status":"NOT_EVALUATED","severity":"high","accountId":"111122223333","region":null,"resource":"r","message":"m","compliance":{},"evidence":{},"remediation":""}"#
        let decoded = try JSONDecoder().decode(Finding.self, from: Data(old.utf8))
        #expect(decoded.isUnreadable)
    }

    @Test func theGateFailsOnUnknownAtOrAboveItsSeverityUnlessAccepted() {
        let report = ReportV1(
            generatedAt: Date(), tool: .init(version: "t"),
            findings: [
                Self.finding(.pass), Self.finding(.notEvaluated, .medium),
                Self.finding(.notEvaluated, .critical, cause: .outOfScope),
            ])
        #expect(report.exitCode(failOn: .high) == 0)  // the unknown one is below high; out of scope never counts
        #expect(report.exitCode(failOn: .medium) == 2)
        #expect(report.exitCode(failOn: .medium, allowNotEvaluated: true) == 0)
        #expect(report.exitCode(failOn: nil) == 0)
        #expect(report.unreadable(atOrAbove: .low).count == 1)
    }
}

@Suite struct JSONInvisibleTests {
    @Test func c1LineSeparatorsAndBidiAreEscapedAndTheValueIsKept() throws {
        let hostile = "a\u{9B}31m\u{202E}b\u{2028}c\u{2066}d\u{7F}"
        let text = try JSONText.string(["k": hostile], .compact)
        #expect(!text.unicodeScalars.contains { ($0.value >= 0x7F && $0.value <= 0x9F) || $0.value == 0x202E })
        #expect(text.contains(#"\u009b"#) && text.contains(#"\u202e"#) && text.contains(#"\u2028"#))
        #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == ["k": hostile])
    }
}
