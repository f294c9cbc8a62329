import Foundation
import RootGuardModel

/// Turns one decoded CloudTrail record into the detections it carries.
///
/// Decisions where public rules disagree (shared research, "where the anchors disagree"): failed and
/// read-only root calls are root use; `invokedBy: signin.amazonaws.com` (the 2016–2020 console shape)
/// is root use; other `invokedBy` values and `AwsServiceEvent` records are service activity, reported
/// only on request; the AssumeRoot call and the actions in its session are told apart from ordinary
/// root use by joining on the session's access key (done later, by `TrailAnalysis`).
public enum Detector {
    /// Names matched even when the identity is not typed Root (the caller is not root, or the
    /// identity type of the record is undocumented).
    static var namedEvents: Set<String> { RootEventNames.byOtherCallers }

    /// True when the record is worth keeping for classification.
    public static func isRelevant(_ event: CloudTrailEvent) -> Bool {
        event.isRoot || namedEvents.contains(event.eventName)
    }

    /// The detections of one record, before correlation and triage.
    public static func detections(for event: CloudTrailEvent, includeServiceEvents: Bool) -> [Detection] {
        let name = event.eventName
        if name == "AssumeRoot", event.eventSource == "sts.amazonaws.com", !event.isRoot {
            var detection = make(DetectionCatalog.assumeRootRequested, event, credential: callerCredential(event))
            detection.details["caller"] = event.string("userIdentity", "arn")
            detection.details["targetAccount"] = targetAccount(event)
            detection.details["taskPolicy"] =
                event.string("requestParameters", "taskPolicyArn", "arn")
                ?? event.string("requestParameters", "taskPolicyArn")
            detection.details["issuedAccessKeyId"] = event.string("responseElements", "credentials", "accessKeyId")
            return [detection]
        }
        if name == "StartPrimaryEmailUpdate" || name == "AcceptPrimaryEmailUpdate" {
            var detection = make(DetectionCatalog.emailChanged, event, credential: callerCredential(event))
            detection.details["caller"] = event.string("userIdentity", "arn")
            if let account = event.string("requestParameters", "accountId") {
                detection.details["targetAccount"] = account
            }
            return [detection]
        }
        if name.hasPrefix("PasswordRecovery"), event.eventSource == "signin.amazonaws.com" {
            let type = event.identityType
            guard type == nil || type == "Root" || type == "Unknown" else { return [] }
            let kind =
                name == "PasswordRecoveryCompleted"
                ? DetectionCatalog.passwordRecoveryCompleted : DetectionCatalog.passwordRecoveryRequested
            return [make(kind, event, credential: .signIn)]
        }
        guard event.isRoot else { return [] }

        let invokedBy = event.invokedBy
        let legacyConsole = invokedBy == "signin.amazonaws.com"
        if event.eventType == "AwsServiceEvent" || (invokedBy != nil && !legacyConsole) {
            guard includeServiceEvents else { return [] }
            var detection = make(DetectionCatalog.serviceEvent, event, credential: .service)
            detection.details["invokedBy"] = invokedBy
            return [detection]
        }

        if event.eventSource == "signin.amazonaws.com" {
            return [signIn(event)]
        }
        if event.eventType == "AwsConsoleSignIn" {
            return [make(DetectionCatalog.consoleAction, event, credential: .consoleSession)]
        }

        // An API call: one detection for the credential used, one for what it did, and one when
        // the task did not need root at all.
        let credential = credentialKind(event)
        var result: [Detection] = []
        let credentialDetection: DetectionKind =
            switch credential {
            case .accessKey: DetectionCatalog.apiCallAccessKey
            case .consoleSession: DetectionCatalog.apiCallConsoleSession
            default: DetectionCatalog.apiCallSession
            }
        result.append(make(credentialDetection, event, credential: credential))
        if let specific = specificDetection(event, credential: credential) { result.append(specific) }
        if isTask(event), !RootTasks.requiresRoot(event) {
            result.append(make(DetectionCatalog.unneededTask, event, credential: credential))
        }
        return result
    }

    // MARK: - Sign-in

    private static func signIn(_ event: CloudTrailEvent) -> Detection {
        let name = event.eventName
        let outcome = signInOutcome(event)
        switch name {
        case "ConsoleLogin":
            if outcome == .failure { return make(DetectionCatalog.consoleLoginFailure, event, credential: .signIn) }
            let mfa = event.flag("additionalEventData", "MFAUsed", equals: "Yes")
            var detection = make(
                mfa ? DetectionCatalog.consoleLoginMFA : DetectionCatalog.consoleLoginNoMFA, event,
                credential: .signIn)
            if let device = event.string("additionalEventData", "MFAIdentifier") {
                detection.details["mfaDevice"] = device
                detection.details["mfaType"] = device.contains(":u2f/") ? "security-key" : "virtual-or-hardware-totp"
            }
            return detection
        case "PasswordUpdated":
            return make(DetectionCatalog.passwordChanged, event, credential: .signIn)
        case "EmailUpdated":
            return make(DetectionCatalog.emailChanged, event, credential: .signIn)
        default:
            return make(DetectionCatalog.signInOther, event, credential: .signIn)
        }
    }

    static func signInOutcome(_ event: CloudTrailEvent) -> Outcome {
        if event.errorCode != nil || event.errorMessage != nil { return .failure }
        if case .string(let value)? = event["responseElements", event.eventName],
            value.caseInsensitiveCompare("Failure") == .orderedSame
        {
            return .failure
        }
        return .success
    }

    // MARK: - API calls

