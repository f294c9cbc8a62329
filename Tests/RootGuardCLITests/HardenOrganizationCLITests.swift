import Foundation
import RootGuard
import RootGuardAWS
import RootGuardHarden
import RootGuardModel
import RootGuardTesting
import Testing

/// `harden scp`, `harden org-root-access` and `harden contacts` against a moto organization: dry run, apply with the
/// re-audit, idempotence, infrastructure code checked by the real tools, and bad input.
@Suite("rootguard harden scp, org-root-access and contacts against moto", .motoServer, .serialized)
struct HardenOrganizationCLITests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
    /// cfn-lint and python-hcl2 as Scripts/install-test-deps.sh installed them (the PATH of the test run).
    static let tools = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]

    struct Organization {
        var root: String
        var ou: String
        var members: [String]
        var existingPolicy: String
    }

    /// Two members; one in an OU that carries an existing (allow-all) SCP, the other directly under the root: no
    /// deny-root SCP anywhere.
    static func organization(_ moto: MotoServer) async throws -> Organization {
        try await moto.client().using { client in
            let organizations = client.organizations()
            _ = try await organizations.createOrganization(.init(featureSet: "ALL"))
            let root = try #require(try await organizations.listRoots().roots?.first?.id)
            var members: [String] = []
            for name in ["workloads", "sandbox"] {
                members.append(
                    try #require(
                        try await organizations.createAccount(
                            .init(email: "aws-\(name)@example.com", accountName: name)
                        )
                        .createAccountStatus?.accountId))
            }
            let ou = try #require(
                try await organizations.createOrganizationalUnit(.init(parentId: root, name: "apps"))
                    .organizationalUnit?.id)
            _ = try await organizations.moveAccount(
                .init(accountId: members[0], sourceParentId: root, destinationParentId: ou))
            let existing = try #require(
                try await organizations.createPolicy(
                    .init(
                        content:
                            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                        description: "theirs", name: "existing-guardrail", type: "SERVICE_CONTROL_POLICY")
                ).policy?.policySummary?.id)
            _ = try await organizations.attachPolicy(.init(policyId: existing, targetId: ou))
            return Organization(root: root, ou: ou, members: members, existingPolicy: existing)
        }
    }

    func run(_ moto: MotoServer, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["harden"] + arguments + ["--endpoint-url", moto.endpoint], environment: Self.environment)
    }

    func attached(_ moto: MotoServer, _ target: String) async throws -> [String] {
        try await moto.client().using { client in
            try await client.organizations().listPoliciesForTarget(
                .init(targetId: target, filter: "SERVICE_CONTROL_POLICY")
            ).policies?.compactMap(\.name) ?? []
        }
    }

    @Test func scpDryRunThenApplyThenNothingLeftAndNoAttachmentLost() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)

        let dry = try run(moto, ["scp"])
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(dry.stdout.contains("organizations  CreatePolicy  rootguard-deny-root"))
        #expect(dry.stdout.contains("organizations  AttachPolicy  rootguard-deny-root → \(org.root)"))
        #expect(!(try await attached(moto, org.root)).contains("rootguard-deny-root"), "a dry run changes nothing")

        let before = try CLI.run(
            [
                "audit", "--org", "--via", "assume-root", "--no-monitoring", "--output", "json", "--endpoint-url",
                moto.endpoint,
            ],
            environment: Self.environment)
        #expect(before.stdout.contains(#""checkId" : "member-root-denied-by-scp""#))
        #expect(before.stdout.contains(#""status" : "FAIL""#))

        let applied = try run(moto, ["scp", "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("re-audit:"))
        for member in org.members {
            #expect(applied.stdout.contains("PASS          \(member)  member-root-denied-by-scp"))
        }
        #expect(try await attached(moto, org.root).contains("rootguard-deny-root"))
        #expect(try await attached(moto, org.ou).contains("existing-guardrail"), "an existing attachment was lost")

        let again = try run(moto, ["scp", "--apply"])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("harden scp: nothing to change."))
    }

    @Test func scpInfrastructureCodePassesCfnLintAndParsesAsHCL() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-iac-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        let template = try run(moto, ["scp", "--format", "cloudformation", "--target", org.ou])
        #expect(template.status == 0)
        #expect(template.stdout.contains("AWS::Organizations::Policy") && template.stdout.contains(org.ou))
        let templatePath = folder.appendingPathComponent("scp.json")
        try Data(template.stdout.utf8).write(to: templatePath)
        let lint = try CLI.run(
            ["-c", "cfn-lint --format parseable '\(templatePath.path)'; echo \"cfn-lint exit $?\""],
            environment: Self.tools, shell: true)
        #expect(lint.stdout.contains("cfn-lint exit 0"), "\(lint.stdout)\(lint.stderr)")

        let hcl = try run(moto, ["scp", "--format", "terraform"])
        #expect(hcl.status == 0)
        let hclPath = folder.appendingPathComponent("scp.tf")
        try Data(hcl.stdout.utf8).write(to: hclPath)
        let parsed = try CLI.run(
            [
                "-c",
                "python3 -c \"import hcl2,json,sys; d=hcl2.load(open(sys.argv[1])); print(json.dumps(d))\" '\(hclPath.path)'",
            ], environment: Self.tools, shell: true)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(
            parsed.stdout.contains("aws_organizations_policy")
                && parsed.stdout.contains("aws_organizations_policy_attachment"))
        #expect(parsed.stdout.contains(org.root))
        try Self.terraformAccepts(hcl.stdout)
    }

    /// `terraform fmt -check` and, with the AWS provider installed here, `terraform validate` accept the HCL.
    static func terraformAccepts(_ hcl: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let outcome = try Terraform.check(hcl) else { return }
        #expect(
            outcome.fmt.status == 0, "terraform fmt: \(outcome.fmt.stdout)\(outcome.fmt.stderr)",
            sourceLocation: sourceLocation)
        if let validate = outcome.validate {
            #expect(
                validate.status == 0, "terraform validate: \(validate.stdout)\(validate.stderr)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func aFullTargetAnUnknownTargetAndABadIdAreRefused() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)
        // Fill the OU to AWS's quota of five SCPs.
        try await moto.client().using { client in
            for index in 0..<3 {  // with FullAWSAccess and existing-guardrail: five
                let id = try #require(
                    try await client.organizations().createPolicy(
                        .init(
                            content:
                                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                            description: "x", name: "filler-\(index)", type: "SERVICE_CONTROL_POLICY")
                    ).policy?.policySummary?.id)
                _ = try await client.organizations().attachPolicy(.init(policyId: id, targetId: org.ou))
            }
        }
        let full = try run(moto, ["scp", "--target", org.ou])
        #expect(full.status == 1)
        #expect(full.stderr.contains("target \(org.ou) already has 5 SCPs attached"))
        #expect(full.stderr.split(separator: "\n").count == 1)

        let unknown = try run(moto, ["scp", "--target", "ou-abcd-12345678"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: "))

        let bad = try run(moto, ["scp", "--target", "not-an-id"])
        #expect(bad.status == 64)
    }

    @Test func orgRootAccessIsTurnedOnAndTheReauditPasses() async throws {
        let moto = try await MotoServer.fresh()
        _ = try await Self.organization(moto)
        let dry = try run(moto, ["org-root-access"])
        #expect(dry.status == 2)
        #expect(dry.stdout.contains("EnableOrganizationsRootCredentialsManagement"))
        #expect(dry.stdout.contains("EnableOrganizationsRootSessions"))
        let applied = try run(moto, ["org-root-access", "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("PASS") && applied.stdout.contains("centralized-root-access"))
        let again = try run(moto, ["org-root-access", "--apply", "--format", "json"])
        #expect(again.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        let plan = object?["plan"] as? [String: Any]
        #expect((plan?["changes"] as? [Any])?.isEmpty == true)
        // Its Terraform form: aws_iam_organizations_features, to import now that the features are on.
        let hcl = try run(moto, ["org-root-access", "--format", "terraform"])
        #expect(hcl.status == 0, "\(hcl.stderr)")
        #expect(hcl.stdout.contains(#"resource "aws_iam_organizations_features" "rootguard""#))
        #expect(hcl.stderr.contains("terraform import aws_iam_organizations_features.rootguard o-"), "\(hcl.stderr)")
        try Self.terraformAccepts(hcl.stdout)
        #expect(try run(moto, ["org-root-access", "--format", "cloudformation"]).status == 64)
    }

    /// A standalone account has no organization to turn features on in: the plan is refused before any change,
    /// instead of applying one step and failing for good on the next.
    @Test func orgRootAccessIsRefusedAtPlanTimeOnAStandaloneAccount() async throws {
        let moto = try await MotoServer.fresh()
        for arguments in [["org-root-access"], ["org-root-access", "--apply"]] {
            let result = try run(moto, arguments)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: this account is not in an organization"))
            #expect(result.stderr.contains("AWSOrganizationsNotInUseException"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let trusted = try await moto.client().using { client in
            try? await client.organizations().listAWSServiceAccessForOrganization().enabledServicePrincipals
        }
        #expect(trusted == nil || trusted?.isEmpty == true)
    }

    /// With centralised root access off, a member's ROOT-BP 14 names the feature its read needs (credentials
    /// management), not a missing permission.
    @Test func memberRootCredentialsNameRootSessionsBeingOffAsTheReason() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)
        let result = try CLI.run(
            [
                "audit", "--org", "--via", "assume-root", "--endpoint-url", moto.endpoint, "--output", "json",
                "--no-monitoring", "--report-wait", "20",
            ],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = (object?["findings"] as? [[String: Any]]) ?? []
        let removed = findings.filter {
            $0["checkId"] as? String == "member-root-credentials-removed"
                && $0["accountId"] as? String == org.members[0]
        }
        #expect(removed.count == 1)
        let message = removed.first?["message"] as? String ?? ""
        #expect(removed.first?["status"] as? String == "NOT_EVALUATED")
        #expect(
            message.contains("centralised root credentials management (RootCredentialsManagement), which is off"),
            "\(message)")
        #expect(message.contains("rootguard harden org-root-access"))
        #expect(!message.contains("missing permission"))
    }

    @Test func contactsAreSetInMembersAndBadFilesRefused() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-contacts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("contacts.yaml")
        try Data(
            """
            security: {name: Security team, title: Security, email: security@example.com, phone: "+1-555-0100"}
            operations: {name: Ops, title: Operations, email: ops@example.com, phone: "+1-555-0101"}
            """.utf8
        ).write(to: file)
        let dry = try run(moto, ["contacts", "--contacts", file.path, "--account", org.members[0]])
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(dry.stdout.contains("PutAlternateContact  SECURITY of \(org.members[0])"))
        let applied = try run(moto, ["contacts", "--contacts", file.path, "--account", org.members[0], "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("PASS          \(org.members[0])  security-contact-registered"))
        let again = try run(moto, ["contacts", "--contacts", file.path, "--account", org.members[0], "--apply"])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("harden contacts: nothing to change."))
        let hcl = try run(
            moto, ["contacts", "--contacts", file.path, "--account", org.members[1], "--format", "terraform"])
        #expect(hcl.status == 0, "\(hcl.stderr)")
        try Self.terraformAccepts(hcl.stdout)

        // An account that is not a member is refused at plan time (it had been "done": moto takes any AccountId).
        let outsider = try run(moto, ["contacts", "--contacts", file.path, "--account", "999999999999", "--apply"])
        #expect(outsider.status == 1, "\(outsider.stdout)\(outsider.stderr)")
        #expect(
            outsider.stderr.contains("--account 999999999999 is not a member of the caller's organization"),
            "\(outsider.stderr)")
        #expect(!outsider.stdout.contains("done"))

        let missing = folder.appendingPathComponent("missing.yaml")
        try Data("security: {name: Security team, title: Security, email: security@example.com}\n".utf8).write(
            to: missing)
        let refused = try run(moto, ["contacts", "--contacts", missing.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("missing.yaml"))
        let typo = folder.appendingPathComponent("typo.yaml")
        try Data("securty: {name: a, title: b, email: c@d, phone: \"1\"}\n".utf8).write(to: typo)
        let unknown = try run(moto, ["contacts", "--contacts", typo.path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown key 'securty'"))
    }

    @Test func everyCallTheHardenCommandsMakeIsInThePrintedPolicy() async throws {
        let moto = try await MotoServer.fresh()
        let org = try await Self.organization(moto)
        let calls = Calls()
        try await moto.client().using { client in
            let observed = client.with(observer: { service, operation in
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(operation.name)")
            })
            _ = try await HardenRunner.run(DenyRootSCP(), client: observed, apply: true)
            _ = try await HardenRunner.run(OrganizationRootAccess(), client: observed, apply: true)
            let contacts = [
                "SECURITY": ContactDetails(name: "S", title: "T", email: "s@example.com", phone: "1")
            ]
            _ = try await HardenRunner.run(
                AlternateContacts(contacts: contacts, accounts: [.init(stringLiteral: org.members[0])]),
                client: observed, apply: true)
        }
        let printed = try CLI.run(["policy", "--with-harden"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let allowed = Set(
            ((document?["Statement"] as? [[String: Any]]) ?? []).flatMap { ($0["Action"] as? [String]) ?? [] })
        #expect(calls.all.count >= 8)
        #expect(calls.all.isSubset(of: allowed), "not in the policy: \(calls.all.subtracting(allowed).sorted())")
    }
}
