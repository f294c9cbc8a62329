import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel
import RootGuardTrail

/// `rootguard respond`'s containment on the harden subsystem: every artifact a root session left behind is confirmed
/// against the account's current state (still open, already contained, gone, or unknown), the open ones are
/// contained step by step (each step only tightens: a key made Inactive, a deny-all inline policy, a policy
/// detached, monitoring restarted), a member's root credentials go through `IAMDeleteRootUserCredentials`, the
/// optional quarantine SCP is attached last, and the re-check reads every item again. Nothing outside the incident's
/// findings is touched; running it again plans only what is still open.
public struct IncidentContainment: Hardener {
    public static let subcommand = "respond"
    public static func unsupported(_ format: HardenFormat) -> String {
        "respond prints plan, json, markdown or html; it has no --format \(format.rawValue)"
    }

    /// The actions respond calls with the caller's credentials (and, in members, through `--member-role`).
    public static var requiredActions: [String] {
        [
            "sts:GetCallerIdentity", "sts:AssumeRole", "sts:AssumeRoot", "organizations:DescribeOrganization",
            "organizations:DescribeAccount", "organizations:ListPoliciesForTarget", "organizations:ListPolicies",
            "organizations:DescribePolicy",
            "organizations:CreatePolicy", "organizations:AttachPolicy", "organizations:TagResource",
            "iam:ListOrganizationsFeatures", "iam:ListAccessKeys", "iam:UpdateAccessKey",
            "iam:ListSigningCertificates", "iam:UpdateSigningCertificate", "iam:GetLoginProfile",
            "iam:DeleteLoginProfile", "iam:GetUser", "iam:ListUserPolicies", "iam:PutUserPolicy",
            "iam:ListRolePolicies", "iam:PutRolePolicy", "iam:ListAttachedUserPolicies", "iam:DetachUserPolicy",
            "iam:GetUserPolicy", "iam:DeleteUserPolicy", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy",
            "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListAttachedGroupPolicies", "iam:DetachGroupPolicy",
            "iam:GetGroupPolicy", "iam:DeleteGroupPolicy", "iam:ListGroupsForUser", "iam:RemoveUserFromGroup",
            "cloudtrail:GetTrailStatus", "cloudtrail:StartLogging", "guardduty:ListDetectors",
            "guardduty:GetDetector", "guardduty:CreateDetector", "guardduty:UpdateDetector",
            "config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders",
            "config:StartConfigurationRecorder", "events:DescribeRule", "events:EnableRule",
            "securityhub:DescribeHub", "securityhub:EnableSecurityHub",
        ]
    }

    /// One account's part of the incident: what its unapproved root sessions left behind.
    public struct Target: Sendable {
        public var account: AccountID
        public var artifacts: [SessionAftermath.Artifact]
        public init(account: AccountID, artifacts: [SessionAftermath.Artifact]) {
            self.account = account
            self.artifacts = artifacts
        }
    }

    /// What the account shows now for one item.
    public enum Condition: Sendable, Hashable, Codable {
        /// Still there and not contained: a step is planned.
        case open(String)
        /// Contained already (by an earlier run or by a person).
        case contained(String)
        /// No longer exists: nothing left to contain.
        case gone(String)
        /// Could not be read: never taken as contained.
        case unknown(String)

        public var text: String {
            switch self {
            case .open(let s): "open: \(s)"
            case .contained(let s): "contained: \(s)"
            case .gone(let s): "gone: \(s)"
            case .unknown(let s): "unknown: \(s)"
            }
        }
        public var isOpen: Bool { if case .open = self { true } else { false } }
        public var isUnknown: Bool { if case .unknown = self { true } else { false } }
    }

    public enum Subject: Sendable, Hashable {
        case artifact(SessionAftermath.Artifact)
        /// Every credential of a member's root, removed through a privileged session.
        case rootCredentials
        /// The deny-all SCP on the member account (`--quarantine`).
        case quarantine
    }

    /// One thing to contain, with its state before and (after `--apply`) after.
    public struct Item: Sendable {
        public var account: AccountID
        public var subject: Subject
        public var before: Condition
        public var after: Condition?
        /// The root credentials read before (for their removal).
        public var inventory: RootCredentialInventory?
        /// What it is, one line.
        public var title: String
    }

    public struct State: Sendable {
        public var caller: AccountID?
        public var management: AccountID?
        public var items: [Item]
        /// What only a person can do (open artifacts rootguard leaves alone, a root it cannot reach), each line
        /// starting with its account and `: `.
        public var forPeople: [String]
        public var notes: [String]
        /// What existed before the session and that containment deletes, detaches or quarantines instead: kept and
        /// named for a person.
        public var collateral: [Collateral] = []
        /// Accounts the caller cannot act in, one line each naming the cause (nothing is read or changed there).
        public var unreachable: [String] = []
    }

    public struct Step: Sendable {
        public var index: Int
    }

    public struct Plan: HardenerPlan {
        public var plan: HardenPlan
        public var stepChanges: [(step: Step, changes: [PlannedChange])]
    }

    /// The facts every account's containment shares, read once per run.
    public struct Organization: Sendable {
        public var caller: AccountID
        public var management: AccountID?
        /// Why a member's root credentials cannot be removed (nil: they can be tried).
        public var rootOutOfReach: String?
        public var notes: [String]
    }