    /// The credential a root API call used.
    static func credentialKind(_ event: CloudTrailEvent) -> CredentialKind {
        let key = event.accessKeyId ?? ""
        if key.hasPrefix("AKIA") { return .accessKey }
        if event.flag("sessionCredentialFromConsole", equals: "true") || event.invokedBy == "signin.amazonaws.com" {
            return .consoleSession
        }
        // Older records mark console use only in the user agent: console.amazonaws.com,
        // console.ec2.amazonaws.com, signin.amazonaws.com, [S3Console/0.4].
        let agent = event.userAgent ?? ""
        if agent.hasPrefix("console.") || agent == "signin.amazonaws.com" || agent.contains("Console/") {
            return .consoleSession
        }
        // Temporary credentials (GetSessionToken, AssumeRoot) always carry a session context; an API
        // call without one was signed with a long-term access key, even when the key ID is not logged.
        if key.hasPrefix("ASIA") || event.has("userIdentity", "sessionContext") { return .session }
        return .accessKey
    }

    private static func callerCredential(_ event: CloudTrailEvent) -> CredentialKind {
        (event.accessKeyId ?? "").hasPrefix("AKIA") ? .accessKey : .session
    }

    /// A write, not a read: reads are what every console page does on its own.
    static func isTask(_ event: CloudTrailEvent) -> Bool {
        if let readOnly = event.readOnly { return !readOnly }
        let name = event.eventName
        return !["Get", "List", "Describe", "Head", "Lookup", "Search", "Check"].contains { name.hasPrefix($0) }
    }

    private static func specificDetection(_ event: CloudTrailEvent, credential: CredentialKind) -> Detection? {
        let name = event.eventName
        let forOther = event.string("requestParameters", "userName").map { !RootTasks.isRootUserName($0) } ?? false
        if event.eventSource == "iam.amazonaws.com" {
            switch name {
            case "CreateAccessKey" where !forOther:
                var detection = make(DetectionCatalog.accessKeyCreated, event, credential: credential)
                detection.details["newAccessKeyId"] = event.string("responseElements", "accessKey", "accessKeyId")
                return detection
            case "UpdateAccessKey" where !forOther:
                return make(DetectionCatalog.accessKeyUpdated, event, credential: credential)
            case "DeleteAccessKey" where !forOther:
                return make(DetectionCatalog.accessKeyDeleted, event, credential: credential)
            case "UploadSigningCertificate" where !forOther:
                return make(DetectionCatalog.signingCertificateUploaded, event, credential: credential)
            case "CreateLoginProfile" where !forOther:
                return make(DetectionCatalog.loginProfileCreated, event, credential: credential)
            case "DeleteLoginProfile" where !forOther:
                return make(DetectionCatalog.loginProfileDeleted, event, credential: credential)
            case "CreateVirtualMFADevice", "EnableMFADevice", "DeactivateMFADevice", "DeleteVirtualMFADevice",
                "ResyncMFADevice":
                guard RootTasks.isRootMFAChange(event) else { break }
                let kind: DetectionKind =
                    switch name {
                    case "CreateVirtualMFADevice": DetectionCatalog.mfaCreated
                    case "DeactivateMFADevice": DetectionCatalog.mfaDeactivated
                    case "DeleteVirtualMFADevice": DetectionCatalog.mfaDeleted
                    default: DetectionCatalog.mfaEnabled
                    }
                var detection = make(kind, event, credential: credential)
                detection.details["serialNumber"] =
                    event.string("requestParameters", "serialNumber")
                    ?? event.string("responseElements", "virtualMFADevice", "serialNumber")
                return detection
            default:
                break
            }
        }
        if let what = Persistence.describe(event) {
            var detection = make(DetectionCatalog.persistence, event, credential: credential)
            detection.details["persistence"] = what
            return detection
        }
        return nil
    }

    // MARK: - Building

    static func targetAccount(_ event: CloudTrailEvent) -> String? {
        if let target = event.string("requestParameters", "targetPrincipal") {
            // An account ID, or an ARN naming one.
            if let account = ARN.firstAccount(in: target) { return account.rawValue }
            return target
        }
        if case .array(let resources)? = event["resources"] {
            for case .object(let resource) in resources {
                if case .string(let account)? = resource["accountId"] { return account }
            }
        }
        return nil
    }

    static func make(_ kind: DetectionKind, _ event: CloudTrailEvent, credential: CredentialKind) -> Detection {
        var mfa: Bool?
        if event.eventName == "ConsoleLogin" {
            mfa = event.flag("additionalEventData", "MFAUsed", equals: "Yes")
        } else if event.has("userIdentity", "sessionContext", "attributes", "mfaAuthenticated") {
            mfa = event.flag("userIdentity", "sessionContext", "attributes", "mfaAuthenticated", equals: "true")
        }
        let outcome =
            event.eventSource == "signin.amazonaws.com"
            ? signInOutcome(event) : (event.errorCode != nil || event.errorMessage != nil ? .failure : .success)
        return Detection(
            eventID: event.eventID, eventTime: event.eventTime ?? Date(timeIntervalSince1970: 0),
            accountId: event.accountId, region: event.region,
            eventName: event.eventName, eventSource: event.eventSource, detection: kind.id, severity: kind.severity,
            title: kind.title, expected: false, approval: nil, source: event.source,
            sourceIPAddress: event.sourceIPAddress, userAgent: event.userAgent, mfaUsed: mfa, credential: credential,
            accessKeyId: event.accessKeyId.flatMap { $0.isEmpty ? nil : $0 }, outcome: outcome,
            errorCode: event.errorCode,
            details: event.eventTime == nil
                ? [
                    "timeUnknown": event.eventTimeText.isEmpty
                        ? "no eventTime" : "eventTime '\(event.eventTimeText.prefix(40))'"
                ]
                : [:])
    }
}
