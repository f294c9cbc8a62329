import RootGuardModel

/// A compliance framework as data: controls that reference rootguard check ids.
public struct Framework: Sendable, Hashable {
    public struct Control: Sendable, Hashable {
        public let id: String
        public let title: String
        /// The rootguard checks that evaluate this control.
        public let checks: [CheckID]

        public init(_ id: String, _ title: String, checks: [CheckID]) {
            self.id = id
            self.title = title
            self.checks = checks
        }
    }

    /// The key used in a finding's `compliance` map (`AWS-FSBP`, `CIS-5.0`, `AWS-Config`).
    public let id: String
    public let name: String
    public let controls: [Control]

    public init(id: String, name: String, controls: [Control]) {
        self.id = id
        self.name = name
        self.controls = controls
    }
}

/// Every framework rootguard maps to (research: anchors.md §2.5, §2.6, §2.9 for the numbering).
public enum ComplianceCatalog {
    public static let frameworks: [Framework] = [fsbp, cis14, cis30, cis50, cis70, config]

    /// Framework id → control ids that reference `checkID`.
    public static func references(for checkID: CheckID) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for framework in frameworks {
            let ids = framework.controls.filter { $0.checks.contains(checkID) }.map(\.id)
            if !ids.isEmpty { result[framework.id] = ids }
        }
        return result
    }

    /// Every check id any framework references.
    public static var referencedCheckIDs: Set<CheckID> {
        Set(frameworks.flatMap { $0.controls.flatMap(\.checks) })
    }

    public static let fsbp = Framework(
        id: "AWS-FSBP", name: "AWS Foundational Security Best Practices (Security Hub)",
        controls: [
            .init("IAM.4", "IAM root user access key should not exist", checks: ["root-no-access-keys"]),
            .init("IAM.6", "Hardware MFA should be enabled for the root user", checks: ["root-mfa-hardware"]),
            .init("IAM.9", "MFA should be enabled for the root user", checks: ["root-mfa-enabled"]),
            .init("IAM.20", "Avoid the use of the root user", checks: ["root-not-recently-used"]),
            .init(
                "Account.1", "Security contact information should be provided", checks: ["security-contact-registered"]),
            .init(
                "Account.2", "AWS accounts should be part of an AWS Organizations organization",
                checks: ["account-in-organization"]),
            .init(
                "CloudWatch.1", "A log metric filter and alarm should exist for usage of the root user",
                checks: ["root-activity-alarm-chain"]),
            .init(
                "CloudTrail.1",
                "CloudTrail should be enabled with at least one multi-Region trail with read and write management events",
                checks: ["cloudtrail-multi-region-logging"]),
            .init("GuardDuty.1", "GuardDuty should be enabled", checks: ["guardduty-root-findings"]),
            .init("Config.1", "AWS Config should be enabled", checks: ["config-root-rules"]),
        ])

    /// CIS v1.3–v4.0 share one numbering; `CIS-1.4` and `CIS-3.0` both use it.
    static let cisClassic: [Framework.Control] = [
        .init("1.1", "Maintain current contact details", checks: ["alternate-contacts-complete"]),
        .init("1.2", "Ensure security contact information is registered", checks: ["security-contact-registered"]),
        .init("1.3", "Ensure security questions are registered", checks: ["recovery-channels-separated"]),
        .init("1.4", "Ensure no root user account access key exists", checks: ["root-no-access-keys"]),
        .init("1.5", "Ensure MFA is enabled for the root user account", checks: ["root-mfa-enabled"]),
        .init("1.6", "Ensure hardware MFA is enabled for the root user account", checks: ["root-mfa-hardware"]),
        .init(
            "1.7", "Eliminate use of the root user for administrative and daily tasks",
            checks: ["root-not-recently-used"]),
        .init(
            "1.21", "Ensure the account is part of an AWS Organizations organization",
            checks: ["account-in-organization"]),
        .init("3.1", "Ensure CloudTrail is enabled in all regions", checks: ["cloudtrail-multi-region-logging"]),
        .init(
            "4.3", "Ensure a log metric filter and alarm exist for usage of the root account",
            checks: ["root-activity-alarm-chain"]),
    ]

    public static let cis14 = Framework(
        id: "CIS-1.4", name: "CIS AWS Foundations Benchmark v1.4.0", controls: cisClassic)
    public static let cis30 = Framework(
        id: "CIS-3.0", name: "CIS AWS Foundations Benchmark v3.0.0", controls: cisClassic)

    public static let cis50 = Framework(
        id: "CIS-5.0", name: "CIS AWS Foundations Benchmark v5.0.0",
        controls: [
            .init("1.1", "Maintain current contact details", checks: ["alternate-contacts-complete"]),
            .init("1.2", "Ensure security contact information is registered", checks: ["security-contact-registered"]),
            .init("1.3", "Ensure no root user account access key exists", checks: ["root-no-access-keys"]),
            .init("1.4", "Ensure MFA is enabled for the root user account", checks: ["root-mfa-enabled"]),
            .init("1.5", "Ensure hardware MFA is enabled for the root user account", checks: ["root-mfa-hardware"]),
            .init(
                "1.6", "Eliminate use of the root user for administrative and daily tasks",
                checks: ["root-not-recently-used"]),
            .init(
                "1.20", "Ensure the account is part of an AWS Organizations organization",
                checks: ["account-in-organization"]),
            .init("3.1", "Ensure CloudTrail is enabled in all regions", checks: ["cloudtrail-multi-region-logging"]),
            .init(
                "4.3", "Ensure a log metric filter and alarm exist for usage of the root account",
                checks: ["root-activity-alarm-chain"]),
        ])

    public static let cis70 = Framework(
        id: "CIS-7.0", name: "CIS AWS Foundations Benchmark v7.0.0",
        controls: [
            .init("2.2", "Maintain current contact details", checks: ["alternate-contacts-complete"]),
            .init("2.3", "Ensure security contact information is registered", checks: ["security-contact-registered"]),
            .init("2.4", "Ensure no root user account access key exists", checks: ["root-no-access-keys"]),
            .init("2.5", "Ensure MFA is enabled for the root user account", checks: ["root-mfa-enabled"]),
            .init("2.6", "Ensure hardware MFA is enabled for the root user account", checks: ["root-mfa-hardware"]),
            .init(
                "2.7", "Eliminate use of the root user for administrative and daily tasks",
                checks: ["root-not-recently-used"]),
            .init(
                "2.19", "Ensure the account is part of an AWS Organizations organization",
                checks: ["account-in-organization"]),
            .init(
                "2.1.1", "Ensure centralized root access in AWS Organizations is enabled",
                checks: ["centralized-root-access", "assume-root-callers-restricted"]),
            .init("4.1", "Ensure CloudTrail is enabled in all regions", checks: ["cloudtrail-multi-region-logging"]),
            .init(
                "5.3", "Ensure a log metric filter and alarm exist for usage of the root account",
                checks: ["root-activity-alarm-chain"]),
        ])

    /// AWS Config managed rules that judge the same thing.
    public static let config = Framework(
        id: "AWS-Config", name: "AWS Config managed rules",
        controls: [
            .init("root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", checks: ["root-mfa-enabled"]),
            .init(
                "root-account-hardware-mfa-enabled", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", checks: ["root-mfa-hardware"]),
            .init("iam-root-access-key-check", "IAM_ROOT_ACCESS_KEY_CHECK", checks: ["root-no-access-keys"]),
            .init(
                "security-account-information-provided", "SECURITY_ACCOUNT_INFORMATION_PROVIDED",
                checks: ["security-contact-registered"]),
            .init(
                "account-part-of-organizations", "ACCOUNT_PART_OF_ORGANIZATIONS", checks: ["account-in-organization"]),
        ])
}
