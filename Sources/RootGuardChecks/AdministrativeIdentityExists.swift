import Foundation
import RootGuardModel

/// ROOT-BP 08: someone other than root can administer the account (roles preferred), and billing is delegated.
public struct AdministrativeIdentityExists: Check {
    public static let metadata = CheckMetadata(
        id: "admin-identity-exists", title: "An administrative identity other than root exists", practices: ["08"],
        severity: .high,
        risk: "Without another administrator, every administrative task needs root.",
        remediation:
            "Create an administrator role (IAM Identity Center permission set or an IAM role with temporary credentials) and use it instead of root."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let details = snapshot.authorization.value else {
            return [m.notEvaluated(snapshot, snapshot.authorization.unavailable!)]
        }
        let admins = PolicyGrants.principals(in: details, granting: PolicyGrants.isAdministrator)
        let roles = admins.filter { $0.kind == .role }
        let users = admins.filter { $0.kind == .user }
        let evidence: [String: JSONValue] = [
            "adminRoles": JSONValue(roles.map(\.arn)), "adminUsers": JSONValue(users.map(\.arn)),
        ]
        if !roles.isEmpty {
            return [
                m.finding(
                    snapshot, .pass,
                    "\(Describe.plural(roles.count, "role")) can administer the account (\(roles.prefix(3).map(\.name).joined(separator: ", "))\(roles.count > 3 ? ", …" : "")).",
                    evidence: evidence)
            ]
        }
        if !users.isEmpty {
            return [
                m.finding(
                    snapshot, .pass,
                    "Only IAM users can administer the account (\(users.prefix(3).map(\.name).joined(separator: ", "))); prefer roles with temporary credentials.",
                    severity: .low, evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .fail, "No IAM user or role has administrator permissions: root is the only administrator.",
                evidence: evidence)
        ]
    }
}

/// ROOT-BP 08 (billing): someone other than root can manage billing.
public struct BillingAccessDelegated: Check {
    public static let metadata = CheckMetadata(
        id: "billing-access-delegated", title: "Billing access is delegated to an IAM identity", practices: ["08"],
        severity: .low,
        risk: "If only root can see and manage billing, finance work becomes a reason to use root.",
        remediation:
            "Activate IAM access to billing (Account settings, as root, once) and grant the Billing job-function policy to a role."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let details = snapshot.authorization.value else {
            return [m.notEvaluated(snapshot, snapshot.authorization.unavailable!)]
        }
        let billing = PolicyGrants.principals(in: details, granting: PolicyGrants.canManageBilling)
        let evidence: [String: JSONValue] = ["billingPrincipals": JSONValue(billing.map(\.arn))]
        if billing.isEmpty {
            return [
                m.finding(snapshot, .fail, "No IAM user or role is granted billing permissions.", evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .pass,
                "\(Describe.plural(billing.count, "identity")) can manage billing (\(billing.prefix(3).map(\.name).joined(separator: ", "))). IAM access to billing must also be activated in Account settings; no API shows that switch.",
                evidence: evidence)
        ]
    }
}

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
