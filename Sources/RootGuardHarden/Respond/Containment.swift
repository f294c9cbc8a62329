import Foundation
import RootGuardModel
import RootGuardTrail

/// The containment of what a root session left behind: for each artifact the reversible step that shuts it out (or
/// restarts what was switched off), and what only a person can do. Nothing outside the artifacts is touched: each
/// step names exactly the resource the session created or changed. (`rootguard respond` plans and applies these on
/// the harden subsystem; this is the plan's content.)
public enum Containment {
    /// The inline policy that quarantines a user or role: deny everything.
    public static let quarantinePolicyName = "rootguard-quarantine"
    /// The inline policy that revokes a role's sessions issued before containment (AWS's "revoke active sessions").
    public static let revokeSessionsPolicyName = "rootguard-revoke-older-sessions"

    public struct Plan: Sendable, Equatable {
        /// Steps rootguard can take, in order (credentials first, then identities, then monitoring).
        public var changes: [PlannedChange]
        /// What only a person can do, one line each.
        public var forPeople: [String]
    }

    /// A value from the records inside a person's instruction: a code span, so the Markdown and HTML reports show it
    /// as text (AWS names hold no backtick; one in a hostile record becomes an apostrophe and cannot end the span).
    static func code(_ value: String) -> String { "`" + value.replacingOccurrences(of: "`", with: "'") + "`" }

    /// How root's own credentials can be removed in an account.
    public enum RootReach: Sendable {
        /// A member with centralised root access: through a privileged session (`IAMDeleteRootUserCredentials`).
        case privilegedSession
        /// A standalone or management account, or root sessions off: only by signing in as root.
        case signInOnly
        /// Not read (`--offline`).
        case unknown
    }

    /// The step that contains one artifact (its changes, usually one), and what only a person can do about it.
    public static func containment(
        of artifact: SessionAftermath.Artifact
    ) -> (
        changes: [PlannedChange], forPeople: String?
    ) {
        func change(_ service: String, _ action: String, _ resource: String) -> PlannedChange {
            // Every plan line names its account: two members' lines never look the same.
            PlannedChange(
                service: service, action: action,
                resource: artifact.account.isEmpty ? resource : "\(artifact.account): \(resource)",
                why: "\(artifact.summary) (\(artifact.eventName) \(artifact.eventTime))")
        }
        let resource = artifact.resource
        let owner = artifact.owner ?? "?"
        switch artifact.kind {
        case .accessKey:
            return ([change("iam", "UpdateAccessKey", "\(resource) of \(owner) → Inactive")], nil)
        case .signingCertificate:
            return ([change("iam", "UpdateSigningCertificate", "\(resource) of \(owner) → Inactive")], nil)
        case .loginProfile:
            return ([change("iam", "DeleteLoginProfile", "user \(resource)")], nil)
        case .user:
            return ([change("iam", "PutUserPolicy", "user \(resource): \(quarantinePolicyName) (deny all)")], nil)
        case .role:
            return (
                [
                    change("iam", "PutRolePolicy", "role \(resource): \(quarantinePolicyName) (deny all)"),
                    change(
                        "iam", "PutRolePolicy",
                        "role \(resource): \(revokeSessionsPolicyName) (deny sessions issued before now)"),
                ], nil
            )
        case .trustPolicy:
            return (
                [change("iam", "PutRolePolicy", "role \(resource): \(quarantinePolicyName) (deny all)")],
                "Restore the trust policy of role \(code(resource)): the records do not hold the one it replaced."
            )
        case .userPolicy:
            let action = resource.hasPrefix("arn:") ? "DetachUserPolicy" : "DeleteUserPolicy"
            return ([change("iam", action, "\(resource) from user \(owner)")], nil)
        case .rolePolicy:
            let action = resource.hasPrefix("arn:") ? "DetachRolePolicy" : "DeleteRolePolicy"
            return ([change("iam", action, "\(resource) from role \(owner)")], nil)
        case .groupPolicy:
            let action = resource.hasPrefix("arn:") ? "DetachGroupPolicy" : "DeleteGroupPolicy"
            return ([change("iam", action, "\(resource) from group \(owner)")], nil)
        case .groupMembership:
            return ([change("iam", "RemoveUserFromGroup", "\(resource) from group \(owner)")], nil)
        case .identityProvider:
            return (
                [],
                "Review identity provider \(code(resource)): deleting it cannot be undone, so rootguard leaves it to you."
            )
        case .mfaDevice:
            return ([], "Review MFA device \(code(resource)) of \(code(owner)).")
        case .rootAccessKey, .rootSigningCertificate, .rootPassword, .rootMFADevice:
            // Covered by removing every root credential (or by the person who signs in as root).
            return ([], nil)
        case .rootEmail:
            return (
                [],
                "The root e-mail address was changed: contact AWS Support at once; the account's recovery now goes to the new address."
            )
        case .trailStopped:
            return ([change("cloudtrail", "StartLogging", "trail \(resource) in \(artifact.region)")], nil)
        case .trailDeleted:
            return (
                [],
                "Trail \(code(resource)) was deleted: recreate it (`rootguard harden monitoring --apply` for rootguard's own)."
            )
        case .trailChanged:
            return (
                [],
                "Trail \(code(resource)) was changed (\(code(artifact.eventName))): compare it with its intended settings."
            )
        case .detectorDeleted:
            return (
                [
                    change(
                        "guardduty", "CreateDetector",
                        "a detector in \(artifact.region) (enabled; \(resource) was deleted)")
                ],
                nil
            )
        case .detectorChanged:
            return (
                [change("guardduty", "UpdateDetector", "detector \(resource) in \(artifact.region) → enabled")], nil
            )
        case .configRecorderStopped:
            return ([change("config", "StartConfigurationRecorder", "\(resource) in \(artifact.region)")], nil)
        case .configRecorderDeleted:
            return (
                [],
                "Config recorder \(code(resource)) was deleted in \(code(artifact.region)): recreate it (`rootguard harden monitoring --apply`)."
            )
        case .ruleDisabled:
            return ([change("events", "EnableRule", "rule \(resource) in \(artifact.region)")], nil)
        case .ruleDeleted:
            return (
                [],
                "EventBridge rule \(code(resource)) was deleted in \(code(artifact.region)): recreate it (`rootguard harden monitoring --apply`)."
            )
        case .scpDetached:
            return ([change("organizations", "AttachPolicy", "\(resource) → \(owner)")], nil)
        case .securityHubDisabled:
            return ([change("securityhub", "EnableSecurityHub", artifact.region)], nil)
        }
    }

