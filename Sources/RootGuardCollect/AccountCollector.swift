import Foundation
import Logging
import RootGuardAWS
import RootGuardModel

/// Collects everything the audit of one account needs into a ``Snapshot``. Read-only.
///
/// Facts are gathered concurrently (a fixed set of independent steps); a failing call makes only its fact
/// `unavailable`, naming the AWS error and the IAM action. Only an unknown identity stops the collection.
public struct AccountCollector: Sendable {
    /// Every IAM action the collector may call: `rootguard policy` prints these, and a test proves the
    /// collector calls nothing else.
    public static let requiredActions: [String] = [
        "sts:GetCallerIdentity",
        "iam:GetAccountSummary", "iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListVirtualMFADevices",
        "iam:GetAccountAuthorizationDetails", "iam:ListAccountAliases", "iam:ListOrganizationsFeatures",
        "organizations:DescribeOrganization", "organizations:DescribeAccount",
        "organizations:ListAWSServiceAccessForOrganization", "organizations:ListDelegatedAdministrators",
        "account:GetAlternateContact", "account:GetContactInformation", "account:GetPrimaryEmail",
        "support:DescribeTrustedAdvisorChecks", "support:DescribeTrustedAdvisorCheckResult",
    ]

    public let client: AWSClient
    /// How long to wait for IAM to generate the credential report.
    public var reportWait: Duration
    public var toolVersion: String
    let logger = Logger(label: "rootguard.collect")

    public init(client: AWSClient, reportWait: Duration = .seconds(120), toolVersion: String) {
        self.client = client
        self.reportWait = reportWait
        self.toolVersion = toolVersion
    }

    public func collect() async throws -> Snapshot {
        let started = Date()
        let identity = try await client.callerIdentity()
        let accountID = identity.account
        let account = AccountIdentity(
            accountID: accountID, partition: identity.partition, callerARN: identity.arn.rawValue,
            region: client.configuration.region.rawValue)

        async let summary = gather { try await client.iam().getAccountSummary().summaryMap ?? [:] }
        async let report = gather { try await credentialReport() }
        async let devices = gather { try await virtualMFADevices() }
        async let authorization = gather { try await authorizationDetails() }
        async let aliases = gather { try await client.iam().listAccountAliases().accountAliases ?? [] }
        async let features = gather { try await client.iam().listOrganizationsFeatures().enabledFeatures ?? [] }
        async let organization = gather { try await membership(accountID: accountID.rawValue) }
        async let security = alternateContact("SECURITY")
        async let operations = alternateContact("OPERATIONS")
        async let billing = alternateContact("BILLING")
        async let contact = gather { () -> ContactInformation? in
            do {
                let info = try await client.account().getContactInformation().contactInformation
                return info.map {
                    ContactInformation(
                        fullName: $0.fullName, companyName: $0.companyName, phoneNumber: $0.phoneNumber,
                        countryCode: $0.countryCode)
                }
            } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                return nil
            }
        }

        async let advisor = gather { try await trustedAdvisorRootMFA() }

