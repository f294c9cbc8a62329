import RootGuardModel

/// ROOT-BP 06.
public struct RootPasswordIsStrong: Check {
    public static let metadata = CheckMetadata(
        id: "root-password-strong", title: "Root password is long and random", practices: ["06"], severity: .high,
        risk: "A guessable or reused root password is the first step of an account takeover.",
        remediation:
            "Generate one with `rootguard password generate` (128 characters, AWS's maximum) and store it in the password manager."
    )
    public init() {}
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        Attested.passwordPractice(
            metadata, practice: "06",
            what:
                "the root password meets AWS's rules (8–128 characters, 3 of 4 character classes, not the account name or e-mail), is randomly generated and not reused; `rootguard password check` verifies one.",
            snapshot: snapshot, context: context)
    }
}