    /// The change that removes a member's root credentials through a privileged session.
    public static func rootCredentialsChange(account: String) -> PlannedChange {
        PlannedChange(
            service: "sts", action: "AssumeRoot",
            resource: "\(account) root: IAMDeleteRootUserCredentials (every root credential)",
            why: "root was used; its credentials are removed through a privileged session")
    }

    /// What a person must do when the account's root cannot be reached through a privileged session.
    public static let signInAsRoot =
        "Sign in as root: change the password, review every MFA device, delete root access keys and signing certificates (this account's root cannot be reached through a privileged session)."

    /// What a person must do when it is not known whether a privileged session can reach root (nothing was read).
    public static let rootReachUnknown =
        "Root's own credentials must go: `rootguard respond` without --offline removes them for a member with centralised root access; otherwise sign in as root, change the password, review every MFA device and delete root access keys and signing certificates."

    /// The plan for these artifacts of one account, without reading the account (every artifact taken as still
    /// open), root's own credentials as `root` allows.
    public static func plan(_ artifacts: [SessionAftermath.Artifact], account: String, root: RootReach) -> Plan {
        var changes: [PlannedChange] = root == .privilegedSession ? [rootCredentialsChange(account: account)] : []
        var people: [String] = []
        for artifact in ordered(artifacts) {
            let (more, person) = containment(of: artifact)
            changes += more
            if let person { people.append(person) }
        }
        switch root {
        case .privilegedSession: break
        case .signInOnly: people.append(signInAsRoot)
        case .unknown: people.append(rootReachUnknown)
        }
        return Plan(changes: changes, forPeople: people)
    }

    /// Each artifact once, credentials first, then identities, then monitoring.
    public static func ordered(_ artifacts: [SessionAftermath.Artifact]) -> [SessionAftermath.Artifact] {
        var seen = Set<String>()
        let unique = artifacts.filter { seen.insert("\($0.kind.rawValue)|\($0.resource)|\($0.owner ?? "")").inserted }
        func rank(_ artifact: SessionAftermath.Artifact) -> Int {
            switch artifact.kind {
            case .accessKey, .signingCertificate, .loginProfile: 0
            case _ where artifact.isMonitoring: 2
            default: 1
            }
        }
        return unique.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
            \.element)
    }
}
