import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardModel

/// `harden org-root-access`: IAM trusted access in Organizations, then centralised root access
/// (`RootCredentialsManagement`, `RootSessions`): ROOT-BP 13. Each step only when it is not on yet.
public struct OrganizationRootAccess: Hardener {
    public static let subcommand = "org-root-access"
    public static let requiredActions = [
        "organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization",
        "organizations:EnableAWSServiceAccess", "iam:ListOrganizationsFeatures",
        "iam:EnableOrganizationsRootCredentialsManagement", "iam:EnableOrganizationsRootSessions",
    ]

    /// CloudFormation has no resource for these features; Terraform's AWS provider has `aws_iam_organizations_features`.
    public static let formats: Set<HardenFormat> = [.plan, .json, .terraform]

    public init() {}

    public enum Step: Sendable, Hashable {
        case trustIAM, enableRootCredentialsManagement, enableRootSessions
    }

    public struct Plan: OneChangePerStepPlan {
        public typealias Step = OrganizationRootAccess.Step
        public var plan: HardenPlan
        public var steps: [Step]
    }

    /// What is on now.
    public struct State: Sendable {
        public var trustedServices: [String]
        public var features: [String]
        /// The organization's id (`o-…`), as DescribeOrganization gave it.
        public var organizationID: String?
    }

    /// Refuses at once what cannot succeed: an account outside any organization, or (for the trusted-access step,
    /// which only the management account may take) a caller that is not its management account.
    public func read(client: AWSClient) async throws -> State {
        let organization: Organizations.Organization?
        do {
            organization = try await client.organizations().describeOrganization().organization
        } catch let error as AWSError where error.code == "AWSOrganizationsNotInUseException" {
            throw HardenFailure(
                "this account is not in an organization (organizations DescribeOrganization: \(error.code)): centralised root access is an Organizations feature; run harden org-root-access from an organization's management account"
            )
        }
        let trusted =
            try await client.organizations().listAWSServiceAccessForOrganization()
            .enabledServicePrincipals?.compactMap(\.servicePrincipal) ?? []
        let features = (try? await client.iam().listOrganizationsFeatures().enabledFeatures) ?? []
        if !trusted.contains("iam.amazonaws.com"), let management = organization?.masterAccountId {
            let caller = try await client.callerIdentity().account
            guard caller.rawValue == management else {
                throw HardenFailure(
                    "IAM's trusted access in Organizations is off and only the management account (\(management)) may turn it on (organizations:EnableAWSServiceAccess); this is \(caller)"
                )
            }
        }
        return State(trustedServices: trusted, features: features, organizationID: organization?.id)
    }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        let why = "centralized-root-access (ROOT-BP 13)"
        var plan = Plan(plan: HardenPlan(subcommand: Self.subcommand, changes: []), steps: [])
        func add(_ step: Step, _ change: PlannedChange) {
            plan.steps.append(step)
            plan.plan.changes.append(change)
        }
        if !state.trustedServices.contains("iam.amazonaws.com") {
            add(
                .trustIAM,
                .init(
                    service: "organizations", action: "EnableAWSServiceAccess", resource: "iam.amazonaws.com", why: why)
            )
        }
        if !state.features.contains("RootCredentialsManagement") {
            add(
                .enableRootCredentialsManagement,
                .init(
                    service: "iam", action: "EnableOrganizationsRootCredentialsManagement", resource: "organization",
                    why: why))
        }
        if !state.features.contains("RootSessions") {
            add(
                .enableRootSessions,
                .init(service: "iam", action: "EnableOrganizationsRootSessions", resource: "organization", why: why))
        }
        return plan
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        switch step {
        case .trustIAM:
            _ = try await client.organizations().enableAWSServiceAccess(.init(servicePrincipal: "iam.amazonaws.com"))
        case .enableRootCredentialsManagement:
            _ = try await client.iam().enableOrganizationsRootCredentialsManagement()
        case .enableRootSessions:
            _ = try await client.iam().enableOrganizationsRootSessions()
        }
    }

    /// The check ROOT-BP 13 runs, on facts collected afresh.
    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let snapshot = try await Reaudit.accountSnapshot(client: client)
        return CentralizedRootAccessEnabled().evaluate(snapshot, .init(now: Date()))
    }

    /// Terraform: the centralised root access features. IAM's trusted access in Organizations is part of the
    /// organization's own resource (`aws_service_access_principals`), which rootguard does not write (it would manage
    /// the whole organization): when it is off, a note says so.
    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        guard let client else { throw HardenFailure("harden org-root-access reads the organization for its code") }
        let state = try await read(client: client)
        var notes: [String] = []
        if !state.trustedServices.contains("iam.amazonaws.com") {
            notes.append(
                "IAM's trusted access in Organizations is off: add \"iam.amazonaws.com\" to aws_service_access_principals of your aws_organizations_organization (or run `rootguard harden org-root-access --apply`) before applying this"
            )
        }
        let enabled = Set(state.features).intersection(["RootCredentialsManagement", "RootSessions"])
        if !enabled.isEmpty {
            let organization = state.organizationID ?? "ORGANIZATION_ID"
            notes.append(
                "centralised root access is partly or wholly on (\(enabled.sorted().joined(separator: ", "))): `terraform import aws_iam_organizations_features.rootguard \(organization)` before apply"
            )
        }
        return HardenCode(Self.terraform, notes: notes)
    }

    public static let terraform = """
        # rootguard: centralised root access for member accounts (ROOT-BP 13): rootguard and AWS can then remove a member's
        # root credentials and run privileged root sessions (sts:AssumeRoot) from the management account.
        resource "aws_iam_organizations_features" "rootguard" {
          enabled_features = [
            "RootCredentialsManagement",
            "RootSessions",
          ]
        }

        """
}
