import Foundation

/// An organization-wide audit: the management account's snapshot plus, per member account, its SCP path, its root
/// credentials (through AssumeRoot) and optionally its own snapshot (through AssumeRole). Versioned with Snapshot.
public struct OrganizationSnapshot: Codable, Sendable {
    /// 2 added `monitoring`; version 1 files (without it) are still read.
    public static let currentSchemaVersion = 2
    public static let readableSchemaVersions: ClosedRange<Int> = 1...2

    public var schemaVersion: Int
    public var management: Snapshot
    public var organizationID: String
    public var members: [MemberFacts]
    /// The delegated administrators' organization-wide views of member monitoring; nil when not collected.
    public var monitoring: OrganizationMonitoringFacts?

    public init(
        management: Snapshot, organizationID: String, members: [MemberFacts],
        monitoring: OrganizationMonitoringFacts? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.management = management
        self.organizationID = organizationID
        self.members = members
        self.monitoring = monitoring
    }
}

/// Member monitoring as the organization's administrators see it, one call family per service and region (not one
/// per member).
public struct OrganizationMonitoringFacts: Codable, Sendable {
    public var regions: [String]
    public var regionsSource: String
    /// Region → GuardDuty's administrator view.
    public var guardDuty: [String: Collected<GuardDutyOrganizationView>]
    /// Region → AWS Config's organization rules (the three root rules) and their status in each member.
    public var config: [String: Collected<ConfigOrganizationView>]
    /// Security Hub's member list in the management account's region (where `audit` judges Security Hub).
    public var securityHub: Collected<SecurityHubOrganizationView>?

    public init(
        regions: [String], regionsSource: String, guardDuty: [String: Collected<GuardDutyOrganizationView>],
        config: [String: Collected<ConfigOrganizationView>], securityHub: Collected<SecurityHubOrganizationView>? = nil
    ) {
        self.regions = regions
        self.regionsSource = regionsSource
        self.guardDuty = guardDuty
        self.config = config
        self.securityHub = securityHub
    }
}

/// Security Hub's member list in one region, read in its administrator account.
public struct SecurityHubOrganizationView: Codable, Sendable, Hashable {
    public var administrator: AccountID
    public var region: String
    /// Member account → `MemberStatus` (`ENABLED`, `REMOVED`, `CREATED`, …).
    public var members: [String: String]

    public init(administrator: AccountID, region: String, members: [String: String]) {
        self.administrator = administrator
        self.region = region
        self.members = members
    }
}

/// AWS Config's organization rules in one region, as the management account or Config's delegated administrator
/// sees them: for each of the three root rules deployed organization-wide, each member's deployment status.
public struct ConfigOrganizationView: Codable, Sendable, Hashable {
    public var administrator: AccountID
    /// Managed rule identifier (`ROOT_ACCOUNT_MFA_ENABLED`, …) → member account → status (`CREATE_SUCCESSFUL`,
    /// `CREATE_FAILED (NoAvailableConfigurationRecorder)`, …). An identifier absent here has no organization rule.
    public var rules: [String: [String: String]]
    /// Identifier → members the organization rule excludes.
    public var excluded: [String: [String]]

    public init(administrator: AccountID, rules: [String: [String: String]], excluded: [String: [String]]) {
        self.administrator = administrator
        self.rules = rules
        self.excluded = excluded
    }
}

/// GuardDuty's member list in one region, read in its administrator account.
public struct GuardDutyOrganizationView: Codable, Sendable, Hashable {
    /// The account whose view this is (the delegated administrator, or the management account).
    public var administrator: AccountID
    /// Member account → relationship status (`Enabled`, `Disabled`, `Removed`, `Invited`, …).
    public var members: [String: String]

    public init(administrator: AccountID, members: [String: String]) {
        self.administrator = administrator
        self.members = members
    }
}

public struct MemberFacts: Codable, Sendable {
    public var accountID: AccountID
    public var name: String
    public var email: String?
    /// `ACTIVE`, `SUSPENDED`, …
    public var state: String
    /// Root first, then each OU, then the account: the SCPs attached at each level (name and JSON text).
    public var scpLevels: Collected<[SCPLevelFacts]>
    public var rootCredentials: Collected<RootCredentialInventory>
    /// The member's own audit snapshot, when collected through a role.
    public var snapshot: Collected<Snapshot>?

    public init(
        accountID: AccountID, name: String, email: String?, state: String, scpLevels: Collected<[SCPLevelFacts]>,
        rootCredentials: Collected<RootCredentialInventory>, snapshot: Collected<Snapshot>?
    ) {
        self.accountID = accountID
        self.name = name
        self.email = email
        self.state = state
        self.scpLevels = scpLevels
        self.rootCredentials = rootCredentials
        self.snapshot = snapshot
    }
}

public struct SCPLevelFacts: Codable, Sendable, Hashable {
    public struct Policy: Codable, Sendable, Hashable {
        public var name: String
        public var content: String
        public init(name: String, content: String) {
            self.name = name
            self.content = content
        }
    }

    public var target: String
    public var policies: [Policy]

    public init(target: String, policies: [Policy]) {
        self.target = target
        self.policies = policies
    }
}
