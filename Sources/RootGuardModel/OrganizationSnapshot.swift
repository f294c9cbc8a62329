import Foundation

/// An organization-wide audit: the management account's snapshot plus, per member account, its SCP path, its root
/// credentials (through AssumeRoot) and optionally its own snapshot (through AssumeRole). Versioned with Snapshot.
public struct OrganizationSnapshot: Codable, Sendable {
    public var schemaVersion: Int
    public var management: Snapshot
    public var organizationID: String
    public var members: [MemberFacts]

    public init(management: Snapshot, organizationID: String, members: [MemberFacts]) {
        self.schemaVersion = Snapshot.currentSchemaVersion
        self.management = management
        self.organizationID = organizationID
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
