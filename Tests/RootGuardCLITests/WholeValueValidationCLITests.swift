import Foundation
import RootGuardAWS
import RootGuardModel
import Testing

/// Options validated by a pattern are validated whole: a trailing line break (which ICU's `$` lets through) never
/// reaches a DDL's LOCATION, a Terraform file or a request.
/// The bundled example incident's log folder.
private let exampleLogs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/incident/logs").path

@Suite struct WholeValueValidationCLITests {
    @Test(arguments: [
        ["trail", "athena", "--print-ddl", "--bucket", "org-trail\n"],
        ["trail", "athena", "--print-ddl", "--bucket", "org-trail", "--org-id", "o-abcdefghij\n"],
        ["trail", "athena", "--print-sql", "--table", "cloudtrail_logs\n"],
        ["trail", "athena", "--print-sql", "--database", "default\n"],
        ["trail", "athena", "--print-sql", "--region", "us-east-1\n", "--account", "111122223333"],
        ["trail", "athena", "--workgroup", "primary\n"],
        ["harden", "monitoring", "--trail-bucket", "org-trail\n"],
        ["harden", "monitoring", "--regions", "us-east-1\n"],
        ["harden", "scp", "--target", "r-abcd\n"],
        ["harden", "scp", "--target", "١١١١٢٢٢٢٣٣٣٣"],
    ])
    func aTrailingLineBreakOrForeignDigitsAreAUsageError(_ arguments: [String]) throws {
        let result = try CLI.run(arguments, environment: [:])
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("org-trail\n"))
    }

    /// A region that no partition has is refused before any work, with an endpoint too (it had exited 0 and judged
    /// Security Hub "not enabled in af-south-1").
    @Test(arguments: [
        ["whoami", "--region", "us-est-1"], ["audit", "--region", "us-est-1"],
        ["harden", "org-root-access", "--region", "US-EAST-1"], ["whoami", "--region", "us-east-1\n"],
    ])
    func aRegionNoPartitionHasIsAUsageError(_ arguments: [String]) throws {
        let result = try CLI.run(arguments + ["--endpoint-url", "http://127.0.0.1:9"], environment: [:])
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("--region: '"), "\(result.stderr)")
    }

    /// Each of these exited 0 ("No root activity found"), 1 or 4 — or, for unlock-queue, 1 after writing its
    /// approval: one validator per kind of value now refuses them before any work (#36).
    @Test(arguments: [
        ["trail", exampleLogs, "--region", "us-east-1\n"], ["trail", exampleLogs, "--region", "US-EAST-1"],
        ["trail", exampleLogs, "--region", "us-east-1 "], ["trail", exampleLogs, "--region", "us-east-١"],
        ["trail", "lookup", "--region", "us-east-1\n"],
        [
            "respond", "--account", "111122223333", "--since", "1h", "--offline", "--logs", exampleLogs, "--notify",
            "https://",
        ],
        [
            "respond", "--account", "111122223333", "--since", "1h", "--offline", "--logs", exampleLogs, "--notify",
            "https:https://x",
        ],
        [
            "respond", "--account", "111122223333", "--since", "1h", "--offline", "--logs", exampleLogs, "--notify",
            "http://hooks.example.com/x",
        ],
        [
            "watch", "--queue-url", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--webhook",
            "http://hooks.example.com/x",
        ],
        ["watch", "--queue-url", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--webhook", "https://"],
        [
            "watch", "--queue-url", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--webhook",
            "http://127.example.com/x",
        ],
    ])
    func oneValidatorPerValueKind(_ arguments: [String]) throws {
        let result = try CLI.run(arguments + ["--endpoint-url", "http://127.0.0.1:9"], environment: [:])
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(!result.stderr.contains("hooks.example.com/x"), "a webhook is not echoed")
    }

    /// A wildcard or root in the quarantine's break-glass list spared everyone (or root itself), and the account was
    /// reported contained.
    @Test(arguments: [
        ("arn:aws:iam::111122223333:*", "wildcard"), ("arn:aws:iam::*:root", "wildcard"),
        ("arn:aws:iam::111122223333:root", "is root"), ("arn:aws:iam::111122223333:role/Break?Glass", "wildcard"),
    ])
    func aWildcardOrRootBreakGlassPrincipalIsRefused(_ principal: String, _ why: String) throws {
        let result = try CLI.run(
            [
                "respond", "--account", "111122223333", "--since", "1h", "--logs", exampleLogs, "--quarantine",
                "--allow-principal", principal, "--endpoint-url", "http://127.0.0.1:9",
            ], environment: [:])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(why), "\(result.stderr)")
    }

    @Test(arguments: [
        "https://sqs.us-east-1.amazonaws.com/111122223333/q\n", "https://sqs.us-east-1.amazonaws.com/١١١١٢٢٢٢٣٣٣٣/q",
        "https://sqs.us-east-1.amazonaws.com/111122223333/q q",
    ])
    func aBadQueueURLIsRefusedBeforeItsApprovalIsWritten(_ url: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-uq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let approvals = folder.appendingPathComponent("approvals.yaml")
        let result = try CLI.run(
            [
                "root-task", "unlock-queue", "--account", "111122223333", "--queue-url", url, "--reason", "INC-1",
                "--approvals", approvals.path, "--endpoint-url", "http://127.0.0.1:9",
            ], environment: [:])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: approvals.path))
    }

    /// `--evidence` on a link to nowhere or under a file passed the upfront check and failed at the end, after
    /// containment (and `--notify` then sent nothing): a probe write refuses it before any work now.
    @Test func evidenceThatCannotBeWrittenIsRefusedBeforeAnyWork() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-ev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dangling = folder.appendingPathComponent("evidence")
        try FileManager.default.createSymbolicLink(
            atPath: dangling.path, withDestinationPath: folder.appendingPathComponent("gone/nowhere").path)
        for target in [dangling.path, "/dev/null/evidence"] {
            let result = try CLI.run(
                [
                    "respond", "--account", "111122223333", "--since", "1h", "--offline", "--logs", exampleLogs,
                    "--evidence", target,
                ],
                environment: [:])
            #expect(result.status == 64, "\(target): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("--evidence:"), "\(result.stderr)")
        }
        let fine = folder.appendingPathComponent("new")
        let ok = try CLI.run(
            [
                "respond", "--account", "111122223333", "--since", "1h", "--offline", "--logs", exampleLogs,
                "--evidence", fine.path,
            ],
            environment: [:])
        #expect(ok.status != 64, "\(ok.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: fine.appendingPathComponent("manifest.json").path), "\(ok.stderr)")
    }

    @Test func theWholeValueMustMatch() {
        #expect("org-trail".matchesWhole(#"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#))
        #expect(!"org-trail\n".matchesWhole(#"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#))
        #expect(!"x org-trail".matchesWhole(#"[a-z-]+"#))
        #expect(MonitoringFacts.isRegionName("eu-west-1") && !MonitoringFacts.isRegionName("eu-west-1\n"))
    }
}

