import Foundation

/// Everything an audit of one account looks at, as collected. Versioned: `schemaVersion` 1.
///
/// Every fact is a ``Collected`` value, so a snapshot says which facts could not be read and why.
public struct Snapshot: Codable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var collectedAt: Date
    public var tool: ReportV1.Tool
    public var account: AccountIdentity
    /// `iam:GetAccountSummary` SummaryMap.
    public var accountSummary: Collected<[String: Int]>
    /// The `<root_account>` row of the credential report and the report's age.
    public var credentialReport: Collected<CredentialReport>
    /// Every virtual MFA device of the account (all pages).
    public var virtualMFADevices: Collected<[VirtualMFADevice]>
    public var authorization: Collected<AuthorizationDetails>
    public var accountAliases: Collected<[String]>
    /// `iam:ListOrganizationsFeatures` (management account or delegated administrator only).
    public var organizationFeatures: Collected<[String]>
    public var organization: Collected<OrganizationMembership>
    /// SECURITY, OPERATIONS, BILLING → the contact, or nil when none is set.
    public var alternateContacts: [String: Collected<AlternateContact?>]
    /// The primary contact, or nil when none is set.
    public var contactInformation: Collected<ContactInformation?>
    /// The root user's e-mail address, when an API can see it (organizations member/management).
    public var rootEmail: Collected<String>
    /// Trails, metric filters, alarms, rules, detectors, Config and Security Hub (ROOT-BP 16–20); nil when the
    /// snapshot was taken without them.
    public var monitoring: Collected<MonitoringFacts>?
    /// Trusted Advisor's "MFA on Root Account" check (Business or Enterprise support); nil in snapshots from before
    /// it was collected.
    public var trustedAdvisor: Collected<TrustedAdvisorRootMFA>?

    public init(
        schemaVersion: Int = Snapshot.currentSchemaVersion, collectedAt: Date, tool: ReportV1.Tool,
        account: AccountIdentity, accountSummary: Collected<[String: Int]>,
        credentialReport: Collected<CredentialReport>,
        virtualMFADevices: Collected<[VirtualMFADevice]>, authorization: Collected<AuthorizationDetails>,
        accountAliases: Collected<[String]>, organizationFeatures: Collected<[String]>,
        organization: Collected<OrganizationMembership>, alternateContacts: [String: Collected<AlternateContact?>],
        contactInformation: Collected<ContactInformation?>, rootEmail: Collected<String>,
        monitoring: Collected<MonitoringFacts>? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.collectedAt = collectedAt
        self.tool = tool
        self.account = account
        self.accountSummary = accountSummary
        self.credentialReport = credentialReport
        self.virtualMFADevices = virtualMFADevices
        self.authorization = authorization
        self.accountAliases = accountAliases
        self.organizationFeatures = organizationFeatures
        self.organization = organization
        self.alternateContacts = alternateContacts
        self.contactInformation = contactInformation
        self.rootEmail = rootEmail
        self.monitoring = monitoring
    }

    public static let alternateContactTypes = ["SECURITY", "OPERATIONS", "BILLING"]
}

/// Trusted Advisor's "MFA on Root Account" result (`support:DescribeTrustedAdvisorCheckResult`).
public struct TrustedAdvisorRootMFA: Codable, Sendable, Hashable {
    /// `ok`, `warning`, `error` or `not_available`; nil when the account's support plan has no Trusted Advisor API
    /// (SubscriptionRequiredException).
    public var status: String?
    public var refreshedAt: String?

    public init(status: String?, refreshedAt: String?) {
        self.status = status
        self.refreshedAt = refreshedAt
    }
}

/// Whose account this is.
public struct AccountIdentity: Codable, Sendable, Hashable {
    public var accountID: AccountID
    /// `aws`, `aws-cn`, `aws-us-gov`, … (from the caller ARN).
    public var partition: String
    public var callerARN: String
    public var region: String

