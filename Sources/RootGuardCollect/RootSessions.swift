import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardPolicy

/// Task-scoped root sessions in member accounts (`sts:AssumeRoot`, Organizations centralised root access).
public struct RootSessions: Sendable {
    /// The five task policies AWS offers (`arn:<partition>:iam::aws:policy/root-task/<name>`).
    public enum Task: String, Sendable, CaseIterable {
        case audit = "IAMAuditRootUserCredentials"
        case createPassword = "IAMCreateRootUserPassword"
        case deleteCredentials = "IAMDeleteRootUserCredentials"
        case unlockBucket = "S3UnlockBucketPolicy"
        case unlockQueue = "SQSUnlockQueuePolicy"

        /// `arn:<partition>:iam::aws:policy/root-task/<task>`.
        public func policyARN(partition: String) -> String { "arn:\(partition):iam::aws:policy/root-task/\(rawValue)" }

        /// The organization feature the task needs.
        public var feature: Feature {
            switch self {
            case .audit, .createPassword, .deleteCredentials: .credentialsManagement
            case .unlockBucket, .unlockQueue: .sessions
            }
        }

        /// The actions rootguard calls in a session of this task (each one the task policy allows): what an approval
        /// of the session permits.
        public var actions: [String] {
            switch self {
            case .audit: RootSessions.auditActions
            case .createPassword: ["iam:GetLoginProfile", "iam:CreateLoginProfile"]
            case .deleteCredentials: RootSessions.deleteActions
            case .unlockBucket: ["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"]
            case .unlockQueue: ["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"]
            }
        }
    }

    /// The organization feature each privileged task needs: the three credential tasks need centralised root
    /// credentials management, the bucket and queue unlocks need centralised root sessions. One rule for audit,
    /// respond, root-task and harden remove-root-credentials.
    public enum Feature: String, Sendable, CaseIterable {
        case credentialsManagement = "RootCredentialsManagement"
        case sessions = "RootSessions"

        public var name: String {
            switch self {
            case .credentialsManagement: "centralised root credentials management (RootCredentialsManagement)"
            case .sessions: "centralised root sessions (RootSessions)"
            }
        }

        public var enableAction: String {
            switch self {
            case .credentialsManagement: "iam:EnableOrganizationsRootCredentialsManagement"
            case .sessions: "iam:EnableOrganizationsRootSessions"
            }
        }
    }

    /// Why `task` cannot run given the organization's features (`iam:ListOrganizationsFeatures`), nil when it may:
    /// a feature that is off is named with the command that turns it on; features that could not be read are
    /// unknown (with the missing permission), never "off" — the session is then tried, and its own answer stands.
    public static func gate(_ task: Task, features: Collected<[String]>) -> Unavailable? {
        guard case .value(let enabled) = features, !enabled.contains(task.feature.rawValue) else { return nil }
        return Unavailable(
            kind: .notEnabled,
            reason:
                "\(task.rawValue) (sts:AssumeRoot) needs \(task.feature.name), which is off in this organization (iam:ListOrganizationsFeatures: \(enabled.isEmpty ? "no feature enabled" : enabled.sorted().joined(separator: ", "))); `rootguard harden org-root-access` turns it on",
            code: "\(task.feature.rawValue)NotEnabled", action: task.feature.enableAction)
    }

    /// The organization's enabled root-access features, or why they could not be read.
    public static func features(_ client: AWSClient) async -> Collected<[String]> {
        do {
            return .value(try await client.iam().listOrganizationsFeatures().enabledFeatures ?? [])
        } catch let error as AWSError {
            var reason = Unavailable(error)
            reason.reason =
                "the organization's root-access features could not be read (iam:ListOrganizationsFeatures): \(error.description)"
            return .unavailable(reason)
        } catch {
            return .unavailable(
                Unavailable(
                    kind: .error,
                    reason: "the organization's root-access features could not be read: \(error)",
                    action: "iam:ListOrganizationsFeatures"))
        }
    }

    public static let requiredActions = ["sts:AssumeRoot"]
    public static let auditActions = [
        "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:ListMFADevices",
    ]
    public static let deleteActions = [
        "iam:DeleteLoginProfile", "iam:DeleteAccessKey", "iam:DeleteSigningCertificate", "iam:DeactivateMFADevice",
    ]

    /// Approves a session before it starts (`rootguard root-task` writes an approval entry); an error stops the
    /// session from being opened.
    public protocol Approver: Sendable {
        func approve(account: AccountID, task: Task, client: AWSClient) async throws
    }

    /// The caller: the management account or the IAM delegated administrator (not root).
    public let client: AWSClient
    /// Called before every AssumeRoot call; nil: sessions are opened unapproved (the audit's reads).
    public let approver: (any Approver)?

