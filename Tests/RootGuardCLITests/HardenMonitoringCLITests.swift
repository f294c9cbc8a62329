import Foundation
import RootGuard
import RootGuardAWS
import RootGuardHarden
import RootGuardModel
import RootGuardTesting
import Testing

/// `harden monitoring` against moto: dry run, apply with the re-audit, an independent audit, idempotence, reuse of
/// what exists, a pending subscriber, infrastructure code checked by the real tools, and bad input.
@Suite("rootguard harden monitoring against moto", .motoServer, .serialized)
struct HardenMonitoringCLITests {
    static let environment = HardenOrganizationCLITests.environment
    static let tools = HardenOrganizationCLITests.tools
    static let regions = ["--regions", "us-east-1,eu-west-1"]
    static let monitoringChecks = [
        "cloudtrail-multi-region-logging", "root-activity-alarm-chain", "root-eventbridge-rules",
        "guardduty-root-findings", "config-root-rules", "securityhub-root-controls",
    ]

    func run(_ moto: MotoServer, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(
            ["harden", "monitoring"] + Self.regions + arguments + ["--endpoint-url", moto.endpoint],
            environment: Self.environment)
    }

    /// check id → status, from `audit --output json`.
    func audit(_ moto: MotoServer) throws -> [String: String] {
        let result = try CLI.run(
            ["audit"] + Self.regions + ["--output", "json", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = report?["findings"] as? [[String: Any]] ?? []
        var statuses: [String: String] = [:]
        for finding in findings {
            if let id = finding["checkId"] as? String, let status = finding["status"] as? String {
                statuses[id] = status
            }
        }
        return statuses
    }

    @Test func onTheInsecureAccountDryRunChangesNothingApplyPassesAndASecondApplyCreatesNothing() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let before = try audit(moto)
        for check in Self.monitoringChecks {
            #expect(before[check] == "FAIL", "\(check) before: \(before[check] ?? "-")")
        }

        let dry = try run(moto, ["--notify", "email:secops@example.com"])
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(dry.stdout.contains("cloudtrail  CreateTrail  rootguard-trail"))
        #expect(
            dry.stdout.contains(
                "events  PutRule+PutTargets  rootguard-root-api-calls (eu-west-1) → event bus of us-east-1"))
        #expect(dry.stdout.contains("PendingConfirmation"))
        let trails = try await moto.client().using { try await $0.cloudTrail().describeTrails().trailList ?? [] }
        #expect(trails.isEmpty, "a dry run created a trail")

        // The account has a third enabled region, which --regions leaves out.
        var root = try await moto.rootState(account: MotoServer.defaultAccount)
        root["enabledRegions"] = ["us-east-1", "eu-west-1", "ap-south-1"]
        try await moto.setRoot(account: MotoServer.defaultAccount, root)
        let applied = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(!applied.stdout.contains("FAILED"))
        for check in Self.monitoringChecks {
            #expect(applied.stdout.contains("PASS          123456789012  \(check)"), "\(check) in the re-audit")
        }
        let after = try audit(moto)
        for check in Self.monitoringChecks { #expect(after[check] == "PASS", "\(check) after: \(after[check] ?? "-")") }
        // The re-audit judged the two regions given: it says so, and names what still fails in the account's other
        // regions (it had only said PASS, while a plain audit still failed there).
        #expect(
            applied.stdout.contains("the re-audit judged only --regions us-east-1, eu-west-1"), "\(applied.stdout)")
        #expect(applied.stdout.contains("still FAIL in ap-south-1"), "\(applied.stdout)")

        // Everything created carries rootguard's name and tag.
        try await moto.client().using { client in
            let topics = try await client.sns().getTopicAttributes(
                .init(topicArn: "arn:aws:sns:us-east-1:123456789012:rootguard-root-alerts"))
            #expect(topics.attributes?["Policy"]?.contains("events.amazonaws.com") == true)
            let role = try await client.iam().getRole(.init(roleName: "rootguard-cloudtrail-to-logs"))
            #expect(role.role?.tags?.contains { $0.key == "managed-by" && $0.value == "rootguard" } == true)
        }

        let again = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.hasPrefix("harden monitoring: nothing to change."))
    }

    @Test func usEast1IsAlwaysCoveredForRootSignIn() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let dry = try CLI.run(
            ["harden", "monitoring", "--regions", "eu-west-1", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(dry.stdout.contains("rootguard-root-sign-in (us-east-1)"), "\(dry.stdout)")
        let watch = try CLI.run(
            ["harden", "watch", "--regions", "eu-west-1", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(watch.stdout.contains("rootguard-watch-root (us-east-1)"), "\(watch.stdout)")
    }

    @Test func anAccountWithOneBrokenLinkGetsOnlyThatLinkAndNothingOfTheirsIsChanged() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.monitored(moto, breaking: .detectorMissing)
        let dry = try run(moto, ["--format", "json"])
        #expect(dry.status == 2)
        let outcome = try JSONDecoder().decode(HardenOutcomeShape.self, from: Data(dry.stdout.utf8))
        #expect(outcome.plan.changes.map { "\($0.action) \($0.resource)" } == ["CreateDetector eu-west-1"])
        let applied = try run(moto, ["--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("PASS          123456789012  guardduty-root-findings"))
    }

    @Test func aStoppedTrailOfTheirsIsNotTouchedAndRootGuardBuildsItsOwn() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.monitored(moto, breaking: .trailStopped)
        let applied = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("note: trail org-trail does not qualify"))
        let status = try await moto.client().using {
            try await $0.cloudTrail().getTrailStatus(.init(name: "org-trail"))
        }
        #expect(status.isLogging == false, "rootguard started a trail it did not create")
        #expect(applied.stdout.contains("PASS          123456789012  root-activity-alarm-chain"))
    }

    @Test func aSubscriberThatHasNotConfirmedIsReportedAsPendingWithExitThree() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        #expect(try run(moto, ["--notify", "email:secops@example.com", "--apply"]).status == 0)
        try await moto.setSubscriptionsPending(topicArn: "arn:aws:sns:us-east-1:123456789012:rootguard-root-alerts")
        let pending = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(pending.status == 3, "\(pending.stdout)\(pending.stderr)")
        #expect(pending.stdout.contains("has not confirmed yet (PendingConfirmation)"))
        #expect(pending.stdout.contains("FAIL          123456789012  root-activity-alarm-chain"))
        #expect(pending.stdout.contains("only pending subscriptions (PendingConfirmation)"))
    }

    @Test func infrastructureCodePassesCfnLintAndParsesAsHCL() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-mon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        let template = try run(moto, ["--notify", "email:secops@example.com", "--format", "cloudformation"])
        #expect(template.status == 0, "\(template.stderr)")
        for type in [
            "AWS::CloudTrail::Trail", "AWS::Logs::MetricFilter", "AWS::CloudWatch::Alarm", "AWS::SNS::TopicPolicy",
            "AWS::Events::Rule", "AWS::GuardDuty::Detector", "AWS::Config::ConfigRule", "AWS::SecurityHub::Standard",
        ] {
            #expect(template.stdout.contains("\"\(type)\""), "\(type) missing from the template")
        }
        let templatePath = folder.appendingPathComponent("monitoring.json")
        try Data(template.stdout.utf8).write(to: templatePath)
        let lint = try CLI.run(
            ["-c", "cfn-lint --format parseable '\(templatePath.path)'; echo \"cfn-lint exit $?\""],
            environment: Self.tools, shell: true)
        #expect(lint.stdout.contains("cfn-lint exit 0"), "\(lint.stdout)\(lint.stderr)")

        let hcl = try run(moto, ["--notify", "email:secops@example.com", "--format", "terraform"])
        #expect(hcl.status == 0)
        let hclPath = folder.appendingPathComponent("monitoring.tf")
        try Data(hcl.stdout.utf8).write(to: hclPath)
        try HardenOrganizationCLITests.terraformAccepts(hcl.stdout)
        let parsed = try CLI.run(
            [
                "-c",
                "python3 -c \"import hcl2,json,sys; d=hcl2.load(open(sys.argv[1])); print(json.dumps(sorted({k.strip(chr(34)) for r in d['resource'] for k in r})))\" '\(hclPath.path)'",
            ], environment: Self.tools, shell: true)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        for type in [
            "aws_cloudtrail", "aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_sns_topic_policy",
            "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_guardduty_detector",
            "aws_config_config_rule", "aws_config_configuration_recorder_status",
            "aws_securityhub_standards_subscription",
        ] {
            #expect(parsed.stdout.contains("\"\(type)\""), "\(type) missing from the HCL")
        }
        // Nothing was created by printing code.
        let trails = try await moto.client().using { try await $0.cloudTrail().describeTrails().trailList ?? [] }
        #expect(trails.isEmpty)

        // Deployed by moto's CloudFormation (home region first, as the template says), then audited. moto's
        // CloudFormation builds the IAM, S3, SNS, Logs and EventBridge resources but not trails, detectors, Config or
        // Security Hub, so the audit can prove ROOT-BP 18 from the deployed template.
        let deploy = try CLI.run(
            [
                "-c",
                """
                python3 - '\(templatePath.path)' '\(moto.endpoint)' <<'PY'
                import boto3, sys
                body = open(sys.argv[1]).read()
                for region in ["us-east-1", "eu-west-1"]:
                    cf = boto3.client("cloudformation", region_name=region, endpoint_url=sys.argv[2],
                                      aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret")
                    cf.create_stack(StackName="rootguard-monitoring", TemplateBody=body,
                                    Capabilities=["CAPABILITY_NAMED_IAM"])
                    print(region, cf.describe_stacks(StackName="rootguard-monitoring")["Stacks"][0]["StackStatus"])
                PY
                """,
            ], environment: Self.tools, shell: true)
        #expect(
            deploy.stdout == "us-east-1 CREATE_COMPLETE\neu-west-1 CREATE_COMPLETE\n",
            "\(deploy.stdout)\(deploy.stderr)")
        #expect(try audit(moto)["root-eventbridge-rules"] == "PASS")
    }

    @Test func badTargetsAndAnAccessDeniedHalfWayAreOneClearLine() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let otherRegion = try run(moto, ["--notify", "sns:arn:aws:sns:eu-west-1:123456789012:alerts"])
        #expect(otherRegion.status == 1)
        #expect(otherRegion.stderr.contains("does not exist") || otherRegion.stderr.contains("must be in us-east-1"))
        #expect(otherRegion.stderr.split(separator: "\n").count == 1, "\(otherRegion.stderr)")

        let badNotify = try run(moto, ["--notify", "pager:1234"])
        #expect(badNotify.status != 0 && badNotify.stderr.contains("--notify must be"))

        // Refuse EventBridge PutRule: what ran is reported done, the failure named, the rest not attempted.
        var state = try await moto.rootState(account: MotoServer.defaultAccount)
        state["failOperations"] = ["PutRule"]
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let partial = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(partial.status == 1)
        #expect(partial.stdout.contains("done    cloudtrail  CreateTrail  rootguard-trail"))
        #expect(partial.stdout.contains("FAILED  events  PutRule+PutTargets"))
        #expect(partial.stdout.contains("AccessDenied"))
        #expect(partial.stdout.contains("not attempted after the failure"))

        // Once allowed, running again finishes the job without redoing what was done.
        state["failOperations"] = [String]()
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let finished = try run(moto, ["--notify", "email:secops@example.com", "--apply"])
        #expect(finished.status == 0, "\(finished.stdout)\(finished.stderr)")
        #expect(!finished.stdout.contains("CreateTrail"))
    }
}

