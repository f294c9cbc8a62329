import RootGuardModel

/// ROOT-BP 07.
public struct RootPasswordInPasswordManager: Check {
    public static let metadata = CheckMetadata(
        id: "root-password-in-password-manager", title: "Root password kept in a password manager", practices: ["07"],
        severity: .medium,
        risk: "A password kept in a tool that depends on this AWS account is lost exactly when it is needed.",
        remediation:
            "Store the root password in a password manager (or sealed vault) that does not run on or depend on this AWS account."
    )
    public init() {}
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        Attested.passwordPractice(
            metadata, practice: "07",
            what: "the root password is kept in a password manager that does not depend on this AWS account.",
            snapshot: snapshot, context: context)
    }
}