    public var targets: [Target]
    /// Read once by `runConcurrently` and handed to each account's run (nil: `read` reads it).
    public var organization: Organization?
    /// The member-role clients of the run: one AssumeRole per member, reused until it nears expiry.
    public var members: MemberClients
    /// The run's privileged sessions and what they needed, shared by every account's run.
    public var sessions = RootSessions.Memo()
    public var quarantine: Bool
    public var allowPrincipals: [String]
    /// The role reached in a member account that is not the caller's (AssumeRole).
    public var memberRole: String
    public var approver: (any RootSessions.Approver)?
    /// The moment older sessions of quarantined roles are revoked from (fixed for the plan).
    public var now: Date

    public init(
        targets: [Target], quarantine: Bool = false, allowPrincipals: [String] = [],
        memberRole: String = "OrganizationAccountAccessRole", approver: (any RootSessions.Approver)? = nil,
        now: Date = Date(), members: MemberClients? = nil
    ) {
        self.targets = targets
        self.members = members ?? MemberClients(role: memberRole)
        self.quarantine = quarantine
        self.allowPrincipals = allowPrincipals
        self.memberRole = memberRole
        self.approver = approver
        self.now = now
    }

    public static func quarantineSCPName(_ account: AccountID) -> String { "rootguard-quarantine-\(account)" }

    /// Deny everything to everyone in the account except the break-glass principals and privileged root sessions
    /// (`aws:AssumedRoot`: only the management account or IAM's delegated administrator opens them, each limited to
    /// its task policy) — without that exemption the quarantine would also stop the responders from removing the
    /// member's root credentials and from reading them back.
    public static func quarantineSCP(allow: [String]) -> String {
        let principals = allow.map { (try? JSONText.string($0, .compact)) ?? "\"\"" }.joined(separator: ",")
        return """
            {"Version":"2012-10-17","Statement":[{"Sid":"RootguardQuarantine","Effect":"Deny","Action":"*",\
            "Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":[\(principals)]},\
            "Null":{"aws:AssumedRoot":"true"}}}]}
            """
    }

    static let denyAll = """
        {"Version":"2012-10-17","Statement":[{"Sid":"RootguardQuarantine","Effect":"Deny","Action":"*","Resource":"*"}]}
        """

    /// AWS's "revoke active sessions": deny every session whose credentials were issued before `time`.
    public static func revokeOlderSessions(before time: Date) -> String {
        """
        {"Version":"2012-10-17","Statement":[{"Sid":"RootguardRevokeOlderSessions","Effect":"Deny","Action":"*",\
        "Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"\(TimeArgument.format(time))"}}}]}
        """
    }

    /// A client acting in `account`: the caller's own, or the member role's.
    func client(for account: AccountID, caller: AccountID?, base: AWSClient) -> AWSClient {
        if account == caller { return base }
        return members.client(account, base: base)
    }

    /// A client acting in `account` through `role` (the caller's credentials assume it).
    public static func memberClient(_ account: AccountID, role memberRole: String, base: AWSClient) -> AWSClient {
        let step = ProfileChain.AssumeRoleStep(
            profile: "respond",
            roleARN: "arn:\(base.configuration.region.partition.name):iam::\(account):role/\(memberRole)",
            externalID: nil, sessionName: "rootguard-respond", durationSeconds: 900, mfaSerial: nil)
        return base.with(
            credentialProvider: CachingCredentialProvider(AssumeRoleCredentialProvider(step: step, client: base)))
    }

    /// The artifact's region (nil: the client's).
    static func region(_ artifact: SessionAftermath.Artifact) -> AWSRegion? {
        artifact.region.isEmpty ? nil : AWSRegion(artifact.region)
    }

    /// The caller, the organization and whether a member's root can be reached: read once per run.
    public func readOrganization(client: AWSClient) async throws -> Organization {
        var organization = Organization(
            caller: try await client.callerIdentity().account, management: nil,
            rootOutOfReach: "the organization could not be read", notes: [])
        do {
            let described = try await client.organizations().describeOrganization()
            organization.management = described.organization?.masterAccountId.flatMap(AccountID.init(rawValue:))
            // The management account or IAM's delegated administrator may start privileged sessions; a feature
            // that is off is said with its name, one that could not be read is unknown and the session is tried.
            let features = await RootSessions.features(client)
            sessions.remember(features: features)
            organization.rootOutOfReach = RootSessions.gate(.deleteCredentials, features: features)?.reason
            if case .unavailable(let why) = features {
                organization.notes.append("\(why.reason): whether root can be reached is found by trying.")
            }
        } catch let error as AWSError where error.code == "AWSOrganizationsNotInUseException" {
            organization.management = nil
        } catch {
            organization.notes.append("The organization could not be read (\(error)): root is taken as out of reach.")
        }
        return organization
    }

    /// `--quarantine` is refused before any account is read or changed when an account in scope cannot take an SCP.
    func checkQuarantine(_ organization: Organization) throws {
        guard quarantine else { return }
        for account in targets.map(\.account) {
            guard let management = organization.management else {
                throw HardenFailure("--quarantine: \(account) is not in an organization; a quarantine SCP needs one")
            }
            if management == account {
                throw HardenFailure(
                    "--quarantine: \(account) is the organization's management account, and SCPs do not apply to it; run respond for it without --quarantine (its other steps) and sign in as root to change root's password and MFA"
                )
            }
        }
    }

