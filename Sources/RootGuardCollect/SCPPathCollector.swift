import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardPolicy

/// The SCPs that apply to one account, level by level: the organization root, each OU down the path, the account.
public struct SCPPathCollector: Sendable {
    public static let requiredActions = [
        "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:DescribePolicy",
    ]

    public let client: AWSClient
    let cache: Cache

    /// Policies attached at the organization root and at OUs are shared by every account below them; one cache
    /// (shared by all members of an `--org` audit) reads each target's policies once.
    public actor Cache {
        var policies: [String: Task<[SCPLevelFacts.Policy], Error>] = [:]
        var parents: [String: Task<Organizations.Parent?, Error>] = [:]
        public init() {}

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

    /// The SCP path with each policy's JSON text (for snapshots). Unparsable policies are an error naming them.
    public func facts(account: String) async throws -> [SCPLevelFacts] {
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
