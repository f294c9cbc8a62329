import Foundation
import RootGuardChecks
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import RootGuardTrail
import Testing

/// The reports every format test runs on: both bundled examples, a NOT_EVALUATED-heavy one (nothing could be
/// read), an organization, and the example CloudTrail logs.
enum Reports {
    static func account(_ example: SnapshotFile.Example) throws -> (ReportV1, AuditReportContext) {
        let snapshot = try SnapshotFile.example(example)
        let report = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
        return (
            report,
            .init(partition: "aws", region: snapshot.account.region, subject: "account \(snapshot.account.accountID)")
        )
    }

    /// Every fact unavailable: the findings are NOT_EVALUATED, MANUAL or NOT_APPLICABLE.
    static func notEvaluatedHeavy() throws -> (ReportV1, AuditReportContext) {
        var snapshot = try SnapshotFile.example(.insecure)
        let denied = Unavailable(kind: .accessDenied, reason: "AccessDenied", code: "AccessDenied", action: "iam:Get*")
        snapshot.accountSummary = .unavailable(denied)
        snapshot.credentialReport = .unavailable(denied)
        snapshot.virtualMFADevices = .unavailable(denied)
        snapshot.authorization = .unavailable(denied)
        snapshot.organization = .unavailable(denied)
        snapshot.contactInformation = .unavailable(denied)
        snapshot.monitoring = .unavailable(denied)
        let report = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
        return (report, .init(partition: "aws", region: "us-east-1", subject: "account \(snapshot.account.accountID)"))
    }

    static func organization() throws -> (ReportV1, AuditReportContext) {
        var management = try SnapshotFile.example(.hardened)
        management.account.accountID = "111111111111"
        var member = try SnapshotFile.example(.insecure)
        member.account.accountID = "222222222222"
        let denied = Unavailable(kind: .accessDenied, reason: "denied", code: "AccessDenied", action: "sts:AssumeRoot")
        let organization = OrganizationSnapshot(
            management: management, organizationID: "o-example",
            members: [
                MemberFacts(
                    accountID: "222222222222", name: "workloads", email: "aws-workloads@example.com", state: "ACTIVE",
                    scpLevels: .value([]),
                    rootCredentials: .value(
                        .init(
                            account: "222222222222", loginProfile: true, accessKeys: [], signingCertificates: [],
                            mfaDevices: [])), snapshot: .value(member)),
                MemberFacts(
                    accountID: "333333333333", name: "sandbox", email: "aws-sandbox@example.com", state: "ACTIVE",
                    scpLevels: .unavailable(denied), rootCredentials: .unavailable(denied), snapshot: nil),
            ])
        let report = Evaluator.evaluate(organization, context: .init(now: management.collectedAt))
        return (
            report,
            .init(
                partition: "aws", region: "us-east-1", subject: "organization o-example", organization: organization)
        )
    }

    static var all: [(String, ReportV1, AuditReportContext)] {
        get throws {
            let insecure = try account(.insecure)
            let hardened = try account(.hardened)
            let heavy = try notEvaluatedHeavy()
            let org = try organization()
            return [
                ("insecure", insecure.0, insecure.1), ("hardened", hardened.0, hardened.1),
                ("not-evaluated", heavy.0, heavy.1), ("organization", org.0, org.1),
            ]
        }
    }

    /// The bundled example CloudTrail logs (Panther's compromised-root scenario), through the real local scan and
    /// analysis (what `trail` runs on a folder).
    static func trail() async -> TrailReport {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")
        var problems: [InputProblem] = []
        let files = LocalScan.files(under: [folder.path], filter: TrailFilter(), problems: &problems)
        var scan = LocalScan.scan(
            files: files, jobs: 1, filter: TrailFilter(), progress: { _ in })
        scan.problems += problems
        return TrailAnalysis.analyse(scan, options: TrailAnalysisOptions())
    }
}

/// Runs a program and returns its status, standard output and standard error.
enum Run {
    static func program(_ arguments: [String], input: Data? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self)
        )
    }

    /// Validates `document` against a JSON Schema with Python's jsonschema (installed by Scripts/install-test-deps.sh).
    static func validate(_ document: String, schema: URL) throws -> String? {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.loads(sys.stdin.read())
            errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=lambda e: list(e.path))
            for e in errors[:5]: print(list(e.path), e.message[:200])
            sys.exit(1 if errors else 0)
            """
        let (status, out, err) = try program(["python3", "-c", script, schema.path], input: Data(document.utf8))
        return status == 0 ? nil : out + err
    }
}

extension JSONValue {
    /// The value at a dotted path (`metadata.product.name`); arrays are searched element by element.
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            switch current {
            case .object(let object)?: current = object[String(key)]
            default: return nil
            }
        }
        return current
    }
}