extension HardenMonitoringCLITests {
    @Test func everyCallOfHardenMonitoringIsInThePrintedPolicy() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let calls = Calls()
        let findings = try await moto.client().using { client in
            let observed = client.with(observer: { service, operation in
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(operation.name)")
            })
            let hardener = RootMonitoring(
                options: .init(regions: ["us-east-1", "eu-west-1"], notify: .email("secops@example.com")))
            let run = try await HardenRunner.run(hardener, client: observed, apply: true)
            #expect(run.outcome.applied.allSatisfy { $0.error == nil })
            return run.outcome.reaudit
        }
        #expect(findings.allSatisfy { $0.status == .pass })
        let printed = try CLI.run(["policy", "--with-harden"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let allowed = Set(
            ((document?["Statement"] as? [[String: Any]]) ?? []).flatMap { ($0["Action"] as? [String]) ?? [] })
        #expect(calls.all.count >= 25)
        #expect(calls.all.isSubset(of: allowed), "not in the policy: \(calls.all.subtracting(allowed).sorted())")
    }
}

/// The part of `--format json` the tests read.
struct HardenOutcomeShape: Decodable {
    struct Change: Decodable {
        var action: String
        var resource: String
    }
    struct Plan: Decodable { var changes: [Change] }
    var plan: Plan
}
