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
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let details = try need(snapshot.authorization)
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
                    snapshot, .fail,
                    "No IAM user or role has administrator permissions: root is the only administrator.",
                    evidence: evidence)
            ]
        }
    }
}
