import Foundation
import RootGuardModel

/// The account summary and the credential report must tell the same story about root; when they do not,
/// one of them is stale (the report is cached for up to 4 hours) or something changed during the audit.
public struct RootCredentialSourcesAgree: Check {
    public static let metadata = CheckMetadata(
        id: "root-credential-sources-agree", title: "Account summary and credential report agree about root",
        practices: ["01", "03", "04"], severity: .medium,
        risk:
            "Tools that read only one source report the wrong state; a disagreement can also mean root credentials changed in the last hours.",
        remediation:
            "Regenerate the credential report (it is reused for up to 4 hours) and re-run; investigate any root credential change in CloudTrail."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let summary = try need(snapshot.accountSummary)
            let report = try need(snapshot.credentialReport)
            guard let root = report.root else {
                return [
                    m.finding(
                        snapshot, .fail, "The credential report has no <root_account> row.",
                        evidence: ["userRows": .number(Double(report.userCount))])
                ]
            }
            // Both sources must speak: a summary without the root flags (or an empty one in a snapshot) proves nothing.
            let flags = ["AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"]
            let absent = flags.filter { summary[$0] == nil }
            if !absent.isEmpty {
                throw need.missing(
                    Unavailable(
                        kind: .missing,
                        reason:
                            "iam:GetAccountSummary did not report \(absent.joined(separator: ", ")); nothing to compare"
                    ))
            }
            var disagreements: [String] = []
            var compared = 0
            var evidence: [String: JSONValue] = [:]
            func compare(_ name: String, _ key: String, _ reportValue: Bool?) {
                guard let summaryValue = summary[key].map({ $0 > 0 }), let reportValue else { return }
                compared += 1
                evidence[name] = .object(["summary": .bool(summaryValue), "report": .bool(reportValue)])
                if summaryValue != reportValue {
                    disagreements.append("\(name): summary \(key)=\(summaryValue ? 1 : 0), report says \(reportValue)")
                }
            }
            compare("mfa", "AccountMFAEnabled", root.mfaActive)
            compare("accessKeys", "AccountAccessKeysPresent", root.accessKeys.contains(where: \.exists))
            compare(
                "signingCertificates", "AccountSigningCertificatesPresent", root.certificates.contains(where: \.exists))
            compare("password", "AccountPasswordPresent", root.passwordEnabled)
            if let generated = report.generatedAt {
                evidence["reportAgeHours"] = .number(Double(Int(context.now.timeIntervalSince(generated) / 3600)))
            }
            if compared == 0 {
                throw need.missing(
                    Unavailable(
                        kind: .missing, reason: "the credential report's root row holds none of the compared columns"))
            }
            if disagreements.isEmpty {
                return [
                    m.finding(
                        snapshot, .pass, "The account summary and the credential report agree about root.",
                        evidence: evidence)
                ]
            }
            return [
                m.finding(
                    snapshot, .fail,
                    "The account summary and the credential report disagree about root: \(disagreements.joined(separator: "; ")).",
                    evidence: evidence)
            ]
        }
    }
}
