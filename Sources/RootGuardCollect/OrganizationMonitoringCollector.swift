import Foundation
import RootGuardAWS
import RootGuardModel

/// Member monitoring through the organization's administrators: for GuardDuty, the delegated administrator
/// (`organizations:ListDelegatedAdministrators`, else the management account) and, per region, its member list
/// (`guardduty:ListDetectors`, `guardduty:ListMembers`): one call family per region, whatever the number of members.
/// A view that cannot be read is unavailable with the reason and the missing permission or account, never assumed.
public struct OrganizationMonitoringCollector: Sendable {
    public static let requiredActions = [
        "organizations:ListDelegatedAdministrators", "guardduty:ListDetectors", "guardduty:ListMembers",
        "config:DescribeOrganizationConfigRules", "config:GetOrganizationConfigRuleDetailedStatus",
        "securityhub:ListMembers",
    ]
    /// The managed rules of ROOT-BP 20.
    public static let rootRules = [
        "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
    ]

    public let client: AWSClient
    public let management: AccountID
    public let regions: [String]
    public let regionsSource: String
    /// The role to assume in a delegated administrator account (`--via assume-role ROLE`); nil: none.
    public let role: String?
    /// Where Security Hub is judged: the management account's configured region.
    public let hubRegion: String

    public init(
        client: AWSClient, management: AccountID, regions: [String], regionsSource: String, role: String?,
        hubRegion: String
    ) {
        self.client = client
        self.management = management
        self.regions = regions
        self.regionsSource = regionsSource
        self.role = role
        self.hubRegion = hubRegion
    }

    public func collect() async -> OrganizationMonitoringFacts {
        async let guardDuty = guardDutyViews()
        async let config = configViews()
        async let securityHub = securityHubView()
        return OrganizationMonitoringFacts(
            regions: regions, regionsSource: regionsSource, guardDuty: await guardDuty, config: await config,
            securityHub: await securityHub)
    }

    func securityHubView() async -> Collected<SecurityHubOrganizationView> {
        switch await administrator(of: "securityhub.amazonaws.com") {
        case .unreachable(let reason): return .unavailable(reason)
        case .reachable(let administrator, let adminClient):
            do {
                var members: [String: String] = [:]
                for try await page in adminClient.securityHub(region: AWSRegion(hubRegion)).listMembersPaginator(
                    .init(onlyAssociated: false))
                {
                    for member in page.members ?? [] {
                        if let id = member.accountId { members[id] = member.memberStatus ?? "UNKNOWN" }
                    }
                }
                return .value(
                    SecurityHubOrganizationView(administrator: administrator, region: hubRegion, members: members))
            } catch {
                return .unavailable(
                    Unavailable(
                        error, operation: "securityhub:ListMembers",
                        context:
                            "Security Hub's member list in \(hubRegion) (administrator \(administrator)) could not be read"
                    ))
            }
        }
    }

    func configViews() async -> [String: Collected<ConfigOrganizationView>] {
        let admin = await administrator(of: "config-multiaccountsetup.amazonaws.com")
        let results = await regions.concurrentMap(maxConcurrency: 4) {
            region -> (String, Collected<ConfigOrganizationView>) in
            switch admin {
            case .unreachable(let reason): return (region, .unavailable(reason))
            case .reachable(let account, let adminClient):
                return (region, await configView(region: region, administrator: account, client: adminClient))
            }
        }
        return Dictionary(results, uniquingKeysWith: { a, _ in a })
    }

