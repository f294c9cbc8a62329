import RootGuardModel
import RootGuardPolicy

/// A check over the whole organization; findings name the member account they are about.
public protocol OrganizationCheck: Sendable {
    static var metadata: CheckMetadata { get }
    func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding]
}

extension CheckMetadata {
    func memberFinding(
        _ organization: OrganizationSnapshot, account: AccountID, _ status: Status, _ message: String,
        severity: Severity? = nil,
        evidence: [String: JSONValue] = [:]
    ) -> Finding {
        Finding(
            checkId: id, status: status, severity: severity ?? self.severity, accountId: account,
            resource: account.rootARN(partition: organization.management.account.partition), message: message,
            compliance: compliance, evidence: evidence, remediation: remediation)
    }
}

public enum OrganizationCheckRegistry {
    public static let all: [any OrganizationCheck] = [
        MemberRootCredentialsRemoved(), MemberRootDeniedBySCP(), OrganizationRootEmailsUnique(),
        ManagementRootHigherBar(), MemberRootActivityMonitored(), MemberGuardDutyEnabled(),
        MemberConfigRootRules(), MemberSecurityHubEnabled(), MemberMonitoringSourcesAgree(),
    ]
    public static var metadata: [CheckMetadata] { all.map { type(of: $0).metadata } }
}
