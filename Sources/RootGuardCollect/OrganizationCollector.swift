import Foundation
import RootGuardAWS
import RootGuardModel

/// Collects an organization: every member's SCP path, its root credentials (AssumeRoot, audit task policy) and,
/// through a role, its own snapshot. One member's failure makes only that member's facts unavailable.
public struct OrganizationCollector: Sendable {
    public enum Access: Sendable, Hashable {
        /// AssumeRole into this role name in each member (e.g. OrganizationAccountAccessRole): full member snapshots.
        case assumeRole(String)
        /// AssumeRoot with IAMAuditRootUserCredentials only: root credentials and SCPs, no member snapshots.
        case assumeRoot
    }

    /// Beyond the audit's own actions: listing accounts and reaching members (AssumeRole; AssumeRoot is separate).
    public static let requiredActions =
        ["organizations:ListAccounts", "sts:AssumeRole"] + OrganizationMonitoringCollector.requiredActions

    public let client: AWSClient
    public let access: Access
    public let concurrency: Int
    /// Seconds one member's collection may take; after that it is reported not evaluated, and the rest go on.
    public let memberTimeout: Double
    public let toolVersion: String
    /// Called after each member with (done, total).
    public let progress: @Sendable (Int, Int) -> Void
    /// Approves each member's IAMAuditRootUserCredentials session before it starts (`audit --org --approvals`).
    public let approver: (any RootSessions.Approver)?

    public init(
        client: AWSClient, access: Access, concurrency: Int = 16, memberTimeout: Double = 300, toolVersion: String,
        approver: (any RootSessions.Approver)? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.approver = approver
        self.client = client
        self.access = access
        self.concurrency = max(1, concurrency)
        self.memberTimeout = memberTimeout
        self.toolVersion = toolVersion
        self.progress = progress
    }

    public func collect(management: Snapshot) async throws -> OrganizationSnapshot {
        guard let membership = management.organization.value, membership.role != .standalone,
            let organizationID = membership.organizationID
        else {
            throw AWSError(
                kind: .configuration, code: "NotAnOrganization",
                message:
                    "--org needs credentials of the management account or IAM's delegated administrator in an organization",
                service: "organizations", operation: "DescribeOrganization")
        }
        // The tree lists every account (ListAccountsForParent), and SCP paths need the tree anyway: ListAccounts, 20
        // accounts a page read one after another, is then not needed. It is the way when the tree cannot be read.
        let scpCache = SCPPathCollector.Cache(wholeOrganization: true)
        let scpReader = SCPPathCollector(client: client, cache: scpCache)
        var accounts: [Organizations.Account] = []
        if let map = try? await scpCache.organizationMap(load: { try await scpReader.loadOrganizationMap() }),
            !map.accounts.isEmpty
        {
            accounts = map.accounts
        } else {
            for try await page in client.organizations().listAccountsPaginator(.init()) {
                accounts += page.accounts ?? []
            }
        }
        var members: [(AccountID, Organizations.Account)] = []
        for account in accounts {
            guard let text = account.id, let id = AccountID(rawValue: text) else {
                throw AWSError(
                    kind: .malformedResponse, code: "InvalidAccountId",
                    message: "ListAccounts returned an account id that is not 12 digits",
                    service: "organizations", operation: "ListAccounts")
            }
            if id != management.account.accountID { members.append((id, account)) }
        }
        let total = members.count
        var results: [MemberFacts] = []
        // With member snapshots (assume-role), each member's own monitoring is read too, in the regions the
        // management account's was (nil: the member's own enabled regions).
        let memberRegions: [String]?? =
            if case .value(let facts)? = management.monitoring {
                .some(facts.regionsSource == "--regions" ? facts.regions : nil)
            } else { .none }
        // Reading a member's root credentials is IAMAuditRootUserCredentials: when the management account's features
        // say centralised root credentials management is off, no member's root credentials can be read, and that (not
        // a permission) is the reason given (one rule: RootSessions.gate).
        let sessionsOff = RootSessions.gate(.audit, features: management.organizationFeatures)
        let timeout = memberTimeout
        await members.map { Member(id: $0.0, account: $0.1) }.concurrentForEach(maxConcurrency: concurrency) { member in
            await withDeadline(seconds: timeout) {
                await self.member(
                    member.id, member.account, scpCache: scpCache, monitoringRegions: memberRegions,
                    rootSessionsOff: sessionsOff, features: management.organizationFeatures)
            } onTimeout: {
                self.timedOut(member.id, member.account, after: timeout)
            }
        } collect: { facts in
            results.append(facts)
            progress(results.count, total)
        }
        // Members' monitoring through the administrators' organization views, in the regions the management
        // account's monitoring was read in (none when it was collected without monitoring).
        var monitoring: OrganizationMonitoringFacts?
        if case .value(let facts)? = management.monitoring {
            var role: String?
            if case .assumeRole(let name) = access { role = name }
            monitoring = await OrganizationMonitoringCollector(
                client: client, management: management.account.accountID, regions: facts.regions,
                regionsSource: facts.regionsSource, role: role, hubRegion: management.account.region
            ).collect()
        }
        return OrganizationSnapshot(
            management: management, organizationID: organizationID,
            members: results.sorted { $0.accountID < $1.accountID }, monitoring: monitoring)
    }

