import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

/// Unknown is never pass: an audit whose credentials can read nothing, and a diff against the day it could.
@Suite("No false assurance: unknown is not pass", .motoServer, .serialized)
struct NoFalseAssuranceCLITests {
    struct Report: Decodable {
        struct Finding: Decodable {
            let checkId: String
            let status: String
            let severity: String
            let notEvaluatedCause: String?
        }
        let findings: [Finding]
    }

    /// Monday: an administrator's audit. Friday: the same account with credentials that may only ask who they are.
    static func mondayAndFriday(_ moto: MotoServer) async throws -> (monday: URL, friday: [String: String]) {
        try await MotoScenarios.insecure(moto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-nfa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let monday = folder.appendingPathComponent("monday.json")
        let admin = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        let run = try CLI.run(
            [
                "audit", "--endpoint-url", moto.endpoint, "--output", "json", "--output-file", monday.path,
                "--regions", "us-east-1", "--report-wait", "20",
            ],
            environment: admin)
        #expect(run.status == 0, "\(run.stderr)")
        let keys = try await moto.client().using { client -> (String, String) in
            _ = try await client.iam().createUser(.init(userName: "friday"))
            let onlyWhoAmI =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#
            _ = try await client.iam().putUserPolicy(
                .init(userName: "friday", policyName: "whoami", policyDocument: .init(json: onlyWhoAmI)))
            let key = try await client.iam().createAccessKey(.init(userName: "friday")).accessKey!
            return (key.accessKeyId!, key.secretAccessKey!)
        }
        return (monday, ["AWS_ACCESS_KEY_ID": keys.0, "AWS_SECRET_ACCESS_KEY": keys.1])
    }

    static func friday(_ moto: MotoServer, _ environment: [String: String], _ extra: [String]) throws -> CLI.Result {
        try CLI.run(
            ["audit", "--endpoint-url", moto.endpoint, "--regions", "us-east-1", "--report-wait", "5"] + extra,
            environment: environment)
    }

    @Test func anAuditThatCouldReadNothingFailsTheGateAndTheDiffSaysCoverageWasLost() async throws {
        let moto = try await MotoServer.fresh()
        let (monday, friday) = try await Self.mondayAndFriday(moto)
        try await moto.setAuthentication(true)
        let json = try Self.friday(moto, friday, ["--output", "json"])
        let gate = try Self.friday(moto, friday, ["--fail-on", "info"])
        let accepted = try Self.friday(moto, friday, ["--fail-on", "info", "--allow-not-evaluated"])
        let baseline = try Self.friday(moto, friday, ["--fail-on", "low", "--baseline", monday.path])
        let baselineAccepted = try Self.friday(
            moto, friday,
            ["--fail-on", "low", "--baseline", monday.path, "--allow-not-evaluated", "--allow-coverage-loss"])
        try await moto.setAuthentication(false)

        // The report says which NOT_EVALUATED are unknown and which are out of scope.
        #expect(json.status == 0, "\(json.stderr)")
        // Without --fail-on, still one line saying how many findings could not read their data (it had said nothing).
        let notes = json.stderr.split(separator: "\n").filter { $0.contains("could not be evaluated because") }
        #expect(notes.count == 1 && notes[0].hasPrefix("note: "), "\(json.stderr)")
        #expect(notes.first?.contains("unknown is not a pass") == true)
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        let notEvaluated = report.findings.filter { $0.status == "NOT_EVALUATED" }
        #expect(notEvaluated.count >= 10)
        #expect(
            notEvaluated.allSatisfy { $0.notEvaluatedCause == "unreadable" || $0.notEvaluatedCause == "outOfScope" })
        #expect(notEvaluated.contains { $0.notEvaluatedCause == "unreadable" && $0.severity != "info" })
        #expect(report.findings.filter { $0.status != "NOT_EVALUATED" }.allSatisfy { $0.notEvaluatedCause == nil })
        #expect(!report.findings.contains { $0.status == "PASS" })

        // Unknown is not pass: the gate fails and says why; the user can accept it explicitly.
        #expect(gate.status == 2, "\(gate.stdout)\n\(gate.stderr)")
        #expect(gate.stderr.contains("could not be evaluated because their data could not be read"))
        #expect(gate.stderr.contains("unknown is not a pass"))
        #expect(gate.stdout.contains("could not be read,"))
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("accepted with --allow-not-evaluated"))

        // Against Monday, Friday lost coverage: a regression, not a fix.
        #expect(baseline.status == 2)
        #expect(baseline.stdout.contains("Coverage lost: judged before, not evaluated now"))
        #expect(baseline.stdout.contains("Fixed (0)"))
        #expect(baselineAccepted.status == 0, "\(baselineAccepted.stdout)\n\(baselineAccepted.stderr)")
        #expect(baselineAccepted.stdout.contains("accepted with --allow-coverage-loss"))
    }

    @Test func diffCallsOnlyFailToPassOrNotApplicableFixedAndCoverageLossARegression() async throws {
        let moto = try await MotoServer.fresh()
        let (monday, friday) = try await Self.mondayAndFriday(moto)
        try await moto.setAuthentication(true)
        let fridayReport = try Self.friday(moto, friday, ["--output", "json"])
        try await moto.setAuthentication(false)
        let fridayFile = monday.deletingLastPathComponent().appendingPathComponent("friday.json")
        try fridayReport.stdout.write(to: fridayFile, atomically: true, encoding: .utf8)

        let text = try CLI.run(["diff", monday.path, fridayFile.path], environment: [:])
        #expect(text.status == 2)
        #expect(text.stdout.contains("Fixed (0)"))
        #expect(text.stdout.contains("FAIL → NOT_EVALUATED"))
        #expect(text.stdout.contains("Regression: ") && text.stdout.contains("lost coverage"))
        #expect(!text.stdout.contains("No regression"))

        let json = try CLI.run(["diff", monday.path, fridayFile.path, "--output", "json"], environment: [:])
        #expect(json.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["fixed"] as? [Any])?.isEmpty == true)
        #expect(((object?["coverageLost"] as? [Any])?.count ?? 0) >= 5)
        #expect(object?["coverageLossAccepted"] as? Bool == false)

        let accepted = try CLI.run(["diff", monday.path, fridayFile.path, "--allow-coverage-loss"], environment: [:])
        #expect(accepted.status == 0)
        #expect(accepted.stdout.contains("No regression; "))
        // And the reverse direction (Friday → Monday) regains coverage without calling anything fixed that was not.
        let back = try CLI.run(["diff", fridayFile.path, monday.path], environment: [:])
        #expect(back.stdout.contains("Fixed (0)"))
    }
}