    public func read(client: AWSClient) async throws -> State {
        let organization: Organization
        if let known = self.organization {
            organization = known
        } else {
            organization = try await readOrganization(client: client)
        }
        try checkQuarantine(organization)
        var state = State(
            caller: organization.caller, management: organization.management, items: [], forPeople: [],
            notes: organization.notes)
        for target in targets {
            await read(target, organization: organization, into: &state, client: client)
        }
        return state
    }

    /// One account's items: its root credentials, each artifact confirmed (concurrently: each is a read or two of
    /// its own), the quarantine. The order is the plan's, whatever order the reads finish in.
    func read(_ target: Target, organization: Organization, into state: inout State, client: AWSClient) async {
        let account = target.account
        if let why = await unreachable(account, state: state, client: client) {
            state.unreachable.append(why)
            return
        }
        let isMember = organization.management != nil && organization.management != account
        let snapshot = state
        async let rootItem: Item? =
            isMember && organization.rootOutOfReach == nil ? rootCredentials(account, client: client) : nil
        async let quarantineItem: Item? =
            quarantine
            ? Item(
                account: account, subject: .quarantine,
                before: await quarantineCondition(account, client: client),
                title: "\(account) quarantine SCP \(Self.quarantineSCPName(account))") : nil
        let assessed = await Containment.ordered(target.artifacts).concurrentMap(maxConcurrency: 8) {
            original -> (SessionAftermath.Artifact, Condition, Collateral?) in
            var artifact = original
            var condition = await self.condition(of: artifact, account: account, state: snapshot, base: client)
            // What existed before the session is kept (and, where AWS has a reversible step, worked around).
            var kept: Collateral?
            if condition.isOpen,
                let (collateral, replacement) = await self.collateral(
                    of: artifact, account: account, condition: condition, state: snapshot, base: client)
            {
                kept = collateral
                if let replacement {
                    artifact = replacement
                    condition = await self.condition(of: artifact, account: account, state: snapshot, base: client)
                }
            }
            return (artifact, condition, kept)
        }
        if let root = await rootItem {
            state.items.append(root)
        } else if !isMember || organization.rootOutOfReach != nil {
            state.forPeople.append(
                "\(account): \(Containment.signInAsRoot)"
                    + (isMember
                        ? " Root cannot be reached through a privileged session: \(organization.rootOutOfReach ?? "")."
                        : ""))
        }
        for (artifact, condition, collateral) in assessed {
            if let collateral {
                state.collateral.append(collateral)
                state.forPeople.append("\(account): review and restore: \(collateral.what): \(collateral.restore)")
            }
            let (changes, person) = Containment.containment(of: artifact)
            if changes.isEmpty {
                // Only a person can act: said when it is still open (or cannot be read).
                if let person, condition.isOpen || condition.isUnknown {
                    state.forPeople.append("\(account): \(person)")
                }
                continue
            }
            if let person, condition.isOpen { state.forPeople.append("\(account): \(person)") }
            state.items.append(
                Item(account: account, subject: .artifact(artifact), before: condition, title: artifact.summary))
        }
        if let item = await quarantineItem { state.items.append(item) }
    }

    /// A member's root credentials, read through a privileged session.
    func rootCredentials(_ account: AccountID, client: AWSClient) async -> Item {
        do {
            let inventory = try await RootSessions(client: client, approver: approver, memo: sessions).inventory(
                account: account)
            return Item(
                account: account, subject: .rootCredentials,
                before: inventory.isEmpty
                    ? .contained("root holds no credentials") : .open(inventory.lines.joined(separator: "; ")),
                inventory: inventory, title: "\(account) root credentials")
        } catch {
            return Item(
                account: account, subject: .rootCredentials,
                before: .unknown("root's credentials could not be read: \(error)"),
                title: "\(account) root credentials")
        }
    }

    /// The phases `runConcurrently` reports per account.
    public typealias Progress = @Sendable (AccountID, HardenPhase) -> Void

    /// Every account read, planned, contained and re-checked on its own, up to `concurrency` accounts at once: an
    /// account is contained as soon as its own plan is ready. The organization is read once for all of them. The
    /// result is one run, accounts in the targets' order.
    public func runConcurrently(
        client: AWSClient, apply: Bool, concurrency: Int, progress: @escaping Progress = { _, _ in }
    ) async throws -> HardenRun<Self> {
        let organization: Organization
        if let known = self.organization {
            organization = known
        } else {
            organization = try await readOrganization(client: client)
        }
        try checkQuarantine(organization)
        var quiet = organization
        quiet.notes = []
        let shared = quiet
        let runs = await targets.concurrentMap(maxConcurrency: concurrency) {
            target -> Result<HardenRun<Self>, HardenFailure> in
            var one = self
            one.targets = [target]
            one.organization = shared
            do {
                return .success(
                    try await HardenRunner.run(one, client: client, apply: apply) { progress(target.account, $0) })
            } catch {
                return .failure(HardenFailure("\(target.account): \(error)"))
            }
        }
        return Self.merge(runs, organization: organization)
    }