        let membershipResult = await organization
        let rootEmail = await rootEmail(accountID: accountID.rawValue, membership: membershipResult)
        var snapshot = Snapshot(
            collectedAt: started, tool: .init(version: toolVersion), account: account, accountSummary: await summary,
            credentialReport: await report, virtualMFADevices: await devices, authorization: await authorization,
            accountAliases: await aliases, organizationFeatures: await features, organization: membershipResult,
            alternateContacts: ["SECURITY": await security, "OPERATIONS": await operations, "BILLING": await billing],
            contactInformation: await contact, rootEmail: rootEmail)
        snapshot.trustedAdvisor = await advisor
        return snapshot
    }

    /// Trusted Advisor's "MFA on Root Account" (check 7DAFEmoDos): its status, or a nil status when the support plan
    /// does not include the Trusted Advisor API.
    func trustedAdvisorRootMFA() async throws -> TrustedAdvisorRootMFA {
        let support = client.support()
        do {
            let checks = try await support.describeTrustedAdvisorChecks(.init(language: "en")).checks ?? []
            guard let check = checks.first(where: { $0.name == "MFA on Root Account" || $0.id == "7DAFEmoDos" }),
                let id = check.id
            else { return TrustedAdvisorRootMFA(status: "not_available", refreshedAt: nil) }
            let result = try await support.describeTrustedAdvisorCheckResult(.init(checkId: id, language: "en")).result
            return TrustedAdvisorRootMFA(status: result?.status, refreshedAt: result?.timestamp)
        } catch let error as AWSError where error.code == "SubscriptionRequiredException" {
            return TrustedAdvisorRootMFA(status: nil, refreshedAt: nil)
        }
    }

    /// Polls `GenerateCredentialReport` with backoff until it is complete (bounded by `reportWait`), then reads it.
    func credentialReport() async throws -> CredentialReport {
        let iam = client.iam()
        let deadline = ContinuousClock.now + reportWait
        var delay = Duration.milliseconds(250)
        while true {
            let state = try await iam.generateCredentialReport().state
            if state == "COMPLETE" { break }
            guard ContinuousClock.now + delay < deadline else {
                throw AWSError(
                    kind: .timeout, code: "ReportNotReady",
                    message: "the credential report was not ready after \(reportWait) (state \(state ?? "unknown"))",
                    service: "iam", operation: "GenerateCredentialReport")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        let output = try await iam.getCredentialReport()
        guard let content = output.content else {
            throw AWSError(
                kind: .malformedResponse, code: "EmptyReport", message: "the credential report has no content",
                service: "iam", operation: "GetCredentialReport")
        }
        do {
            return try CredentialReportParser.parse(
                String(decoding: content, as: UTF8.self), generatedAt: output.generatedTime)
        } catch let error as CredentialReportParser.ParseError {
            throw AWSError(
                kind: .malformedResponse, code: "MalformedReport", message: error.description, service: "iam",
                operation: "GetCredentialReport")
        }
    }

    func virtualMFADevices() async throws -> [VirtualMFADevice] {
        var devices: [VirtualMFADevice] = []
        for try await page in client.iam().listVirtualMFADevicesPaginator(
            .init(assignmentStatus: "Any", maxItems: 1000))
        {
            for device in page.virtualMFADevices ?? [] {
                devices.append(
                    VirtualMFADevice(
                        serialNumber: device.serialNumber ?? "", userARN: device.user?.arn,
                        enableDate: device.enableDate))
            }
        }
        return devices
    }

    func authorizationDetails() async throws -> AuthorizationDetails {
        var principals: [AuthorizationDetails.Principal] = []
        var documents: [String: String] = [:]
        let input = IAM.GetAccountAuthorizationDetailsRequest(
            filter: ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"], maxItems: 1000)
        for try await page in client.iam().getAccountAuthorizationDetailsPaginator(input) {
            for user in page.userDetailList ?? [] {
                principals.append(
                    .init(
                        kind: .user, name: user.userName ?? "", arn: user.arn ?? "",
                        attachedPolicyARNs: user.attachedManagedPolicies?.compactMap(\.policyArn) ?? [],
                        inlinePolicies: user.userPolicyList?.compactMap { $0.policyDocument?.json } ?? [],
                        groups: user.groupList ?? []))
            }
            for group in page.groupDetailList ?? [] {
                principals.append(
                    .init(
                        kind: .group, name: group.groupName ?? "", arn: group.arn ?? "",
                        attachedPolicyARNs: group.attachedManagedPolicies?.compactMap(\.policyArn) ?? [],
                        inlinePolicies: group.groupPolicyList?.compactMap { $0.policyDocument?.json } ?? []))
            }
            for role in page.roleDetailList ?? [] {
                principals.append(
                    .init(
                        kind: .role, name: role.roleName ?? "", arn: role.arn ?? "",
                        attachedPolicyARNs: role.attachedManagedPolicies?.compactMap(\.policyArn) ?? [],
                        inlinePolicies: role.rolePolicyList?.compactMap { $0.policyDocument?.json } ?? [],
                        trustPolicy: role.assumeRolePolicyDocument?.json, lastUsed: role.roleLastUsed?.lastUsedDate))
            }
            for policy in page.policies ?? [] {
                guard let arn = policy.arn else { continue }
                let current =
                    policy.policyVersionList?.first { $0.isDefaultVersion == true } ?? policy.policyVersionList?.first
                if let document = current?.document?.json { documents[arn] = document }
            }
        }
        // Keep only documents some principal uses.
        let used = Set(principals.flatMap(\.attachedPolicyARNs))
        return AuthorizationDetails(
            principals: principals, managedPolicyDocuments: documents.filter { used.contains($0.key) })
    }

    func membership(accountID: String) async throws -> OrganizationMembership {
        let organization: Organizations.Organization
        do {
            guard let described = try await client.organizations().describeOrganization().organization else {
                return OrganizationMembership(role: .standalone)
            }
            organization = described
        } catch let error as AWSError where error.code == "AWSOrganizationsNotInUseException" {
            return OrganizationMembership(role: .standalone)
        }
        let role: OrganizationMembership.Role = organization.masterAccountId == accountID ? .management : .member
        var email: String?
        var trusted: [String]?
        var delegated: [String]?
        if role == .management {
            let organizations = client.organizations()
            email = try? await organizations.describeAccount(.init(accountId: accountID)).account?.email
            trusted = try? await organizations.listAWSServiceAccessForOrganization().enabledServicePrincipals?
                .compactMap(\.servicePrincipal)
            delegated = try? await organizations.listDelegatedAdministrators(
                .init(servicePrincipal: "iam.amazonaws.com")
            )
            .delegatedAdministrators?.compactMap(\.id)
        }
        return OrganizationMembership(
            role: role, organizationID: organization.id, managementAccountID: organization.masterAccountId,
            featureSet: organization.featureSet, accountEmail: email, trustedServices: trusted,
            iamDelegatedAdministrators: delegated)
    }

    /// The root e-mail: Organizations knows it for the management account; `GetPrimaryEmail` for members
    /// needs the management account or a delegated administrator; no API shows a standalone account's.
    func rootEmail(accountID: String, membership: Collected<OrganizationMembership>) async -> Collected<String> {
        switch membership {
        case .unavailable(let reason):
            return .unavailable(reason)
        case .value(let membership):
            if let email = membership.accountEmail { return .value(email) }
            if membership.role == .standalone {
                return .unavailable(
                    Unavailable(kind: .notVisible, reason: "no AWS API returns a standalone account's root e-mail"))
            }
            return await gather {
                guard let email = try await client.account().getPrimaryEmail(.init(accountId: accountID)).primaryEmail
                else {
                    throw AWSError(
                        kind: .malformedResponse, code: "NoEmail", message: "GetPrimaryEmail returned no address",
                        service: "account", operation: "GetPrimaryEmail")
                }
                return email
            }
        }
    }

    func alternateContact(_ type: String) async -> Collected<AlternateContact?> {
        await gather {
            do {
                let contact = try await client.account().getAlternateContact(.init(alternateContactType: type))
                    .alternateContact
                return contact.map {
                    AlternateContact(
                        name: $0.name, title: $0.title, emailAddress: $0.emailAddress, phoneNumber: $0.phoneNumber)
                }
            } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                return nil
            }
        }
    }
}