    /// The organization's root-access features when the caller already read them (nil: each session reads them).
    public let features: Collected<[String]>?
    /// Whether each session checks first that the account is an active member and that its SCPs let the task's
    /// actions through in a privileged session (`audit --org` checks them only for sessions it approves, with
    /// `--approvals`: without, it reads the SCPs itself and judges them in its findings).
    public let checksPreconditions: Bool
    /// What a run already read (features, each account's membership and SCPs, open sessions), shared by every
    /// `RootSessions` of the run: nil reads everything again.
    public let memo: Memo?

    /// A run's memory of what privileged sessions needed: the organization's features, each account's membership
    /// and SCP levels, and each account's open session per task (reused while it has more than two minutes left —
    /// `respond`'s re-check reads with the session its first read opened).
    public final class Memo: @unchecked Sendable {
        let lock = NSLock()
        var features: Collected<[String]>?
        var members: [String: Result<[SCPEvaluator.Level]?, Refused>] = [:]
        var sessions: [String: (client: AWSClient, until: Date)] = [:]
        public init() {}
        /// The features a caller already read (so no session reads them again).
        public func remember(features: Collected<[String]>) { lock.withLock { self.features = features } }
    }

    public init(
        client: AWSClient, approver: (any Approver)? = nil, features: Collected<[String]>? = nil,
        checksPreconditions: Bool = true, memo: Memo? = nil
    ) {
        self.client = client
        self.approver = approver
        self.features = features
        self.checksPreconditions = checksPreconditions
        self.memo = memo
    }

    /// A session refused before it is approved or opened: why, in one line.
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Before any approval: `account` is an active member of the caller's organization, and its SCPs, evaluated by
    /// rootguard's own evaluator as `policy simulate --assumed-root` does (root of the member, `aws:AssumedRoot`
    /// true), allow every action the task calls. moto enforces no SCP and AWS would refuse the session's calls one by
    /// one: the refusal comes first, naming the SCP and its statement. What cannot be read (a delegated
    /// administrator without Organizations reads) is left to the session itself.
    public func preconditions(account: AccountID, task: Task) async throws {
        let levels: [SCPEvaluator.Level]?
        if let known = memo?.lock.withLock({ memo?.members[account.rawValue] }) {
            levels = try known.get()
        } else {
            do {
                levels = try await member(account: account, task: task)
                memo?.lock.withLock { memo?.members[account.rawValue] = .success(levels) }
            } catch let refused as Refused {
                memo?.lock.withLock { memo?.members[account.rawValue] = .failure(refused) }
                throw refused
            }
        }
        guard let levels else { return }
        let partition = client.configuration.region.partition.name
        for action in task.actions {
            let context = RequestContext.root(
                account: account, partition: partition, action: action, resource: "*", assumedRoot: true)
            let result = SCPEvaluator.evaluate(levels: levels, context)
            guard !result.permitted else { continue }
            throw Refused(
                description:
                    "\(task.rawValue) in \(account): \(action) is \(result.explanation) (evaluated as the member's root with aws:AssumedRoot true, as `rootguard policy simulate --assumed-root` does) — a privileged session's calls are root's: exempt them in that SCP with a Null condition on aws:AssumedRoot, as rootguard's own deny-root SCP does"
            )
        }
    }

    /// The account is an active member: its SCP levels (nil when they cannot be read, or the membership cannot).
    func member(account: AccountID, task: Task) async throws -> [SCPEvaluator.Level]? {
        do {
            let described = try await client.organizations().describeAccount(.init(accountId: account.rawValue))
            let state = described.account?.state ?? described.account?.status
            if let state, state != "ACTIVE" {
                throw Refused(description: "\(account) is \(state) in the organization, not an active member")
            }
        } catch let error as AWSError where error.code == "AccountNotFoundException" {
            throw Refused(
                description:
                    "\(account) is not a member of the caller's organization: a privileged root session reaches members only"
            )
        } catch let error as AWSError where error.code == "AWSOrganizationsNotInUseException" {
            throw Refused(
                description:
                    "the caller's account is in no organization: a privileged root session (\(task.rawValue)) reaches members of the caller's organization only"
            )
        } catch let error as AWSError where error.kind == .accessDenied {
            return nil
        }
        return try? await SCPPathCollector(client: client).levels(account: account.rawValue)
    }

    /// A task refused before any session: the feature it needs is off.
    public struct FeatureOff: Error, CustomStringConvertible {
        public let unavailable: Unavailable
        public var description: String { unavailable.reason }
    }

