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
        return State(trustedServices: trusted, features: features)
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
}
