import Foundation
import RootGuardModel

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
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let details = try need(snapshot.authorization)
            let billing = PolicyGrants.principals(in: details, granting: PolicyGrants.canManageBilling)
            let evidence: [String: JSONValue] = ["billingPrincipals": JSONValue(billing.map(\.arn))]
            if billing.isEmpty {
                return [
                    m.finding(
                        snapshot, .fail, "No IAM user or role is granted billing permissions.", evidence: evidence)
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
}