/// Regions are checked against the partition of the configured region (botocore's list) before anything is planned:
/// `cn-north-1` or `us-gov-west-1` cannot be reached with `aws` credentials, and a typo is no region.
@Suite struct PartitionRegionCLITests {
    @Test(arguments: [
        (
            ["harden", "monitoring", "--regions", "us-east-1,cn-north-1"],
            "'cn-north-1' is a region of partition aws-cn"
        ),
        (["harden", "watch", "--regions", "us-gov-west-1"], "'us-gov-west-1' is a region of partition aws-us-gov"),
        (["audit", "--example", "insecure", "--regions", "us-east-7"], "'us-east-7' is not a region of partition aws"),
        (
            ["harden", "watch", "--region", "cn-north-1", "--regions", "cn-north-1,eu-west-1"],
            "'eu-west-1' is a region of partition aws,"
        ),
    ])
    func aRegionOfAnotherPartitionIsAUsageError(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(
            arguments, environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"])
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func everyPartitionKnowsItsRegions() {
        #expect(AWSPartition.aws.problem(with: ["us-east-1", "eu-west-1", "ap-southeast-7"]) == nil)
        #expect(AWSPartition.awsCN.problem(with: ["cn-north-1", "cn-northwest-1"]) == nil)
        #expect(AWSPartition.awsUSGov.problem(with: ["us-gov-east-1"]) == nil)
        #expect(AWSPartition.aws.regions.count > 30)
    }
}

/// A usage error about a webhook never repeats the URL: its path is often the secret.
@Suite struct WebhookSecretCLITests {
    @Test func anInvalidWebhookIsRefusedWithoutEchoingIt() throws {
        let result = try CLI.run(
            [
                "watch", "--queue-url", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "--webhook",
                "hooks.example.com/services/T000/B000/supersecrettoken",
            ],
            environment: [:])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--webhook must be an https:// URL"))
        #expect(!result.stderr.contains("supersecrettoken") && !result.stdout.contains("supersecrettoken"))
    }
}

/// Colour on a terminal only when it can show it: TERM=dumb turns it off, and NO_COLOR only when set and non-empty.
@Suite struct TerminalColourCLITests {
    @Test(arguments: [
        (["TERM": "xterm"], true), (["TERM": "dumb"], false), (["TERM": "xterm", "NO_COLOR": "1"], false),
        (["TERM": "xterm", "NO_COLOR": ""], true),
    ])
    func colourFollowsTheConventions(_ environment: [String: String], _ coloured: Bool) throws {
        let result = try CLI.runOnTerminal(
            ["audit", "--example", "insecure"],
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a })
        #expect(result.stdout.contains("ROOT-BP 01"), "\(result.stdout.prefix(200))")
        #expect(result.stdout.contains("\u{1B}[") == coloured, "\(environment)")
    }
}

/// Input files are read before any AWS call: with an endpoint nothing answers on, the error is the file's.
@Suite struct InputsBeforeWorkCLITests {
    @Test func aBadAttestationsFileFailsBeforeAnyCollection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("attestations.yaml")
        try Data("attestations:\n  - practise: \"06\"\n".utf8).write(to: file)
        let result = try CLI.run(
            ["audit", "--endpoint-url", "http://127.0.0.1:9", "--attestations", file.path, "--max-attempts", "1"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("attestations.yaml"), "\(result.stderr)")
        #expect(!result.stderr.contains("127.0.0.1"), "the file is named, not a connection: \(result.stderr)")
    }

    /// Every file option is read and checked before the first AWS call (the endpoint here refuses connections: an
    /// error about it would mean the file was read too late).
    @Test func everyBadFileOptionFailsBeforeAnyAWSCall() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.yaml")
        try Data("approvals: [{account: \"1\"}]\n".utf8).write(to: bad)
        let aws = ["--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1"]
        for arguments in [
            ["trail", "s3://bucket/prefix", "--approvals", bad.path],
            ["trail", "athena", "--account", "111122223333", "--approvals", bad.path],
            ["watch", "--queue-url", "http://127.0.0.1:9/1/q", "--approvals", bad.path],
            ["harden", "contacts", "--contacts", bad.path],
            ["audit", "--baseline", bad.path],
            ["audit", "--snapshot", bad.path],
        ] {
            let result = try CLI.run(
                arguments + aws,
                environment: ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("bad.yaml"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("connection"), "\(arguments) read its file too late: \(result.stderr)")
        }
    }
}