    /// A client acting as `account`'s root user for `task` (at most 15 minutes), approved first when an approver
    /// is set.
    public func session(account: AccountID, task: Task) async throws -> AWSClient {
        // The feature the task needs, before anything is approved: a session that cannot run is never approved.
        let known: Collected<[String]>
        if let features {
            known = features
        } else if let read = memo?.lock.withLock({ memo?.features }) {
            known = read
        } else {
            known = await Self.features(client)
            memo?.lock.withLock { memo?.features = known }
        }
        if let off = Self.gate(task, features: known) { throw FeatureOff(unavailable: off) }
        let key = "\(account)/\(task.rawValue)"
        if let open = memo?.lock.withLock({ memo?.sessions[key] }), open.until > Date().addingTimeInterval(120) {
            return open.client
        }
        if checksPreconditions { try await preconditions(account: account, task: task) }
        try await approver?.approve(account: account, task: task, client: client)
        let partition = client.configuration.region.partition.name
        let output = try await client.sts().assumeRoot(
            .init(
                targetPrincipal: account.rawValue,
                taskPolicyArn: .init(arn: task.policyARN(partition: partition)),
                durationSeconds: 900))
        guard let credentials = output.credentials, let id = credentials.accessKeyId,
            let secret = credentials.secretAccessKey
        else {
            throw AWSError(
                kind: .malformedResponse, code: "NoCredentials", message: "AssumeRoot returned no credentials",
                service: "sts",
                operation: "AssumeRoot")
        }
        let session = client.with(
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(
                    accessKeyID: id, secretAccessKey: secret, sessionToken: credentials.sessionToken,
                    expiration: credentials.expiration, accountID: account.rawValue,
                    source: "AssumeRoot \(task.rawValue) in \(account)")))
        let until = credentials.expiration ?? Date().addingTimeInterval(900)
        memo?.lock.withLock { memo?.sessions[key] = (session, until) }
        return session
    }

    /// Everything the member's root user holds (ROOT-BP 14), read with the audit task policy.
    public func inventory(account: AccountID) async throws -> RootCredentialInventory {
        try await inventory(account: account, using: try await session(account: account, task: .audit))
    }

    func inventory(account: AccountID, using root: AWSClient) async throws -> RootCredentialInventory {
        let iam = root.iam()
        var loginProfile = true
        do {
            _ = try await iam.getLoginProfile(.init())
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            loginProfile = false
        }
        let keys = try await iam.listAccessKeys(.init()).accessKeyMetadata ?? []
        let certificates = try await iam.listSigningCertificates(.init()).certificates ?? []
        let devices = try await iam.listMFADevices(.init()).mfaDevices ?? []
        return RootCredentialInventory(
            account: account, loginProfile: loginProfile,
            accessKeys: keys.map { .init(id: $0.accessKeyId ?? "", status: $0.status ?? "", created: $0.createDate) },
            signingCertificates: certificates.map { .init(id: $0.certificateId ?? "", status: $0.status ?? "") },
            mfaDevices: devices.map { .init(serialNumber: $0.serialNumber ?? "", enabled: $0.enableDate) })
    }

    /// What one removal did.
    public typealias Removal = CredentialRemoval

    /// Deletes every root credential of `account` (login profile, keys, certificates; deactivates MFA devices)
    /// with the delete task policy, then returns what was done.
    public func removeCredentials(account: AccountID, inventory: RootCredentialInventory) async throws -> [Removal] {
        let iam = try await session(account: account, task: .deleteCredentials).iam()
        var removals: [Removal] = []
        func attempt(_ credential: String, _ body: () async throws -> Void) async {
            do {
                try await body()
                removals.append(Removal(credential: credential, error: nil))
            } catch {
                removals.append(Removal(credential: credential, error: "\(error)"))
            }
        }
        // Keys and certificates first, then the password; MFA last, and only when no password is left behind: a
        // password without MFA would be weaker than what was there before.
        for key in inventory.accessKeys {
            await attempt("access key \(key.id)") { _ = try await iam.deleteAccessKey(.init(accessKeyId: key.id)) }
        }
        for certificate in inventory.signingCertificates {
            await attempt("signing certificate \(certificate.id)") {
                _ = try await iam.deleteSigningCertificate(.init(certificateId: certificate.id))
            }
        }
        var passwordRemains = false
        if inventory.loginProfile {
            await attempt("console password (login profile)") { _ = try await iam.deleteLoginProfile(.init()) }
            passwordRemains = removals.last?.error != nil
        }
        for device in inventory.mfaDevices {
            if passwordRemains {
                removals.append(
                    Removal(
                        credential: "MFA device \(device.serialNumber)",
                        error: "not deactivated: the console password could not be removed and keeps needing it"))
                continue
            }
            await attempt("MFA device \(device.serialNumber)") {
                _ = try await iam.deactivateMFADevice(.init(serialNumber: device.serialNumber))
            }
        }
        return removals
    }
}
