import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardPolicy

/// The SCPs that apply to one account, level by level: the organization root, each OU down the path, the account.
public struct SCPPathCollector: Sendable {
    public static let requiredActions = [
        "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:DescribePolicy",
        "organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent", "organizations:ListPolicies", "organizations:ListTargetsForPolicy",
    ]

    public let client: AWSClient
    let cache: Cache

    /// Policies attached at the organization root and at OUs are shared by every account below them; one cache
    /// (shared by all members of an `--org` audit) reads each target's policies once.
    public actor Cache {
        var policies: [String: Task<[SCPLevelFacts.Policy], any Error>] = [:]
        var parents: [String: Task<Organizations.Parent?, any Error>] = [:]
        /// Each SCP's JSON text by policy ID (DescribePolicy once per policy, however many targets it has).
        var contents: [String: Task<String, any Error>] = [:]
        /// For a whole-organization audit: the tree and every SCP's targets, read once (a few dozen calls
        /// instead of two per member account).
        let wholeOrganization: Bool
        var map: Task<OrganizationMap, any Error>?

        public init(wholeOrganization: Bool = false) {
            self.wholeOrganization = wholeOrganization
        }

        func organizationMap(
            load: @escaping @Sendable () async throws -> OrganizationMap
        ) async throws
            -> OrganizationMap?
        {
            guard wholeOrganization else { return nil }
            if let map { return try await map.value }
            let task = Task { try await load() }
            map = task
            return try await task.value
        }

        func parent(
            of child: String, load: @escaping @Sendable () async throws -> Organizations.Parent?
        ) async throws
            -> Organizations.Parent?
        {
            if let task = parents[child] { return try await task.value }
            let task = Task { try await load() }
            parents[child] = task
            return try await task.value
        }

        func content(of policy: String, load: @escaping @Sendable () async throws -> String) async throws -> String {
            if let task = contents[policy] { return try await task.value }
            let task = Task { try await load() }
            contents[policy] = task
            return try await task.value
        }

        func policies(
            for target: String, load: @escaping @Sendable () async throws -> [SCPLevelFacts.Policy]
        ) async throws
            -> [SCPLevelFacts.Policy]
        {
            if let task = policies[target] { return try await task.value }
            let task = Task { try await load() }
            policies[target] = task
            return try await task.value
        }
    }

    public init(client: AWSClient, cache: Cache = Cache()) {
        self.client = client
        self.cache = cache
    }

    public func levels(account: String) async throws -> [SCPEvaluator.Level] {
        try await facts(account: account).map(SCPEvaluator.Level.init)
    }

    /// Every account's and OU's parent, and the SCPs attached to each target.
    struct OrganizationMap: Sendable {
        var parents: [String: Organizations.Parent] = [:]
        var attached: [String: [SCPLevelFacts.Policy]] = [:]
        /// Policies that could not be parsed, by target: an error for every account below them.
        var unparsable: [String: AWSError] = [:]
        /// Every account of the tree, as ListAccountsForParent gives them (the organization's account list).
        var accounts: [Organizations.Account] = []
        /// True when some SCP has more targets than were read (FullAWSAccess is attached to every account): the
        /// roots' and OUs' policies were then read per target, and each account's own are read with the account.
        var accountsReadOneByOne = false
    }

    /// Pages of ListTargetsForPolicy read per policy (20 targets each). A policy attached to more targets — AWS
    /// attaches FullAWSAccess to every account, 500 pages read one after the other in an organization of 10,000 —
    /// is read per target instead: ListPoliciesForTarget for each root and OU, and with each member for the member.
    static let targetPages = 5

