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
        var policies: [String: Task<[SCPLevelFacts.Policy], Error>] = [:]
        var parents: [String: Task<Organizations.Parent?, Error>] = [:]
        /// For a whole-organization audit: the tree and every SCP's targets, read once (a few dozen calls
        /// instead of two per member account).
        let wholeOrganization: Bool
        var map: Task<OrganizationMap, Error>?

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
    }

    func loadOrganizationMap() async throws -> OrganizationMap {
        let organizations = client.organizations()
        var map = OrganizationMap()
        var level: [Organizations.Parent] = []
        for try await page in organizations.listRootsPaginator(.init()) {
            level += (page.roots ?? []).compactMap { $0.id.map { Organizations.Parent(id: $0, type: "ROOT") } }
        }
        // Breadth first; the parents of one level are listed concurrently (account lists page by 20).
        while !level.isEmpty {
            let children = try await withThrowingTaskGroup(of: [(String, Organizations.Parent, Bool)].self) { group in
                for parent in level {
                    group.addTask {
                        var found: [(String, Organizations.Parent, Bool)] = []
                        let id = parent.id ?? ""
                        for try await page in organizations.listOrganizationalUnitsForParentPaginator(
                            .init(parentId: id))
                        {
                            for unit in page.organizationalUnits ?? [] {
                                if let ou = unit.id { found.append((ou, parent, true)) }
                            }
                        }
                        for try await page in organizations.listAccountsForParentPaginator(.init(parentId: id)) {
                            for account in page.accounts ?? [] {
                                if let a = account.id { found.append((a, parent, false)) }
                            }
                        }
                        return found
                    }
                }
                var all: [(String, Organizations.Parent, Bool)] = []
                for try await found in group { all += found }
                return all
            }
            level = []
            for (child, parent, isUnit) in children {
                map.parents[child] = parent
                if isUnit { level.append(Organizations.Parent(id: child, type: "ORGANIZATIONAL_UNIT")) }
            }
        }
        var summaries: [Organizations.PolicySummary] = []
        for try await page in organizations.listPoliciesPaginator(.init(filter: "SERVICE_CONTROL_POLICY")) {
            summaries += page.policies ?? []
        }
        let attachments = try await withThrowingTaskGroup(of: ([String], SCPLevelFacts.Policy, AWSError?).self) {
            group in
            for summary in summaries {
                guard let id = summary.id else { continue }
                group.addTask {
                    var targets: [String] = []
                    for try await page in organizations.listTargetsForPolicyPaginator(.init(policyId: id)) {
                        targets += (page.targets ?? []).compactMap(\.targetId)
                    }
                    let content = try await organizations.describePolicy(.init(policyId: id)).policy?.content ?? ""
                    let policy = SCPLevelFacts.Policy(name: summary.name ?? id, content: content)
                    return (targets, policy, Self.parseError(content, name: summary.name ?? id))
                }
            }
            var all: [([String], SCPLevelFacts.Policy, AWSError?)] = []
            for try await attachment in group { all.append(attachment) }
            return all
        }
        // Keep each target's policies in a stable order.
        for (targets, policy, error) in attachments.sorted(by: { $0.1.name < $1.1.name }) {
            for target in targets {
                map.attached[target, default: []].append(policy)
                if let error { map.unparsable[target] = error }
            }
        }
        return map
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
            return try path.reversed().map { target in
                if let error = map.unparsable[target] { throw error }
                return SCPLevelFacts(target: target, policies: map.attached[target] ?? [])
            }
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
                let content = try await organizations.describePolicy(.init(policyId: id)).policy?.content ?? ""
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