    /// The accounts' runs as one: items, steps (re-indexed), changes, results and findings in the accounts' order.
    static func merge(_ runs: [Result<HardenRun<Self>, HardenFailure>], organization: Organization) -> HardenRun<Self> {
        var state = State(
            caller: organization.caller, management: organization.management, items: [], forPeople: [],
            notes: organization.notes)
        var plan = Plan(
            plan: HardenPlan(subcommand: subcommand, changes: [], notes: organization.notes), stepChanges: [])
        var applied: [AppliedChange] = []
        var reaudit: [Finding] = []
        for result in runs {
            let run: HardenRun<Self>
            switch result {
            case .success(let one): run = one
            case .failure(let failure):
                state.unreachable.append(failure.description)
                continue
            }
            let offset = state.items.count
            state.items += run.state.items
            state.forPeople += run.state.forPeople
            state.notes += run.state.notes
            state.collateral += run.state.collateral
            state.unreachable += run.state.unreachable
            plan.plan.changes += run.plan.plan.changes
            plan.plan.notes += run.outcome.plan.notes
            plan.stepChanges += run.plan.stepChanges.map { (Step(index: $0.step.index + offset), $0.changes) }
            applied += run.outcome.applied
            reaudit += run.outcome.reaudit
        }
        return HardenRun(
            state: state, plan: plan, outcome: HardenOutcome(plan: plan.plan, applied: applied, reaudit: reaudit))
    }

    /// The changes of one item's step.
    func changes(_ item: Item) -> [PlannedChange] {
        switch item.subject {
        case .artifact(let artifact): Containment.containment(of: artifact).changes
        case .rootCredentials:
            (item.inventory?.lines ?? []).map {
                RootCredentialRemoval.change(account: item.account, credential: $0)
            }
        case .quarantine:
            [
                PlannedChange(
                    service: "organizations", action: "AttachPolicy",
                    resource:
                        "\(Self.quarantineSCPName(item.account)) → \(item.account) (deny all except \(allowPrincipals.joined(separator: ", ")))",
                    why: "--quarantine: the account is shut to everyone but its break-glass principals")
            ]
        }
    }