    /// A member whose collection did not finish in time: every fact not evaluated, with the reason.
    func timedOut(_ id: AccountID, _ account: Organizations.Account, after seconds: Double) -> MemberFacts {
        let reason = Unavailable(
            kind: .memberDeadline,
            reason:
                "this member's calls did not finish within \(Int(seconds)) s (--member-timeout); the other members were audited"
        )
        var snapshot: Collected<Snapshot>?
        if case .assumeRole = access { snapshot = .unavailable(reason) }
        return MemberFacts(
            accountID: id, name: account.name ?? id.rawValue, email: account.email,
            state: account.state ?? account.status ?? "UNKNOWN", scpLevels: .unavailable(reason),
            rootCredentials: .unavailable(reason), snapshot: snapshot)
    }

    private struct Member: Sendable {
        let id: AccountID
        let account: Organizations.Account
    }

    func member(
        _ id: AccountID, _ account: Organizations.Account, scpCache: SCPPathCollector.Cache,
        monitoringRegions: [String]?? = .none, rootSessionsOff: Unavailable? = nil,
        features: Collected<[String]>? = nil
    ) async
        -> MemberFacts
    {
        let state = account.state ?? account.status ?? "UNKNOWN"
        async let scps = gather {
            try await SCPPathCollector(client: client, cache: scpCache).facts(account: id.rawValue)
        }
        async let root: Collected<RootCredentialInventory> =
            if let rootSessionsOff { .unavailable(rootSessionsOff) } else {
                await gather {
                    try await RootSessions(
                        client: client, approver: approver, features: features, checksPreconditions: approver != nil
                    ).inventory(
                        account: id)
                }
            }
        var snapshot: Collected<Snapshot>?
        if case .assumeRole(let role) = access {
            snapshot = await gather {
                let partition = client.configuration.region.partition.name
                let step = ProfileChain.AssumeRoleStep(
                    profile: "organization", roleARN: "arn:\(partition):iam::\(id):role/\(role)", externalID: nil,
                    sessionName: "rootguard-org-audit", durationSeconds: 900, mfaSerial: nil)
                let memberClient = client.with(
                    credentialProvider: CachingCredentialProvider(
                        AssumeRoleCredentialProvider(step: step, client: client)))
                var memberSnapshot = try await AccountCollector(
                    client: memberClient, reportWait: .seconds(60), toolVersion: toolVersion
                ).collect()
                if case .some(let regions) = monitoringRegions {
                    memberSnapshot.monitoring = await MonitoringCollector(client: memberClient, regions: regions)
                        .collect()
                }
                return memberSnapshot
            }
        }
        return MemberFacts(
            accountID: id, name: account.name ?? id.rawValue, email: account.email, state: state, scpLevels: await scps,
            rootCredentials: await root, snapshot: snapshot)
    }
}
