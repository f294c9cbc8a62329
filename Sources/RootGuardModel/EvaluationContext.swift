import Foundation

/// Inputs of an evaluation besides the snapshot: the clock, thresholds, attestations, e-mail policy.
public struct EvaluationContext: Sendable {
    public var now: Date
    /// Root use within this many days fails ROOT-BP 05 (`--root-usage-window`, default 90).
    public var rootUsageWindowDays: Int
    public var attestations: Attestations?
    public var emailPolicy: EmailPolicy
    /// The root e-mail when no API shows it (`--root-email`), e.g. for a standalone account.
    public var rootEmailOverride: String?

    public init(
        now: Date, rootUsageWindowDays: Int = 90, attestations: Attestations? = nil,
        emailPolicy: EmailPolicy = EmailPolicy(), rootEmailOverride: String? = nil
    ) {
        self.now = now
        self.rootUsageWindowDays = rootUsageWindowDays
        self.attestations = attestations
        self.emailPolicy = emailPolicy
        self.rootEmailOverride = rootEmailOverride
    }
}

/// How root e-mail addresses are judged (ROOT-BP 09).
public struct EmailPolicy: Sendable, Hashable {
    /// Domains the organisation owns (`--company-domain`); subdomains count.
    public var companyDomains: [String]
    /// Consumer / free-mail domains (a maintained list ships with rootguard).
    public var freeMailDomains: Set<String>
    /// Local parts that look like a person (regular expressions, case-insensitive).
    public var personalPatterns: [String]
    /// Words that mark a group / distribution address.
    public var groupKeywords: [String]

    public init(
        companyDomains: [String] = [], freeMailDomains: Set<String> = [],
        personalPatterns: [String] = EmailPolicy.defaultPersonalPatterns,
        groupKeywords: [String] = EmailPolicy.defaultGroupKeywords
    ) {
        self.companyDomains = companyDomains
        self.freeMailDomains = freeMailDomains
        self.personalPatterns = personalPatterns
        self.groupKeywords = groupKeywords
    }

    public static let defaultPersonalPatterns = [
        #"^[a-z]+[._-][a-z]+[0-9]*$"#,  // jane.doe, jane_doe, jane-doe2
        #"^[a-z]\.?[a-z]{2,}$"#,  // jdoe, j.doe
    ]
    public static let defaultGroupKeywords = [
        "aws", "root", "admin", "security", "secops", "sec", "cloud", "ops", "devops", "platform", "infra", "billing",
        "finance", "accounts", "account", "team", "group", "it", "sre", "noc", "soc", "alerts", "owners", "prod",
        "production", "dev", "staging", "sandbox", "audit", "compliance", "master", "management", "org",
    ]
}