    public init(accountID: AccountID, partition: String, callerARN: String, region: String) {
        self.accountID = accountID
        self.partition = partition
        self.callerARN = callerARN
        self.region = region
    }

    /// `arn:<partition>:iam::<account>:root`: the exact ARN of this account's root user.
    public var rootARN: String { accountID.rootARN(partition: partition) }
    /// The audit is running with root credentials itself.
    public var callerIsRoot: Bool { callerARN == rootARN }
}

/// A timestamp cell of the credential report: a date, or one of AWS's placeholder tokens.
public enum ReportTimestamp: Codable, Sendable, Hashable {
    case date(Date)
    /// `N/A`: no such credential, or never used.
    case notApplicable
    /// `no_information`: never used, or used before tracking began.
    case noInformation
    /// `not_supported`: the root user does not have this field.
    case notSupported
    /// Anything else (kept verbatim).
    case other(String)

    public var date: Date? {
        if case .date(let date) = self { return date }
        return nil
    }
}

/// The root user's row of the IAM credential report, parsed by column name.
public struct RootCredentialRow: Codable, Sendable, Hashable {
    public struct AccessKey: Codable, Sendable, Hashable {
        public var slot: Int
        public var active: Bool?
        public var lastRotated: ReportTimestamp
        public var lastUsed: ReportTimestamp
        public var lastUsedRegion: String?
        public var lastUsedService: String?

        public init(
            slot: Int, active: Bool?, lastRotated: ReportTimestamp, lastUsed: ReportTimestamp, lastUsedRegion: String?,
            lastUsedService: String?
        ) {
            self.slot = slot
            self.active = active
            self.lastRotated = lastRotated
            self.lastUsed = lastUsed
            self.lastUsedRegion = lastUsedRegion
            self.lastUsedService = lastUsedService
        }
    }

    public struct Certificate: Codable, Sendable, Hashable {
        public var slot: Int
        public var active: Bool?
        public var lastRotated: ReportTimestamp

        public init(slot: Int, active: Bool?, lastRotated: ReportTimestamp) {
            self.slot = slot
            self.active = active
            self.lastRotated = lastRotated
        }
    }

    public var arn: String
    public var userCreationTime: ReportTimestamp
    /// `password_enabled`: AWS documents it as `not_supported` for root, so it is not trusted alone (nil then).
    public var passwordEnabled: Bool?
    public var passwordEnabledRaw: String
    public var passwordLastUsed: ReportTimestamp
    public var mfaActive: Bool?
    public var accessKeys: [AccessKey]
    public var certificates: [Certificate]

    public init(
        arn: String, userCreationTime: ReportTimestamp, passwordEnabled: Bool?, passwordEnabledRaw: String,
        passwordLastUsed: ReportTimestamp, mfaActive: Bool?, accessKeys: [AccessKey], certificates: [Certificate]
    ) {
        self.arn = arn
        self.userCreationTime = userCreationTime
        self.passwordEnabled = passwordEnabled
        self.passwordEnabledRaw = passwordEnabledRaw
        self.passwordLastUsed = passwordLastUsed
        self.mfaActive = mfaActive
        self.accessKeys = accessKeys
        self.certificates = certificates
    }
}

/// The credential report as far as the root user is concerned.
public struct CredentialReport: Codable, Sendable, Hashable {
    /// When IAM generated it (reports are reused for up to 4 hours).
    public var generatedAt: Date?
    /// The root row; nil when the report has none (it always should).
    public var root: RootCredentialRow?
    /// How many user rows the report has besides root.
    public var userCount: Int

    public init(generatedAt: Date?, root: RootCredentialRow?, userCount: Int) {
        self.generatedAt = generatedAt
        self.root = root
        self.userCount = userCount
    }
}

public struct VirtualMFADevice: Codable, Sendable, Hashable {
    public var serialNumber: String
    /// The ARN of the user it is assigned to (`arn:aws:iam::<acct>:root` for root), nil when unassigned.
    public var userARN: String?
    public var enableDate: Date?