    /// Reads the tree: a parent's OUs and accounts are listed concurrently, and each OU is walked as soon as it is
    /// found (not level by level), so the longest listing, not the sum of the levels, bounds the time.
    func walk(
        _ parent: Organizations.Parent, _ organizations: Organizations.Client
    ) async throws -> (
        units: [(String, Organizations.Parent)], accounts: [(Organizations.Account, Organizations.Parent)]
    ) {
        let id = parent.id ?? ""
        return try await withThrowingTaskGroup(
            of: ([(String, Organizations.Parent)], [(Organizations.Account, Organizations.Parent)]).self
        ) { group in
            group.addTask {
                var accounts: [(Organizations.Account, Organizations.Parent)] = []
                for try await page in organizations.listAccountsForParentPaginator(.init(parentId: id)) {
                    accounts += (page.accounts ?? []).map { ($0, parent) }
                }
                return ([], accounts)
            }
            var units: [(String, Organizations.Parent)] = []
            for try await page in organizations.listOrganizationalUnitsForParentPaginator(.init(parentId: id)) {
                for unit in page.organizationalUnits ?? [] {
                    guard let ou = unit.id else { continue }
                    units.append((ou, parent))
                    group.addTask {
                        try await walk(Organizations.Parent(id: ou, type: "ORGANIZATIONAL_UNIT"), organizations)
                    }
                }
            }
            var accounts: [(Organizations.Account, Organizations.Parent)] = []
            for try await (moreUnits, moreAccounts) in group {
                units += moreUnits
                accounts += moreAccounts
            }
            return (units, accounts)
        }
    }

    func loadOrganizationMap() async throws -> OrganizationMap {
        let organizations = client.organizations()
        var map = OrganizationMap()
        var roots: [Organizations.Parent] = []
        for try await page in organizations.listRootsPaginator(.init()) {
            roots += (page.roots ?? []).compactMap { $0.id.map { Organizations.Parent(id: $0, type: "ROOT") } }
        }
        // The tree and the policies' targets at the same time.
        async let policyTargets = readPolicyTargets(organizations)
        var targets: [String] = roots.compactMap(\.id)
        for root in roots {
            let (units, accounts) = try await walk(root, organizations)
            for (unit, parent) in units {
                map.parents[unit] = parent
                targets.append(unit)
            }
            for (account, parent) in accounts {
                if let id = account.id { map.parents[id] = parent }
                map.accounts.append(account)
            }
        }
        let (attachments, complete) = try await policyTargets
        if complete {
            // Keep each target's policies in a stable order.
            for (targets, policy, error) in attachments.sorted(by: { $0.1.name < $1.1.name }) {
                for target in targets {
                    map.attached[target, default: []].append(policy)
                    if let error { map.unparsable[target] = error }
                }
            }
            return map
        }
        // Some policy has too many targets to list: each root's and OU's policies are read on their own.
        map.accountsReadOneByOne = true
        let levels = try await withThrowingTaskGroup(of: (String, Result<[SCPLevelFacts.Policy], AWSError>).self) {
            group in
            for target in targets {
                group.addTask {
                    do {
                        return (target, .success(try await attachedPolicies(target)))
                    } catch let error as AWSError where error.code == "UnparsablePolicy" {
                        return (target, .failure(error))
                    }
                }
            }
            var all: [(String, Result<[SCPLevelFacts.Policy], AWSError>)] = []
            for try await level in group { all.append(level) }
            return all
        }
        for (target, result) in levels {
            switch result {
            case .success(let policies): map.attached[target] = policies.sorted { $0.name < $1.name }
            case .failure(let error): map.unparsable[target] = error
            }
        }
        return map
    }

    /// Every SCP's targets (up to `targetPages` pages each) and text; `complete` is false when some policy has more.
    func readPolicyTargets(
        _ organizations: Organizations.Client
    ) async throws -> (attachments: [([String], SCPLevelFacts.Policy, AWSError?)], complete: Bool) {
        var summaries: [Organizations.PolicySummary] = []
        for try await page in organizations.listPoliciesPaginator(.init(filter: "SERVICE_CONTROL_POLICY")) {
            summaries += page.policies ?? []
        }
        return try await withThrowingTaskGroup(of: ([String], SCPLevelFacts.Policy, AWSError?, Bool).self) { group in
            for summary in summaries {
                guard let id = summary.id else { continue }
                group.addTask {
                    var targets: [String] = []
                    var pages = 0
                    var complete = true
                    for try await page in organizations.listTargetsForPolicyPaginator(.init(policyId: id)) {
                        targets += (page.targets ?? []).compactMap(\.targetId)
                        pages += 1
                        if pages == Self.targetPages, page.nextToken != nil {
                            complete = false
                            break
                        }
                    }
                    let content = try await cache.content(of: id) {
                        try await organizations.describePolicy(.init(policyId: id)).policy?.content ?? ""
                    }
                    let policy = SCPLevelFacts.Policy(name: summary.name ?? id, content: content)
                    return (targets, policy, Self.parseError(content, name: summary.name ?? id), complete)
                }
            }
            var all: [([String], SCPLevelFacts.Policy, AWSError?)] = []
            var complete = true
            for try await (targets, policy, error, whole) in group {
                all.append((targets, policy, error))
                complete = complete && whole
            }
            return (all, complete)
        }
    }