    func configView(
        region: String, administrator: AccountID, client: AWSClient
    ) async
        -> Collected<ConfigOrganizationView>
    {
        let config = client.configService(region: AWSRegion(region))
        var operation = "config:DescribeOrganizationConfigRules"
        do {
            var rules: [String: [String: String]] = [:]
            var excluded: [String: [String]] = [:]
            for try await page in config.describeOrganizationConfigRulesPaginator() {
                for rule in page.organizationConfigRules ?? [] {
                    guard let identifier = rule.organizationManagedRuleMetadata?.ruleIdentifier,
                        Self.rootRules.contains(identifier), let name = rule.organizationConfigRuleName
                    else { continue }
                    operation = "config:GetOrganizationConfigRuleDetailedStatus"
                    var statuses: [String: String] = [:]
                    for try await status in config.getOrganizationConfigRuleDetailedStatusPaginator(
                        .init(organizationConfigRuleName: name))
                    {
                        for member in status.organizationConfigRuleDetailedStatus ?? [] {
                            guard let account = member.accountId else { continue }
                            let state = member.memberAccountRuleStatus ?? "UNKNOWN"
                            statuses[account] = member.errorCode.map { "\(state) (\($0))" } ?? state
                        }
                    }
                    // Two organization rules for one identifier: a member counts as covered when either succeeded.
                    rules[identifier, default: [:]].merge(statuses) { old, new in
                        old.hasSuffix("_SUCCESSFUL") ? old : new
                    }
                    excluded[identifier, default: []] += rule.excludedAccounts ?? []
                }
            }
            return .value(ConfigOrganizationView(administrator: administrator, rules: rules, excluded: excluded))
        } catch {
            return .unavailable(
                Unavailable(
                    error, operation: operation,
                    context:
                        "AWS Config's organization rules in \(region) (administrator \(administrator)) could not be read"
                ))
        }
    }

    /// The account administering a service for the organization, and a client in it; unavailable when it cannot
    /// be reached.
    enum Administrator: Sendable {
        case reachable(AccountID, AWSClient)
        case unreachable(Unavailable)
    }

    func administrator(of principal: String) async -> Administrator {
        let delegated: [Organizations.DelegatedAdministrator]
        do {
            delegated =
                try await client.organizations().listDelegatedAdministrators(.init(servicePrincipal: principal))
                .delegatedAdministrators ?? []
        } catch {
            return .unreachable(
                Unavailable(
                    error, operation: "organizations:ListDelegatedAdministrators",
                    context: "the \(principal) delegated administrator could not be listed"))
        }
        guard let admin = delegated.first?.id.flatMap(AccountID.init(rawValue:)), admin != management else {
            return .reachable(management, client)
        }
        guard let role else {
            return .unreachable(
                Unavailable(
                    kind: .missing,
                    reason:
                        "\(principal)'s delegated administrator is \(admin); its organization view needs a role there (--via assume-role ROLE) or an audit run from that account",
                    action: "sts:AssumeRole"))
        }
        let partition = client.configuration.region.partition.name
        let step = ProfileChain.AssumeRoleStep(
            profile: "delegated-administrator", roleARN: "arn:\(partition):iam::\(admin):role/\(role)",
            externalID: nil, sessionName: "rootguard-org-monitoring", durationSeconds: 900, mfaSerial: nil)
        let adminClient = client.with(
            credentialProvider: CachingCredentialProvider(AssumeRoleCredentialProvider(step: step, client: client)))
        return .reachable(admin, adminClient)
    }

    func guardDutyViews() async -> [String: Collected<GuardDutyOrganizationView>] {
        let admin = await administrator(of: "guardduty.amazonaws.com")
        let results = await regions.concurrentMap(maxConcurrency: 4) {
            region -> (String, Collected<GuardDutyOrganizationView>) in
            switch admin {
            case .unreachable(let reason): return (region, .unavailable(reason))
            case .reachable(let account, let adminClient):
                return (region, await guardDutyView(region: region, administrator: account, client: adminClient))
            }
        }
        return Dictionary(results, uniquingKeysWith: { a, _ in a })
    }

    func guardDutyView(
        region: String, administrator: AccountID, client: AWSClient
    ) async
        -> Collected<GuardDutyOrganizationView>
    {
        let guardDuty = client.guardDuty(region: AWSRegion(region))
        do {
            let detectors = try await guardDuty.listDetectors().detectorIds ?? []
            guard let detector = detectors.first else {
                return .unavailable(
                    Unavailable(
                        kind: .notEnabled,
                        reason:
                            "the GuardDuty administrator \(administrator) has no detector in \(region), so it has no member list there"
                    ))
            }
            var members: [String: String] = [:]
            for try await page in guardDuty.listMembersPaginator(
                .init(detectorId: detector, maxResults: 50, onlyAssociated: "false"))
            {
                for member in page.members ?? [] {
                    if let id = member.accountId { members[id] = member.relationshipStatus ?? "Unknown" }
                }
            }
            return .value(GuardDutyOrganizationView(administrator: administrator, members: members))
        } catch {
            return .unavailable(
                Unavailable(
                    error, operation: "guardduty:ListMembers",
                    context: "GuardDuty's member list in \(region) (administrator \(administrator)) could not be read"))
        }
    }
}