    public init(serialNumber: String, userARN: String?, enableDate: Date?) {
        self.serialNumber = serialNumber
        self.userARN = userARN
        self.enableDate = enableDate
    }
}

/// Users, groups and roles with the policies that grant them permissions (documents as JSON text).
public struct AuthorizationDetails: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case user, group, role }

    public struct Principal: Codable, Sendable, Hashable {
        public var kind: Kind
        public var name: String
        public var arn: String
        public var attachedPolicyARNs: [String]
        public var inlinePolicies: [String]
        /// Users: the groups they are in.
        public var groups: [String]
        /// Roles: the trust policy.
        public var trustPolicy: String?
        public var hasConsolePassword: Bool?
        public var lastUsed: Date?

        public init(
            kind: Kind, name: String, arn: String, attachedPolicyARNs: [String], inlinePolicies: [String],
            groups: [String] = [], trustPolicy: String? = nil, hasConsolePassword: Bool? = nil, lastUsed: Date? = nil
        ) {
            self.kind = kind
            self.name = name
            self.arn = arn
            self.attachedPolicyARNs = attachedPolicyARNs
            self.inlinePolicies = inlinePolicies
            self.groups = groups
            self.trustPolicy = trustPolicy
            self.hasConsolePassword = hasConsolePassword
            self.lastUsed = lastUsed
        }
    }

    public var principals: [Principal]
    /// Managed policy ARN → its default version's document.
    public var managedPolicyDocuments: [String: String]

    public init(principals: [Principal], managedPolicyDocuments: [String: String]) {
        self.principals = principals
        self.managedPolicyDocuments = managedPolicyDocuments
    }
}

/// Where the account stands in AWS Organizations.
public struct OrganizationMembership: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable { case standalone, member, management }

    public var role: Role
    public var organizationID: String?
    public var managementAccountID: String?
    public var featureSet: String?
    /// The member's root e-mail as Organizations records it (`ListAccounts` / `DescribeAccount`).
    public var accountEmail: String?
    /// Management account only: service principals with trusted access (`iam.amazonaws.com` is needed for
    /// centralised root access), nil when not read.
    public var trustedServices: [String]?
    /// Management account only: IAM's delegated administrators, nil when not read.
    public var iamDelegatedAdministrators: [String]?

    public init(
        role: Role, organizationID: String? = nil, managementAccountID: String? = nil, featureSet: String? = nil,
        accountEmail: String? = nil, trustedServices: [String]? = nil, iamDelegatedAdministrators: [String]? = nil
    ) {
        self.role = role
        self.organizationID = organizationID
        self.managementAccountID = managementAccountID
        self.featureSet = featureSet
        self.accountEmail = accountEmail
        self.trustedServices = trustedServices
        self.iamDelegatedAdministrators = iamDelegatedAdministrators
    }
}

public struct AlternateContact: Codable, Sendable, Hashable {
    public var name: String?
    public var title: String?
    public var emailAddress: String?
    public var phoneNumber: String?

    public init(name: String?, title: String?, emailAddress: String?, phoneNumber: String?) {
        self.name = name
        self.title = title
        self.emailAddress = emailAddress
        self.phoneNumber = phoneNumber
    }
}

/// A contact as rootguard sets it (`harden contacts`): every field given.
public struct ContactDetails: Codable, Sendable, Hashable {
    public var name: String
    public var title: String
    public var email: String
    public var phone: String

    public init(name: String, title: String, email: String, phone: String) {
        self.name = name
        self.title = title
        self.email = email
        self.phone = phone
    }
}

public struct ContactInformation: Codable, Sendable, Hashable {
    public var fullName: String?
    public var companyName: String?
    public var phoneNumber: String?
    public var countryCode: String?

    public init(fullName: String?, companyName: String?, phoneNumber: String?, countryCode: String?) {
        self.fullName = fullName
        self.companyName = companyName
        self.phoneNumber = phoneNumber
        self.countryCode = countryCode
    }
}
