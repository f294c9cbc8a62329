import RootGuardCompliance
import RootGuardModel

/// Snapshot → report: every registered check, and a NOT_EVALUATED finding for each practice no check covers yet.
/// Pure: no clock (the context carries "now"), no network; `audit`, the re-audits and the report tests share it.
public enum Evaluator {
    /// Runs every registered check. Practices no check covers yet are reported as NOT_EVALUATED, not skipped.
    public static func evaluate(_ snapshot: Snapshot, context: EvaluationContext) -> ReportV1 {
        var findings = CheckRegistry.all.flatMap { $0.evaluate(snapshot, context) }
        let covered = Set(CheckRegistry.metadata.flatMap(\.practices))
        let isManagement = snapshot.organization.value?.role == .management
        for practice in Practices.all where !covered.contains(practice.id) {
            // Members' root credentials and SCPs are judged across the organization, from its management account.
            if isManagement, practice.id == "14" || practice.id == "15" {
                findings.append(
                    Finding(
                        checkId: .coverage(of: practice.id), status: .notEvaluated, severity: .info,
                        accountId: snapshot.account.accountID, resource: snapshot.account.rootARN,
                        message:
                            "Not evaluated here: this is the organization's management account; run `rootguard audit --org` to judge ROOT-BP \(practice.id) (\(practice.title)) for every member.",
                        compliance: ["ROOT-BP": [practice.id.rawValue]],
                        remediation: "rootguard audit --org (see \(practicesDocument)).", notEvaluatedCause: .outOfScope
                    ))
                continue
            }
            findings.append(
                Finding(
                    checkId: .coverage(of: practice.id), status: .notEvaluated, severity: .info,
                    accountId: snapshot.account.accountID,
                    resource: "arn:\(snapshot.account.partition):::\(snapshot.account.accountID)",
                    message:
                        "Not evaluated: rootguard \(RootGuardVersion.current) has no check for ROOT-BP \(practice.id) yet (\(practice.title)).",
                    compliance: ["ROOT-BP": [practice.id.rawValue]], evidence: [:],
                    remediation: "See \(practicesDocument) for how to verify this practice by hand.",
                    notEvaluatedCause: .outOfScope))
        }
        return ReportV1(generatedAt: context.now, tool: .init(version: RootGuardVersion.current), findings: findings)
    }

    /// An organization: the management account's checks, every member snapshot's checks, and the organization checks.
    public static func evaluate(_ organization: OrganizationSnapshot, context: EvaluationContext) -> ReportV1 {
        var findings = CheckRegistry.all.flatMap { $0.evaluate(organization.management, context) }
        for member in organization.members {
            guard let snapshot = member.snapshot else { continue }
            switch snapshot {
            case .value(let memberSnapshot):
                findings += CheckRegistry.all.flatMap { $0.evaluate(memberSnapshot, context) }
            case .unavailable(let reason):
                findings.append(
                    Finding(
                        checkId: "member-audit", status: .notEvaluated, severity: .high, accountId: member.accountID,
                        resource: "arn:\(organization.management.account.partition):iam::\(member.accountID):root",
                        message: "Not evaluated: the member could not be audited: \(reason).",
                        compliance: ["ROOT-BP": ["01"]],
                        remediation: "Check that the audit role exists in the member and trusts the management account."
                    ))
            }
        }
        findings += OrganizationCheckRegistry.all.flatMap { $0.evaluate(organization, context) }
        let covered = Set((CheckRegistry.metadata + OrganizationCheckRegistry.metadata).flatMap(\.practices))
        for practice in Practices.all where !covered.contains(practice.id) {
            findings.append(
                Finding(
                    checkId: .coverage(of: practice.id), status: .notEvaluated, severity: .info,
                    accountId: organization.management.account.accountID, resource: organization.organizationID,
                    message:
                        "Not evaluated: rootguard \(RootGuardVersion.current) has no check for ROOT-BP \(practice.id) yet (\(practice.title)).",
                    compliance: ["ROOT-BP": [practice.id.rawValue]],
                    remediation: "See \(practicesDocument) for how to verify this practice by hand.",
                    notEvaluatedCause: .outOfScope))
        }
        return ReportV1(generatedAt: context.now, tool: .init(version: RootGuardVersion.current), findings: findings)
    }

    /// Where the practices are explained, in rootguard's own repository.
    public static let practicesDocument = "docs/PRACTICES.md in the rootguard repository"
}
