import Foundation
import RootGuardModel

/// What only the root user can do, and how to recognise root acting on its own credentials.
///
/// The list follows AWS's "Tasks that require root user credentials" (IAM User Guide): managing the
/// root user's own password, access keys, signing certificates and MFA; the e-mail address; closing
/// the account; S3 MFA delete; unlocking an S3 bucket policy or an SQS queue policy that denies all
/// principals; and the AssumeRoot task policies, which cover the same ground. Everything else root
/// does could be done by an IAM identity and is reported as `root-unneeded-task` (writes only).
enum RootTasks {
    static let rootOnlyActions: Set<String> = [
        "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:UploadSigningCertificate",
        "iam:UpdateSigningCertificate", "iam:DeleteSigningCertificate", "iam:CreateVirtualMFADevice",
        "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice", "iam:ResyncMFADevice",
        "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:DeleteLoginProfile",
        "account:CloseAccount", "account:StartPrimaryEmailUpdate", "account:AcceptPrimaryEmailUpdate",
        "s3:PutBucketVersioning", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
        "sqs:SetQueueAttributes", "sqs:RemovePermission",
    ]

    /// Actions that need root only when root does them to itself (no `userName`, or root's own).
    static let selfOnlyActions: Set<String> = [
        "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:UploadSigningCertificate",
        "iam:UpdateSigningCertificate", "iam:DeleteSigningCertificate", "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile", "iam:DeleteLoginProfile",
    ]

    static func requiresRoot(_ event: CloudTrailEvent) -> Bool {
        let action = event.action
        guard rootOnlyActions.contains(action) else { return false }
        if selfOnlyActions.contains(action), let user = event.string("requestParameters", "userName") {
            return isRootUserName(user)
        }
        if action.hasPrefix("iam:") && action.contains("MFA") { return isRootMFAChange(event) }
        return true
    }

    /// How records name the root user in `requestParameters.userName`.
    static func isRootUserName(_ name: String) -> Bool {
        name == "AWS ROOT USER" || name == "root" || name.isEmpty
    }

    /// True when an MFA API call changes the root user's own device (not an IAM user's).
    static func isRootMFAChange(_ event: CloudTrailEvent) -> Bool {
        if let user = event.string("requestParameters", "userName") { return isRootUserName(user) }
        let serial =
            event.string("requestParameters", "serialNumber")
            ?? event.string("responseElements", "virtualMFADevice", "serialNumber") ?? ""
        if serial.hasSuffix(":mfa/root-account-mfa-device") || serial.contains(":u2f/root/") { return true }
        if let name = event.string("requestParameters", "virtualMFADeviceName") {
            return name == "root-account-mfa-device"
        }
        // Enable/Deactivate without a user name act on the caller: root itself.
        return serial.isEmpty || event.eventName == "EnableMFADevice" || event.eventName == "DeactivateMFADevice"
    }
}

/// Root creating a way back in: identities, credentials for others, cross-account trust, permissions.
enum Persistence {
    static let alwaysPersistence: Set<String> = [
        "CreateUser", "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "PutUserPolicy", "PutRolePolicy",
        "PutGroupPolicy", "AddUserToGroup", "CreatePolicyVersion", "CreateSAMLProvider", "CreateOpenIDConnectProvider",
        "CreateServiceSpecificCredential", "UploadSSHPublicKey",
    ]
    static let forOtherUsers: Set<String> = [
        "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile", "UploadSigningCertificate",
    ]

    /// A one-line description when the call creates persistence, else nil.
    static func describe(_ event: CloudTrailEvent) -> String? {
        guard event.eventSource == "iam.amazonaws.com" else { return nil }
        let name = event.eventName
        let user = event.string("requestParameters", "userName")
        if alwaysPersistence.contains(name) {
            let target =
                user ?? event.string("requestParameters", "roleName") ?? event.string("requestParameters", "groupName")
                ?? event.string("requestParameters", "policyArn") ?? event.string("requestParameters", "name")
            return target.map { "\(name) \($0)" } ?? name
        }
        if forOtherUsers.contains(name), let user, !RootTasks.isRootUserName(user) {
            return "\(name) for \(user)"
        }
        if name == "CreateRole" || name == "UpdateAssumeRolePolicy" {
            let document =
                event.string("requestParameters", "assumeRolePolicyDocument")
                ?? event.string("requestParameters", "policyDocument")
            let role = event.string("requestParameters", "roleName") ?? "a role"
            let outsiders = document.map { trustedOutsiders($0, account: event.accountId) } ?? []
            guard !outsiders.isEmpty else { return nil }
            return "\(name) \(role) trusting \(outsiders.joined(separator: ", "))"
        }
        return nil
    }

    /// AWS principals in a trust policy that are not the account itself ("*" included).
    static func trustedOutsiders(_ document: String, account: String) -> [String] {
        let text = document.removingPercentEncoding ?? document
        guard let data = text.data(using: .utf8), let policy = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return [] }
        var statements: [JSONValue] = []
        switch policy.value(at: ["Statement"]) {
        case .array(let list)?: statements = list
        case let single?: statements = [single]
        case nil: break
        }
        var outsiders: [String] = []
        for statement in statements {
            guard case .string("Allow")? = statement.value(at: ["Effect"]) else { continue }
            var principals: [String] = []
            switch statement.value(at: ["Principal"]) {
            case .string(let value)?: principals.append(value)
            case .object(let object)?:
                switch object["AWS"] {
                case .string(let value)?: principals.append(value)
                case .array(let values)?:
                    for case .string(let value) in values { principals.append(value) }
                default: break
                }
            default: break
            }
            for principal in principals {
                let owner =
                    principal == "*"
                    ? "*"
                    : ARN(rawValue: principal)?.accountField ?? principal
                if owner != account { outsiders.append(principal) }
            }
        }
        return outsiders
    }
}