    /// An item's title with its account in front (once).
    static func named(_ item: Item) -> String {
        item.title.hasPrefix(item.account.rawValue) ? item.title : "\(item.account): \(item.title)"
    }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        var plan = Plan(plan: HardenPlan(subcommand: Self.subcommand, changes: [], notes: state.notes), stepChanges: [])
        for (index, item) in state.items.enumerated() {
            switch item.before {
            case .open:
                let changes = changes(item)
                plan.plan.changes += changes
                plan.stepChanges.append((Step(index: index), changes))
            case .unknown(let why):
                plan.plan.notes.append("NOT CONFIRMED \(Self.named(item)): \(why) (not taken as contained)")
            case .contained(let why):
                plan.plan.notes.append("already contained: \(Self.named(item)) (\(why))")
            case .gone(let why):
                plan.plan.notes.append("nothing left: \(Self.named(item)) (\(why))")
            }
        }
        plan.plan.notes += state.forPeople.map { "for a person: \($0)" }
        return plan
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        let item = state.items[step.index]
        switch item.subject {
        case .rootCredentials:
            guard let inventory = item.inventory else { throw HardenFailure("root's credentials were not read") }
            let removals = try await RootSessions(client: client, approver: approver, memo: sessions).removeCredentials(
                account: item.account, inventory: inventory)
            if removals.contains(where: { $0.error != nil }) {
                throw PartialStepFailure(
                    errors: inventory.lines.map { line in removals.first { line.hasPrefix($0.credential) }?.error })
            }
        case .quarantine:
            let organizations = client.organizations()
            let name = Self.quarantineSCPName(item.account)
            var id: String?
            for try await page in organizations.listPoliciesPaginator(.init(filter: "SERVICE_CONTROL_POLICY")) {
                id = id ?? page.policies?.first { $0.name == name }?.id
            }
            if id == nil {
                id =
                    try await organizations.createPolicy(
                        .init(
                            content: Self.quarantineSCP(allow: allowPrincipals),
                            description: "rootguard respond: deny all in \(item.account) but break-glass principals",
                            name: name, type: "SERVICE_CONTROL_POLICY",
                            tags: [.init(key: ManagedTag.key, value: ManagedTag.value)])
                    ).policy?.policySummary?.id
            }
            guard let id else { throw HardenFailure("CreatePolicy returned no policy id for \(name)") }
            // An existing policy of that name is attached only when it is exactly this quarantine.
            guard try await quarantineContent(id, client: client) == Self.quarantineSCP(allow: allowPrincipals) else {
                throw HardenFailure("\(name) exists with other content; rootguard does not attach or rewrite it")
            }
            _ = try await organizations.attachPolicy(.init(policyId: id, targetId: item.account.rawValue))
        case .artifact(let artifact):
            try await contain(artifact, account: item.account, state: state, base: client)
        }
    }

    func contain(_ artifact: SessionAftermath.Artifact, account: AccountID, state: State, base: AWSClient) async throws
    {
        let client = self.client(for: account, caller: state.caller, base: base)
        let region = Self.region(artifact)
        let iam = client.iam()
        let resource = artifact.resource
        let owner = artifact.owner ?? ""
        switch artifact.kind {
        case .accessKey:
            _ = try await iam.updateAccessKey(.init(userName: owner, accessKeyId: resource, status: "Inactive"))
        case .signingCertificate:
            _ = try await iam.updateSigningCertificate(
                .init(userName: owner, certificateId: resource, status: "Inactive"))
        case .loginProfile:
            _ = try await iam.deleteLoginProfile(.init(userName: resource))
        case .user:
            _ = try await iam.putUserPolicy(
                .init(
                    userName: resource, policyName: Containment.quarantinePolicyName,
                    policyDocument: IAMPolicyDocument(json: Self.denyAll)))
        case .role, .trustPolicy:
            _ = try await iam.putRolePolicy(
                .init(
                    roleName: resource, policyName: Containment.quarantinePolicyName,
                    policyDocument: IAMPolicyDocument(json: Self.denyAll)))
            if artifact.kind == .role {
                _ = try await iam.putRolePolicy(
                    .init(
                        roleName: resource, policyName: Containment.revokeSessionsPolicyName,
                        policyDocument: IAMPolicyDocument(json: Self.revokeOlderSessions(before: now))))
            }
        case .userPolicy:
            if resource.hasPrefix("arn:") {
                _ = try await iam.detachUserPolicy(.init(userName: owner, policyArn: resource))
            } else {
                _ = try await iam.deleteUserPolicy(.init(userName: owner, policyName: resource))
            }
        case .rolePolicy:
            if resource.hasPrefix("arn:") {
                _ = try await iam.detachRolePolicy(.init(roleName: owner, policyArn: resource))
            } else {
                _ = try await iam.deleteRolePolicy(.init(roleName: owner, policyName: resource))
            }
        case .groupPolicy:
            if resource.hasPrefix("arn:") {
                _ = try await iam.detachGroupPolicy(.init(groupName: owner, policyArn: resource))
            } else {
                _ = try await iam.deleteGroupPolicy(.init(groupName: owner, policyName: resource))
            }
        case .groupMembership:
            _ = try await iam.removeUserFromGroup(.init(groupName: owner, userName: resource))
        case .trailStopped:
            _ = try await client.cloudTrail(region: region).startLogging(.init(name: resource))
        case .detectorDeleted:
            _ = try await client.guardDuty(region: region).createDetector(
                .init(enable: true, tags: [ManagedTag.key: ManagedTag.value]))
        case .detectorChanged:
            _ = try await client.guardDuty(region: region).updateDetector(.init(detectorId: resource, enable: true))
        case .configRecorderStopped:
            _ = try await client.configService(region: region).startConfigurationRecorder(
                .init(configurationRecorderName: resource))
        case .ruleDisabled:
            _ = try await client.eventBridge(region: region).enableRule(.init(name: resource))
        case .scpDetached:
            _ = try await base.organizations().attachPolicy(.init(policyId: resource, targetId: owner))
        case .securityHubDisabled:
            _ = try await client.securityHub(region: region).enableSecurityHub()
        default:
            throw HardenFailure("\(artifact.kind.rawValue) has no containment step")
        }
    }

    /// Each step stands alone: one that fails leaves the others to run (each only tightens).
    public func laterStepsDepend(on step: Step) -> Bool { false }
    public var reauditsAfterFailure: Bool { true }

    /// Every item read again: contained or gone passes, still open fails, unreadable is NOT_EVALUATED.
    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        // Each item is read again on its own, concurrently; the findings keep the items' order.
        let snapshot = state
        let afters = await state.items.concurrentMap(maxConcurrency: 8) { item -> Condition in
            let after: Condition
            switch item.subject {
            case .artifact(let artifact):
                after = await self.condition(of: artifact, account: item.account, state: snapshot, base: client)
            case .rootCredentials:
                do {
                    let inventory = try await RootSessions(client: client, approver: self.approver, memo: self.sessions)
                        .inventory(
                            account: item.account)
                    after =
                        inventory.isEmpty
                        ? .contained("root holds no credentials") : .open(inventory.lines.joined(separator: "; "))
                } catch {
                    after = .unknown("root's credentials could not be read back: \(error)")
                }
            case .quarantine:
                after = await self.quarantineCondition(item.account, client: client)
            }
            return after
        }
        var findings: [Finding] = []
        for (index, after) in afters.enumerated() {
            state.items[index].after = after
            findings.append(
                Self.finding(state.items[index], after: after, partition: client.configuration.region.partition.name))
        }
        return findings
    }

    static func finding(_ item: Item, after: Condition, partition: String) -> Finding {
        let status: Status
        let message: String
        switch after {
        case .contained(let why):
            status = .pass
            message = "Contained: \(item.title) (\(why))."
        case .gone(let why):
            status = .pass
            message = "Nothing left: \(item.title) (\(why))."
        case .open(let why):
            status = .fail
            message = "Still open: \(item.title) (\(why))."
        case .unknown(let why):
            status = .notEvaluated
            message = "Not evaluated: \(item.title): \(why)."
        }
        let resource: String
        // ROOT-BP 21 (a response procedure for root alerts), and the practice the item itself restores.
        var practices = ["21"]
        switch item.subject {
        case .artifact(let artifact):
            resource = artifact.resource
            switch artifact.kind {
            case .trailStopped, .trailDeleted, .trailChanged: practices.insert("16", at: 0)
            case .ruleDisabled, .ruleDeleted: practices.insert("18", at: 0)
            case .detectorDeleted, .detectorChanged: practices.insert("19", at: 0)
            case .configRecorderStopped, .configRecorderDeleted, .securityHubDisabled: practices.insert("20", at: 0)
            case .scpDetached: practices.insert("15", at: 0)
            default: break
            }
        case .rootCredentials:
            resource = item.account.rootARN(partition: partition)
            practices.insert("14", at: 0)
        case .quarantine:
            resource = quarantineSCPName(item.account)
        }
        return Finding(
            checkId: "respond-contained", status: status, severity: .critical, accountId: item.account,
            resource: resource, message: message, compliance: ["ROOT-BP": practices],
            remediation: "rootguard respond … --apply, or contain it by hand")
    }

    /// Exit codes as harden's, judged on everything the incident holds: 0 nothing to contain (or applied and the
    /// re-check is clean with nothing left for a person), 2 containment pending — steps, items that could not be
    /// confirmed, or work for a person (dry run) —, 3 applied but something remains, 1 a step failed.
    public func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32 {
        if run.outcome.applied.contains(where: { $0.error != nil }) { return 1 }
        let unknown = run.state.items.contains { $0.before.isUnknown }
        if !applying {
            return run.plan.plan.changes.isEmpty && !unknown && run.state.forPeople.isEmpty ? 0 : 2
        }
        let remains = run.outcome.reaudit.contains { $0.status == .fail || $0.status == .notEvaluated }
        return remains || !run.state.forPeople.isEmpty ? 3 : 0
    }

    // MARK: - Reading the account

    /// Attached with exactly the break-glass list asked for is contained; attached with another list is not
    /// (rootguard does not rewrite a policy it cannot prove it wrote for this run).
    func quarantineCondition(_ account: AccountID, client: AWSClient) async -> Condition {
        do {
            let name = Self.quarantineSCPName(account)
            var attached: String?
            for try await page in client.organizations().listPoliciesForTargetPaginator(
                .init(targetId: account.rawValue, filter: "SERVICE_CONTROL_POLICY"))
            {
                attached = attached ?? page.policies?.first { $0.name == name }?.id
            }
            guard let attached else { return .open("no quarantine SCP attached") }
            return try await quarantineContent(attached, client: client) == Self.quarantineSCP(allow: allowPrincipals)
                ? .contained("\(name) is attached and spares exactly \(allowPrincipals.joined(separator: ", "))")
                : .unknown("\(name) is attached with other break-glass principals; change or detach it by hand")
        } catch {
            return .unknown("the account's SCPs could not be read: \(error)")
        }
    }

    func quarantineContent(_ policyID: String, client: AWSClient) async throws -> String? {
        try await client.organizations().describePolicy(.init(policyId: policyID)).policy?.content
    }

    static func isNotFound(_ error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        return [
            "NoSuchEntity", "TrailNotFoundException", "ResourceNotFoundException",
            "NoSuchConfigurationRecorderException",
        ].contains(error.code) || error.kind == .notFound
    }

    /// What the account shows now for an artifact.
    func condition(
        of artifact: SessionAftermath.Artifact, account: AccountID, state: State, base: AWSClient
    ) async -> Condition {
        let client = self.client(for: account, caller: state.caller, base: base)
        let region = Self.region(artifact)
        let iam = client.iam()
        let resource = artifact.resource
        let owner = artifact.owner
        do {
            switch artifact.kind {
            case .accessKey:
                guard let owner, resource.hasPrefix("AKIA") || resource.hasPrefix("ASIA") else {
                    return .unknown("the record names no user or key id")
                }
                let keys = try await iam.listAccessKeys(.init(userName: owner)).accessKeyMetadata ?? []
                guard let key = keys.first(where: { $0.accessKeyId == resource }) else {
                    return .gone("the key was deleted")
                }
                return key.status == "Active" ? .open("Active") : .contained(key.status ?? "Inactive")
            case .signingCertificate:
                guard let owner else { return .unknown("the record names no user") }
                let certificates = try await iam.listSigningCertificates(.init(userName: owner)).certificates ?? []
                guard let certificate = certificates.first(where: { $0.certificateId == resource }) else {
                    return .gone("the certificate was deleted")
                }
                return certificate.status == "Active" ? .open("Active") : .contained(certificate.status ?? "Inactive")
            case .loginProfile:
                _ = try await iam.getLoginProfile(.init(userName: resource))
                return .open("user \(resource) has a console password")
            case .user:
                _ = try await iam.getUser(.init(userName: resource))
                let inline = try await iam.listUserPolicies(.init(userName: resource)).policyNames ?? []
                return inline.contains(Containment.quarantinePolicyName)
                    ? .contained("\(Containment.quarantinePolicyName) denies everything")
                    : .open("user exists without a quarantine policy")
            case .role, .trustPolicy:
                let inline = try await iam.listRolePolicies(.init(roleName: resource)).policyNames ?? []
                let needed =
                    artifact.kind == .role
                    ? [Containment.quarantinePolicyName, Containment.revokeSessionsPolicyName]
                    : [Containment.quarantinePolicyName]
                return needed.allSatisfy(inline.contains)
                    ? .contained(needed.joined(separator: " and ") + " in place")
                    : .open("role exists without " + needed.filter { !inline.contains($0) }.joined(separator: " and "))
            case .userPolicy, .rolePolicy, .groupPolicy:
                guard let owner else { return .unknown("the record names no principal") }
                return try await policyCondition(artifact.kind, policy: resource, owner: owner, iam: iam)
            case .groupMembership:
                guard let owner else { return .unknown("the record names no group") }
                let groups = try await iam.listGroupsForUser(.init(userName: resource)).groups ?? []
                return groups.contains { $0.groupName == owner }
                    ? .open("\(resource) is in group \(owner)") : .contained("\(resource) is not in group \(owner)")
            case .trailStopped, .trailDeleted:
                let logging =
                    try await client.cloudTrail(region: region).getTrailStatus(.init(name: resource)).isLogging == true
                if artifact.kind == .trailDeleted { return .contained("the trail exists again") }
                return logging ? .contained("logging") : .open("not logging")
            case .detectorDeleted:
                let guardDuty = client.guardDuty(region: region)
                for id in try await guardDuty.listDetectors().detectorIds ?? [] {
                    if try await guardDuty.getDetector(.init(detectorId: id)).status == "ENABLED" {
                        return .contained("detector \(id) is enabled in \(artifact.region)")
                    }
                }
                return .open("no enabled detector in \(artifact.region)")
            case .detectorChanged:
                let status = try await client.guardDuty(region: region).getDetector(.init(detectorId: resource)).status
                return status == "ENABLED" ? .contained("enabled") : .open(status ?? "not enabled")
            case .configRecorderStopped:
                let status = try await client.configService(region: region).describeConfigurationRecorderStatus(
                    .init(configurationRecorderNames: [resource])
                ).configurationRecordersStatus?.first
                guard let status else { return .gone("no such recorder") }
                return status.recording == true ? .contained("recording") : .open("not recording")
            case .ruleDisabled:
                let rule = try await client.eventBridge(region: region).describeRule(.init(name: resource))
                return rule.state == "ENABLED" ? .contained("enabled") : .open(rule.state ?? "not enabled")
            case .scpDetached:
                guard let owner else { return .unknown("the record names no target") }
                for try await page in base.organizations().listPoliciesForTargetPaginator(
                    .init(targetId: owner, filter: "SERVICE_CONTROL_POLICY"))
                where page.policies?.contains(where: { $0.id == resource }) == true {
                    return .contained("attached to \(owner)")
                }
                return .open("not attached to \(owner)")
            case .securityHubDisabled:
                do {
                    _ = try await client.securityHub(region: region).describeHub()
                    return .contained("enabled in \(artifact.region)")
                } catch let error as AWSError where error.code == "InvalidAccessException" {
                    return .open("not enabled in \(artifact.region)")
                }
            default:
                return .unknown("rootguard does not read \(artifact.kind.rawValue)")
            }
        } catch  where Self.isNotFound(error) {
            if artifact.kind == .trailDeleted { return .open("the trail does not exist") }
            return .gone("no longer exists (\((error as? AWSError)?.code ?? "not found"))")
        } catch {
            return .unknown("could not be read: \(error)")
        }
    }

    /// Why the caller cannot act in `account`, nil when it can (its own account, or a member of the organization
    /// the caller manages).
    func unreachable(_ account: AccountID, state: State, client: AWSClient) async -> String? {
        guard let caller = state.caller, account != caller else { return nil }
        guard let management = state.management else {
            return
                "\(account) is not the caller's account (\(caller)), and the caller's account is in no organization: respond reaches another account only from its organization's management account (or IAM's delegated administrator), or run it with \(account)'s own credentials"
        }
        do {
            _ = try await client.organizations().describeAccount(.init(accountId: account.rawValue))
            return nil
        } catch let error as AWSError where error.code == "AccountNotFoundException" {
            return
                "\(account) is not in the caller's organization (management account \(management)): run respond from its own organization's management account, or with \(account)'s own credentials"
        } catch let error as AWSError where error.kind == .accessDenied && caller != management {
            return
                "the caller \(caller) is a member account of the organization, not its management account: another member's (\(account)) incident is handled from the management account (\(management)) or with \(account)'s own credentials"
        } catch {
            // Whether the account is in the organization is unknown: its reads and steps say what they can.
            return nil
        }
    }

    /// When `artifact`'s containment would delete or detach something that belongs to a principal older than the
    /// session (a login profile root changed, an inline policy root overwrote, an attachment or membership that may
    /// predate it): its current version and the command that restores it, and the artifact to contain instead when
    /// AWS has a reversible step (a user's changed console password: quarantine the user, keep the password).
    func collateral(
        of artifact: SessionAftermath.Artifact, account: AccountID, condition: Condition, state: State,
        base: AWSClient
    ) async -> (Collateral, SessionAftermath.Artifact?)? {
        let client = self.client(for: account, caller: state.caller, base: base)
        let iam = client.iam()
        let resource = artifact.resource
        let owner = artifact.owner ?? ""
        guard let when = TimeArgument.parseTimestamp(artifact.eventTime) else { return nil }
        func older(_ date: Date?) -> Bool { date.map { $0 < when.addingTimeInterval(-1) } ?? false }
        func file(_ parts: String...) -> String {
            Collateral.fileName(account: account.rawValue, parts.joined(separator: "-"))
        }
        do {
            switch artifact.kind {
            case .loginProfile:
                let profile = try await iam.getLoginProfile(.init(userName: resource)).loginProfile
                guard artifact.eventName == "UpdateLoginProfile" || older(profile?.createDate) else { return nil }
                var quarantine = artifact
                quarantine.kind = .user
                quarantine.summary = "quarantined user \(resource) (root changed its existing console password)"
                return (
                    Collateral(
                        account: account.rawValue, what: "the console password of user \(resource)",
                        step:
                            "root changed a password that existed before the session: the user is quarantined (deny all) instead of losing its console access",
                        current:
                            "login profile created \(profile?.createDate.map(TimeArgument.format) ?? "at an unknown time"), changed by root at \(artifact.eventTime)",
                        restore:
                            "agree a new password with its owner (`aws iam update-login-profile --user-name \(resource) --password-reset-required --password …`), then lift the quarantine (`aws iam delete-user-policy --user-name \(resource) --policy-name \(Containment.quarantinePolicyName)`)",
                        file: file("login-profile", resource)), quarantine
                )
            case .userPolicy, .rolePolicy, .groupPolicy:
                let (flag, noun, created): (String, String, Date?) =
                    switch artifact.kind {
                    case .userPolicy: ("user", "user", try await iam.getUser(.init(userName: owner)).user?.createDate)
                    case .rolePolicy: ("role", "role", try await iam.getRole(.init(roleName: owner)).role?.createDate)
                    default: ("group", "group", nil)
                    }
                // A group has no creation the records could show; a user or role made in the session is its own.
                guard artifact.kind == .groupPolicy || older(created) else { return nil }
                if resource.hasPrefix("arn:") {
                    return (
                        Collateral(
                            account: account.rawValue, what: "\(resource) attached to \(noun) \(owner)",
                            step:
                                "detached: the attachment may have predated the session (attaching an attached policy changes nothing)",
                            current: resource,
                            restore: "`aws iam attach-\(flag)-policy --\(flag)-name \(owner) --policy-arn \(resource)`",
                            file: file(
                                flag, owner, "attached", resource.split(separator: "/").last.map(String.init) ?? "")),
                        nil
                    )
                }
                guard case .open(let text) = condition, let range = text.range(of: ": ") else { return nil }
                let document = String(text[range.upperBound...])
                let name = file(flag, owner, "inline", resource)
                return (
                    Collateral(
                        account: account.rawValue, what: "inline policy \(resource) of \(noun) \(owner)",
                        step:
                            "deleted: root wrote it on a \(noun) older than the session and may have overwritten one; its version before the session is not kept by IAM (compare with your infrastructure code or earlier Put\(flag.capitalized)Policy records)",
                        current: document,
                        restore:
                            "`aws iam put-\(flag)-policy --\(flag)-name \(owner) --policy-name \(resource) --policy-document file://\(name)` (the version just before containment, in the evidence folder)",
                        file: name), nil
                )
            case .groupMembership:
                guard older(try await iam.getUser(.init(userName: resource)).user?.createDate) else { return nil }
                return (
                    Collateral(
                        account: account.rawValue, what: "membership of user \(resource) in group \(owner)",
                        step: "removed: the user is older than the session and may have been a member before it",
                        current: "\(resource) in \(owner)",
                        restore: "`aws iam add-user-to-group --group-name \(owner) --user-name \(resource)`",
                        file: file("group", owner, "member", resource)), nil
                )
            default:
                return nil
            }
        } catch {
            return nil
        }
    }

    func policyCondition(
        _ kind: SessionAftermath.Artifact.Kind, policy: String, owner: String, iam: IAM.Client
    ) async throws -> Condition {
        if policy.hasPrefix("arn:") {
            let attached: [IAM.AttachedPolicy]
            switch kind {
            case .userPolicy:
                attached = try await iam.listAttachedUserPolicies(.init(userName: owner)).attachedPolicies ?? []
            case .rolePolicy:
                attached = try await iam.listAttachedRolePolicies(.init(roleName: owner)).attachedPolicies ?? []
            default:
                attached = try await iam.listAttachedGroupPolicies(.init(groupName: owner)).attachedPolicies ?? []
            }
            return attached.contains { $0.policyArn == policy }
                ? .open("attached to \(owner)") : .contained("not attached to \(owner)")
        }
        let document: IAMPolicyDocument?
        switch kind {
        case .userPolicy:
            document = try await iam.getUserPolicy(.init(userName: owner, policyName: policy)).policyDocument
        case .rolePolicy:
            document = try await iam.getRolePolicy(.init(roleName: owner, policyName: policy)).policyDocument
        default:
            document = try await iam.getGroupPolicy(.init(groupName: owner, policyName: policy)).policyDocument
        }
        return .open("inline policy of \(owner): \(document?.json ?? "")")
    }
}
