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

    /// The plan for these artifacts of one account. `memberWithRootSessions`: root's own credentials can be removed
    /// through a privileged session (`IAMDeleteRootUserCredentials`).
    public static func plan(
        _ artifacts: [SessionAftermath.Artifact], account: String, memberWithRootSessions: Bool
    ) -> Plan {
        var credentials: [PlannedChange] = []
        var identities: [PlannedChange] = []
        var monitoring: [PlannedChange] = []
        var people: [String] = []
        func change(
            _ service: String, _ action: String, _ resource: String, _ artifact: SessionAftermath.Artifact
        )
            -> PlannedChange
        {
            PlannedChange(
                service: service, action: action, resource: resource,
                why: "\(artifact.summary) (\(artifact.eventName) \(artifact.eventTime))")
        }
        var seen = Set<String>()
        for artifact in artifacts {
            let key = "\(artifact.kind.rawValue)|\(artifact.resource)|\(artifact.owner ?? "")"
            guard seen.insert(key).inserted else { continue }
            let resource = artifact.resource
            switch artifact.kind {
            case .accessKey:
                credentials.append(
                    change("iam", "UpdateAccessKey", "\(resource) of \(artifact.owner ?? "?") → Inactive", artifact))
            case .signingCertificate:
                credentials.append(
                    change(
                        "iam", "UpdateSigningCertificate", "\(resource) of \(artifact.owner ?? "?") → Inactive",
                        artifact))
            case .loginProfile:
                credentials.append(change("iam", "DeleteLoginProfile", "user \(resource)", artifact))
            case .user:
                identities.append(
                    change("iam", "PutUserPolicy", "user \(resource): \(quarantinePolicyName) (deny all)", artifact))
            case .role:
                identities.append(
                    change("iam", "PutRolePolicy", "role \(resource): \(quarantinePolicyName) (deny all)", artifact))
                identities.append(
                    change(
                        "iam", "PutRolePolicy",
                        "role \(resource): \(revokeSessionsPolicyName) (deny sessions issued before now)", artifact))
            case .trustPolicy:
                identities.append(
                    change("iam", "PutRolePolicy", "role \(resource): \(quarantinePolicyName) (deny all)", artifact))
                people.append(
                    "Restore the trust policy of role \(resource): the records do not hold the one it replaced.")
            case .userPolicy:
                let action = resource.hasPrefix("arn:") ? "DetachUserPolicy" : "DeleteUserPolicy"
                identities.append(change("iam", action, "\(resource) from user \(artifact.owner ?? "?")", artifact))
            case .rolePolicy:
                let action = resource.hasPrefix("arn:") ? "DetachRolePolicy" : "DeleteRolePolicy"
                identities.append(change("iam", action, "\(resource) from role \(artifact.owner ?? "?")", artifact))
            case .groupPolicy:
                let action = resource.hasPrefix("arn:") ? "DetachGroupPolicy" : "DeleteGroupPolicy"
                identities.append(change("iam", action, "\(resource) from group \(artifact.owner ?? "?")", artifact))
            case .groupMembership:
                identities.append(
                    change("iam", "RemoveUserFromGroup", "\(resource) from group \(artifact.owner ?? "?")", artifact))
            case .identityProvider:
                people.append(
                    "Review identity provider \(resource): deleting it cannot be undone, so rootguard leaves it to you."
                )
            case .mfaDevice:
                people.append("Review MFA device \(resource) of \(artifact.owner ?? "?").")
            case .rootAccessKey, .rootSigningCertificate, .rootPassword, .rootMFADevice:
                // Covered by removing every root credential below.
                break
            case .rootEmail:
                people.append(
                    "The root e-mail address was changed: contact AWS Support at once; the account's recovery now goes to the new address."
                )
            case .trailStopped:
                monitoring.append(change("cloudtrail", "StartLogging", "trail \(resource)", artifact))
            case .trailDeleted:
                people.append(
                    "Trail \(resource) was deleted: recreate it (`rootguard harden monitoring --apply` for rootguard's own)."
                )
            case .trailChanged:
                people.append(
                    "Trail \(resource) was changed (\(artifact.eventName)): compare it with its intended settings.")
            case .detectorDeleted:
                people.append(
                    "GuardDuty detector \(resource) was deleted in \(artifact.region): enable GuardDuty again (`rootguard harden monitoring --apply`)."
                )
            case .detectorChanged:
                monitoring.append(
                    change(
                        "guardduty", "UpdateDetector", "detector \(resource) in \(artifact.region) → enabled", artifact)
                )
            case .configRecorderStopped:
                monitoring.append(
                    change("config", "StartConfigurationRecorder", "\(resource) in \(artifact.region)", artifact))
            case .configRecorderDeleted:
                people.append(
                    "Config recorder \(resource) was deleted in \(artifact.region): recreate it (`rootguard harden monitoring --apply`)."
                )
            case .ruleDisabled:
                monitoring.append(change("events", "EnableRule", "rule \(resource) in \(artifact.region)", artifact))
            case .ruleDeleted:
                people.append(
                    "EventBridge rule \(resource) was deleted in \(artifact.region): recreate it (`rootguard harden monitoring --apply`)."
                )
            case .scpDetached:
                monitoring.append(
                    change("organizations", "AttachPolicy", "\(resource) → \(artifact.owner ?? "?")", artifact))
            case .securityHubDisabled:
                monitoring.append(change("securityhub", "EnableSecurityHub", artifact.region, artifact))
            }
        }
        // Root was used: its credentials go, through a privileged session where one exists, else by a person.
        do {
            if memberWithRootSessions {
                credentials.insert(
                    PlannedChange(
                        service: "sts", action: "AssumeRoot",
                        resource: "\(account) root: IAMDeleteRootUserCredentials (every root credential)",
                        why: "root was used; its credentials are removed through a privileged session"),
                    at: 0)
            } else {
                people.append(
                    "Sign in as root: change the password, review every MFA device, delete root access keys and signing certificates (this account's root cannot be reached through a privileged session)."
                )
            }
        }
        return Plan(changes: credentials + identities + monitoring, forPeople: people)
    }
}