    static func parseError(_ content: String, name: String) -> AWSError? {
        do {
            _ = try PolicyDocument.parse(content)
            return nil
        } catch let error as PolicyDocument.ParseError {
            return AWSError(
                kind: .malformedResponse, code: "UnparsablePolicy", message: "SCP \(name): \(error.description)",
                service: "organizations", operation: "DescribePolicy")
        } catch {
            return AWSError(
                kind: .malformedResponse, code: "UnparsablePolicy", message: "SCP \(name): \(error)",
                service: "organizations", operation: "DescribePolicy")
        }
    }

    /// The SCP path with each policy's JSON text (for snapshots). Unparsable policies are an error naming them.
    public func facts(account: String) async throws -> [SCPLevelFacts] {
        // When the whole-organization reads fail (a delegated administrator without ListRoots, say), each
        // account's path is read on its own below.
        if let map = try? await cache.organizationMap(load: { try await loadOrganizationMap() }),
            map.parents[account] != nil
        {
            var path = [account]
            var child = account
            while let parent = map.parents[child], let id = parent.id, path.count < 12 {
                path.append(id)
                if parent.type == "ROOT" { break }
                child = id
            }
            var levels: [SCPLevelFacts] = []
            for target in path.reversed() {
                if let error = map.unparsable[target] { throw error }
                if target == account, map.accountsReadOneByOne {
                    levels.append(SCPLevelFacts(target: target, policies: try await attachedPolicies(target)))
                } else {
                    levels.append(SCPLevelFacts(target: target, policies: map.attached[target] ?? []))
                }
            }
            return levels
        }
        let organizations = client.organizations()
        var path = [account]
        var child = account
        for _ in 0..<10 {  // OUs nest at most five deep
            let current = child
            let load: @Sendable () async throws -> Organizations.Parent? = {
                try await organizations.listParents(.init(childId: current)).parents?.first
            }
            // An account's parent is its own; an OU's parent is shared by everything below it.
            let found = current == account ? try await load() : try await cache.parent(of: current, load: load)
            guard let parent = found, let id = parent.id else { break }
            path.append(id)
            if parent.type == "ROOT" { break }
            child = id
        }
        var levels: [SCPLevelFacts] = []
        for target in path.reversed() {
            let load: @Sendable () async throws -> [SCPLevelFacts.Policy] = { try await attachedPolicies(target) }
            // The account's own level is not shared; the root's and OUs' are.
            let policies = target == account ? try await load() : try await cache.policies(for: target, load: load)
            levels.append(SCPLevelFacts(target: target, policies: policies))
        }
        return levels
    }

    /// The SCPs attached to one target, with their JSON text (unparsable ones are an error naming them).
    func attachedPolicies(_ target: String) async throws -> [SCPLevelFacts.Policy] {
        let organizations = client.organizations()
        var policies: [SCPLevelFacts.Policy] = []
        for try await page in organizations.listPoliciesForTargetPaginator(
            .init(targetId: target, filter: "SERVICE_CONTROL_POLICY"))
        {
            for summary in page.policies ?? [] {
                guard let id = summary.id else { continue }
                let content = try await cache.content(of: id) {
                    try await organizations.describePolicy(.init(policyId: id)).policy?.content ?? ""
                }
                do {
                    _ = try PolicyDocument.parse(content)
                } catch let error as PolicyDocument.ParseError {
                    throw AWSError(
                        kind: .malformedResponse, code: "UnparsablePolicy",
                        message: "SCP \(summary.name ?? id): \(error.description)",
                        service: "organizations", operation: "DescribePolicy")
                }
                policies.append(.init(name: summary.name ?? id, content: content))
            }
        }
        return policies
    }
}
