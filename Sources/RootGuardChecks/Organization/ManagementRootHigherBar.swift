import RootGuardModel
import RootGuardPolicy

/// The management account's root is outside every SCP and centralised root access, so it is held to a higher bar:
/// hardware-only MFA, no access keys or certificates, and a root-activity alarm that reaches a person.
public struct ManagementRootHigherBar: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "management-root-higher-bar", title: "The management account's root meets the higher bar",
        practices: ["15"],
        severity: .critical,
        risk:
            "No SCP or central control restrains the management account's root; it can change every guardrail of the organization.",
        remediation:
            "Management root: hardware keys only (two or more), no access keys or certificates, and a proven root-activity alarm with a confirmed subscriber."
    )

    public init() {}

    static let required: [(check: CheckID, what: String)] = [
        ("root-mfa-hardware", "hardware-only MFA"), ("root-no-access-keys", "no access keys"),
        ("root-no-signing-certificates", "no signing certificates"),
        ("root-activity-alarm-chain", "a root-activity alarm reaching a person"),
    ]

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        let account = organization.management.account.accountID
        let findings = CheckRegistry.all.filter { check in
            Self.required.contains { $0.check == type(of: check).metadata.id }
        }
        .flatMap { $0.evaluate(organization.management, context) }
        var missing: [String] = []
        var unknown: [String] = []
        for (check, what) in Self.required {
            switch findings.first(where: { $0.checkId == check })?.status {
            case .pass?: continue
            case .fail?: missing.append(what)
            default: unknown.append(what)
            }
        }
        if !missing.isEmpty {
            return [
                m.memberFinding(
                    organization, account: account, .fail,
                    "The management account's root lacks: \(missing.joined(separator: ", ")).")
            ]
        }
        if !unknown.isEmpty {
            return [
                m.memberFinding(
                    organization, account: account, .notEvaluated,
                    "Not evaluated: could not confirm \(unknown.joined(separator: ", ")) for the management account's root."
                )
            ]
        }
        return [
            m.memberFinding(
                organization, account: account, .pass,
                "The management account's root has hardware-only MFA, no keys or certificates, and a working root-activity alarm."
            )
        ]
    }
}
