import Foundation
import RootGuardModel

/// Reads allow statements out of policy documents (a coarse reading; the full evaluator is RootGuardPolicy).
enum PolicyGrants {
    /// AWS-managed policies by the part after the partition (`arn:<partition>` varies).
    static let administratorPolicies = [":iam::aws:policy/AdministratorAccess"]
    static let billingPolicies = [
        ":iam::aws:policy/job-function/Billing", ":iam::aws:policy/AWSBillingConductorFullAccess",
        ":iam::aws:policy/AWSBillingReadOnlyAccess",
    ]

    /// Principals whose attached, inline or group policies grant what `predicate` looks for.
    static func principals(
        in details: AuthorizationDetails, granting predicate: (_ documents: [String], _ arns: [String]) -> Bool
    ) -> [AuthorizationDetails.Principal] {
        let groups = Dictionary(
            details.principals.filter { $0.kind == .group }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        return details.principals.filter { principal in
            guard principal.kind != .group else { return false }
            var arns = principal.attachedPolicyARNs
            var documents = principal.inlinePolicies
            for name in principal.groups {
                if let group = groups[name] {
                    arns += group.attachedPolicyARNs
                    documents += group.inlinePolicies
                }
            }
            documents += arns.compactMap { details.managedPolicyDocuments[$0] }
            return predicate(documents, arns)
        }
    }

    static func isAdministrator(_ documents: [String], _ arns: [String]) -> Bool {
        if arns.contains(where: { arn in administratorPolicies.contains { arn.hasSuffix($0) } }) { return true }
        return documents.contains {
            allows($0) { actions, resources in actions.contains { $0 == "*" || $0 == "*:*" } && resources.contains("*")
            }
        }
    }

    static func canManageBilling(_ documents: [String], _ arns: [String]) -> Bool {
        if isAdministrator(documents, arns) { return true }
        if arns.contains(where: { arn in billingPolicies.contains { arn.hasSuffix($0) } }) { return true }
        let billingPrefixes = ["aws-portal:", "billing:", "account:", "payments:", "ce:", "cur:", "budgets:"]
        return documents.contains {
            allows($0) { actions, _ in
                actions.contains { action in billingPrefixes.contains { action.lowercased().hasPrefix($0) } }
            }
        }
    }

    /// Whether any unconditional Allow statement satisfies `test(actions, resources)`.
    static func allows(_ document: String, _ test: ([String], [String]) -> Bool) -> Bool {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any] else {
            return false
        }
        let statements: [[String: Any]] =
            (object["Statement"] as? [[String: Any]]) ?? ((object["Statement"] as? [String: Any]).map { [$0] } ?? [])
        return statements.contains { statement in
            guard (statement["Effect"] as? String) == "Allow", statement["Condition"] == nil else { return false }
            return test(strings(statement["Action"]), strings(statement["Resource"]))
        }
    }

    static func strings(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        return value as? [String] ?? []
    }
}
