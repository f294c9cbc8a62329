import Foundation
import RootGuardModel

/// What a root session left behind, read from its CloudTrail records: the identities, credentials, trust and
/// permissions it created, root's own new credentials, and the monitoring it switched off. Only calls that succeeded
/// count (a refused CreateUser left nothing). Each artifact names the resource as a responder needs it to confirm it
/// against the account's state and to contain it (`rootguard respond` builds its plan from these).
public enum SessionAftermath {
    public struct Artifact: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            // Identities and their credentials.
            case user, accessKey, signingCertificate, loginProfile, role, trustPolicy, userPolicy, rolePolicy,
                groupPolicy
            case groupMembership, identityProvider, mfaDevice
            // Root's own.
            case rootAccessKey, rootSigningCertificate, rootPassword, rootEmail, rootMFADevice
            // Monitoring switched off.
            case trailStopped, trailDeleted, trailChanged, detectorDeleted, detectorChanged, configRecorderStopped
            case configRecorderDeleted, ruleDisabled, ruleDeleted, scpDetached, securityHubDisabled
        }

        public var kind: Kind
        /// The resource: a user or role name, an access key id, a trail name or ARN, a detector id, a rule name…
        public var resource: String
        /// The owner when the resource belongs to another (the user of an access key, the role of a policy).
        public var owner: String?
        /// One line: what happened.
        public var summary: String
        public var account: String
        public var region: String
        public var eventName: String
        public var eventID: String
        public var eventTime: String

        public init(
            kind: Kind, resource: String, owner: String?, summary: String, account: String, region: String,
            eventName: String, eventID: String, eventTime: String
        ) {
            self.kind = kind
            self.resource = resource
            self.owner = owner
            self.summary = summary
            self.account = account
            self.region = region
            self.eventName = eventName
            self.eventID = eventID
            self.eventTime = eventTime
        }

        /// True for what weakens monitoring rather than adding a way in.
        public var isMonitoring: Bool {
            switch kind {
            case .trailStopped, .trailDeleted, .trailChanged, .detectorDeleted, .detectorChanged,
                .configRecorderStopped, .configRecorderDeleted, .ruleDisabled, .ruleDeleted, .scpDetached,
                .securityHubDisabled:
                true
            default: false
            }
        }
    }

    /// The artifacts of these records, in record order (at most one per successful call).
    public static func artifacts(in events: [CloudTrailEvent]) -> [Artifact] {
        events.compactMap(artifact)
    }

    /// The artifact of one record, or nil (a read, a failed call, or nothing that stays).
    public static func artifact(_ event: CloudTrailEvent) -> Artifact? {
        guard event.errorCode == nil else { return nil }
        func make(_ kind: Artifact.Kind, _ resource: String?, owner: String? = nil, _ summary: String) -> Artifact? {
            guard let resource, !resource.isEmpty else { return nil }
            return Artifact(
                kind: kind, resource: resource, owner: owner, summary: summary, account: event.accountId,
                region: event.region, eventName: event.eventName, eventID: event.eventID,
                eventTime: event.eventTimeText)
        }
        let request = { (key: String) in event.string("requestParameters", key) }
        let user = request("userName")
        let isRootTarget = user == nil || RootTasks.isRootUserName(user ?? "")
        switch (event.eventSource, event.eventName) {
        case ("iam.amazonaws.com", "CreateUser"):
            return make(.user, user, "created IAM user \(user ?? "?")")
        case ("iam.amazonaws.com", "CreateAccessKey"):
            let key =
                event.string("responseElements", "accessKey", "accessKeyId")
                ?? "(key id not in the record)"
            if isRootTarget && event.isRoot {
                return make(.rootAccessKey, key, "created a root access key \(key)")
            }
            return make(.accessKey, key, owner: user, "created access key \(key) for \(user ?? "?")")
        case ("iam.amazonaws.com", "CreateLoginProfile"), ("iam.amazonaws.com", "UpdateLoginProfile"):
            if isRootTarget && event.isRoot {
                return make(.rootPassword, "root", "\(event.eventName): a root console password")
            }
            return make(.loginProfile, user, "\(event.eventName) for \(user ?? "?") (console password)")
        case ("iam.amazonaws.com", "CreateRole"):
            let role = request("roleName")
            let outsiders =
                request("assumeRolePolicyDocument").map {
                    Persistence.trustedOutsiders($0, account: event.accountId)
                } ?? []
            let trust = outsiders.isEmpty ? "" : " trusting \(outsiders.joined(separator: ", "))"
            return make(.role, role, "created role \(role ?? "?")\(trust)")
        case ("iam.amazonaws.com", "UpdateAssumeRolePolicy"):
            let role = request("roleName")
            let outsiders =
                request("policyDocument").map {
                    Persistence.trustedOutsiders($0, account: event.accountId)
                } ?? []
            let trust = outsiders.isEmpty ? "" : " to trust \(outsiders.joined(separator: ", "))"
            return make(.trustPolicy, role, "changed the trust policy of role \(role ?? "?")\(trust)")
        case ("iam.amazonaws.com", "AttachUserPolicy"), ("iam.amazonaws.com", "PutUserPolicy"):
            let policy = request("policyArn") ?? request("policyName")
            return make(.userPolicy, policy, owner: user, "\(event.eventName) \(policy ?? "?") on user \(user ?? "?")")
        case ("iam.amazonaws.com", "AttachRolePolicy"), ("iam.amazonaws.com", "PutRolePolicy"):
            let policy = request("policyArn") ?? request("policyName")
            let role = request("roleName")
            return make(.rolePolicy, policy, owner: role, "\(event.eventName) \(policy ?? "?") on role \(role ?? "?")")
        case ("iam.amazonaws.com", "AttachGroupPolicy"), ("iam.amazonaws.com", "PutGroupPolicy"):
            let policy = request("policyArn") ?? request("policyName")
            let group = request("groupName")
            return make(
                .groupPolicy, policy, owner: group, "\(event.eventName) \(policy ?? "?") on group \(group ?? "?")")
        case ("iam.amazonaws.com", "AddUserToGroup"):
            return make(
                .groupMembership, user, owner: request("groupName"),
                "added \(user ?? "?") to group \(request("groupName") ?? "?")")
        case ("iam.amazonaws.com", "CreateSAMLProvider"), ("iam.amazonaws.com", "CreateOpenIDConnectProvider"):
            let provider =
                event.string("responseElements", "sAMLProviderArn")
                ?? event.string("responseElements", "openIDConnectProviderArn") ?? request("name") ?? request("url")
            return make(.identityProvider, provider, "\(event.eventName) \(provider ?? "?")")
        case ("iam.amazonaws.com", "EnableMFADevice"), ("iam.amazonaws.com", "CreateVirtualMFADevice"):
            let serial = request("serialNumber") ?? request("virtualMFADeviceName")
            if isRootTarget && event.isRoot && event.eventName == "EnableMFADevice" {
                return make(.rootMFADevice, serial, "enabled MFA device \(serial ?? "?") on root")
            }
            return make(.mfaDevice, serial, owner: user, "\(event.eventName) \(serial ?? "?")")
        case ("iam.amazonaws.com", "UploadSigningCertificate"):
            let id = event.string("responseElements", "certificate", "certificateId") ?? "(id not in the record)"
            if isRootTarget && event.isRoot {
                return make(.rootSigningCertificate, id, "uploaded a root signing certificate \(id)")
            }
            return make(.signingCertificate, id, owner: user, "uploaded signing certificate \(id) for \(user ?? "?")")
        case ("signin.amazonaws.com", "PasswordUpdated"), ("iam.amazonaws.com", "ChangePassword"):
            return event.isRoot ? make(.rootPassword, "root", "changed the root password") : nil
        case ("signin.amazonaws.com", "EmailUpdated"), ("account.amazonaws.com", "AcceptPrimaryEmailUpdate"):
            return make(.rootEmail, "root", "changed the root e-mail address")
        case ("cloudtrail.amazonaws.com", "StopLogging"):
            return make(.trailStopped, request("name"), "stopped trail \(request("name") ?? "?")")
        case ("cloudtrail.amazonaws.com", "DeleteTrail"):
            return make(.trailDeleted, request("name"), "deleted trail \(request("name") ?? "?")")
        case ("cloudtrail.amazonaws.com", "UpdateTrail"), ("cloudtrail.amazonaws.com", "PutEventSelectors"):
            let trail = request("name") ?? request("trailName")
            return make(.trailChanged, trail, "\(event.eventName) on trail \(trail ?? "?")")
        case ("guardduty.amazonaws.com", "DeleteDetector"):
            return make(
                .detectorDeleted, request("detectorId"), "deleted GuardDuty detector \(request("detectorId") ?? "?")")
        case ("guardduty.amazonaws.com", "UpdateDetector"):
            guard case .bool(false)? = event["requestParameters", "enable"] else { return nil }
            return make(
                .detectorChanged, request("detectorId"), "disabled GuardDuty detector \(request("detectorId") ?? "?")")
        case ("config.amazonaws.com", "StopConfigurationRecorder"):
            let name = request("configurationRecorderName")
            return make(.configRecorderStopped, name, "stopped Config recorder \(name ?? "?")")
        case ("config.amazonaws.com", "DeleteConfigurationRecorder"):
            let name = request("configurationRecorderName")
            return make(.configRecorderDeleted, name, "deleted Config recorder \(name ?? "?")")
        case ("events.amazonaws.com", "DisableRule"):
            return make(.ruleDisabled, request("name"), "disabled EventBridge rule \(request("name") ?? "?")")
        case ("events.amazonaws.com", "DeleteRule"):
            return make(.ruleDeleted, request("name"), "deleted EventBridge rule \(request("name") ?? "?")")
        case ("organizations.amazonaws.com", "DetachPolicy"):
            let policy = request("policyId")
            return make(
                .scpDetached, policy, owner: request("targetId"),
                "detached policy \(policy ?? "?") from \(request("targetId") ?? "?")")
        case ("securityhub.amazonaws.com", "DisableSecurityHub"):
            return make(.securityHubDisabled, event.region, "disabled Security Hub in \(event.region)")
        default:
            return nil
        }
    }
}
