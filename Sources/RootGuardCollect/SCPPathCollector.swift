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

    public init(client: AWSClient) { self.client = client }

    public func levels(account: String) async throws -> [SCPEvaluator.Level] {
        try await facts(account: account).map { level in
            SCPEvaluator.Level(
                target: level.target,
                policies: level.policies.compactMap { policy in
                    (try? PolicyDocument.parse(policy.content)).map {
                        SCPEvaluator.NamedPolicy(name: policy.name, document: $0)
                    }
                })
        }
    }

    /// The SCP path with each policy's JSON text (for snapshots). Unparsable policies are an error naming them.
    public func facts(account: String) async throws -> [SCPLevelFacts] {
        let organizations = client.organizations()
        var path = [account]
        var child = account
        for _ in 0..<10 {  // OUs nest at most five deep
            guard let parent = try await organizations.listParents(.init(childId: child)).parents?.first,
                let id = parent.id
            else { break }
            path.append(id)
            if parent.type == "ROOT" { break }
            child = id
        }
        var cache: [String: String] = [:]
        var levels: [SCPLevelFacts] = []
        for target in path.reversed() {
            var policies: [SCPLevelFacts.Policy] = []
            for try await page in organizations.listPoliciesForTargetPaginator(
                .init(targetId: target, filter: "SERVICE_CONTROL_POLICY"))
            {
                for summary in page.policies ?? [] {
                    guard let id = summary.id else { continue }
                    if cache[id] == nil {
                        let content = try await organizations.describePolicy(.init(policyId: id)).policy?.content ?? ""
                        do {
                            _ = try PolicyDocument.parse(content)
                            cache[id] = content
                        } catch let error as PolicyDocument.ParseError {
                            throw AWSError(
                                kind: .malformedResponse, code: "UnparsablePolicy",
                                message: "SCP \(summary.name ?? id): \(error.description)", service: "organizations",
                                operation: "DescribePolicy")
                        }
                    }
                    policies.append(.init(name: summary.name ?? id, content: cache[id]!))
                }
            }
            levels.append(SCPLevelFacts(target: target, policies: policies))
        }
        return levels
    }
}
