import Foundation
import RootGuardModel
import RootGuardPolicy

/// What a principal's policies grant, judged by the policy evaluator (RootGuardPolicy) on the actions that make a
/// claim true.
enum PolicyGrants {
    /// AWS-managed policies by the part after the partition (`arn:<partition>` varies).
    static let administratorPolicies = [":iam::aws:policy/AdministratorAccess"]
    static let billingPolicies = [":iam::aws:policy/job-function/Billing"]

    /// Principals whose attached, inline or group policies grant what `predicate` looks for.
    static func principals(
        in details: AuthorizationDetails, granting predicate: (_ documents: [String], _ arns: [String]) -> Bool
    ) -> [AuthorizationDetails.Principal] {
        details.principals.filter { principal in
            guard principal.kind != .group else { return false }
            let (documents, arns) = sources(of: principal, in: details)
            return predicate(documents, arns)
        }
    }

    /// A principal's policy texts (inline, its groups' inline, and the attached managed documents that were read) and
    /// the ARNs of its attached managed policies (its groups' included).
    static func sources(
        of principal: AuthorizationDetails.Principal, in details: AuthorizationDetails
    ) -> (documents: [String], arns: [String]) {
        var arns = principal.attachedPolicyARNs
        var documents = principal.inlinePolicies
        for name in principal.groups {
            if let group = details.principals.first(where: { $0.kind == .group && $0.name == name }) {
                arns += group.attachedPolicyARNs
                documents += group.inlinePolicies
            }
        }
        documents += arns.compactMap { details.managedPolicyDocuments[$0] }
        return (documents, arns)
    }

    /// A principal's policies parsed for the evaluator, and the attached policies whose documents are unknown (not
    /// read, and not one of the AWS-managed documents known here) or do not parse.
    static func policies(
        of principal: AuthorizationDetails.Principal, in details: AuthorizationDetails
    ) -> (policies: [(name: String, document: PolicyDocument)], unknown: [String]) {
        let (documents, arns) = sources(of: principal, in: details)
        var texts = documents
        var unknown: [String] = []
        for arn in arns where details.managedPolicyDocuments[arn] == nil {
            if let known = knownManagedDocument(arn) { texts.append(known) } else { unknown.append(arn) }
        }
        var policies: [(name: String, document: PolicyDocument)] = []
        for (index, text) in texts.enumerated() {
            if let document = try? PolicyDocument.parse(text) {
                policies.append((name: "policy \(index)", document: document))
            } else {
                unknown.append("policy \(index) (not a policy document)")
            }
        }
        return (policies, unknown)
    }

    /// Whether policies rootguard could not read may allow `action`: always possibly.
    static func mayAllow(_ action: String, unknownPolicies: [String]) -> Bool { !unknownPolicies.isEmpty }

    /// What an administrator can do: create and empower identities, run and expose resources. All of them must be
    /// allowed (an explicit Deny of any makes the principal no administrator).
    static let administratorProbes = [
        "iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:CreateUser", "ec2:RunInstances",
        "s3:PutBucketPolicy", "kms:CreateKey",
    ]

    /// Acting on billing: changing payment methods or billing preferences. Reading bills (`aws-portal:ViewBilling`,
    /// `ce:Get*`, AWSBillingReadOnlyAccess, ViewOnlyAccess, SecurityAudit) is not delegating billing.
    static let billingActions = [
        "aws-portal:ModifyBilling", "aws-portal:ModifyPaymentMethods", "billing:UpdateBillingPreferences",
        "payments:UpdatePaymentPreferences", "payments:CreatePaymentInstrument",
    ]

    /// The documents of AWS-managed policies that GetAccountAuthorizationDetails may leave out, as far as these checks
    /// need them.
    static func knownManagedDocument(_ arn: String) -> String? {
        if administratorPolicies.contains(where: arn.hasSuffix) {
            return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        }
        if billingPolicies.contains(where: arn.hasSuffix) {
            let actions = billingActions.map { "\"\($0)\"" }.joined(separator: ",")
            return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[\#(actions)],"Resource":"*"}]}"#
        }
        return nil
    }

    /// Whether the policies, evaluated together by the policy evaluator (Deny wins, conditions with keys the
    /// request cannot carry do not apply), allow every one of `required` (or, with `any`, at least one).
    static func allows(_ documents: [String], _ arns: [String], _ actions: [String], all: Bool) -> Bool {
        var texts = documents
        for arn in arns {
            if let known = knownManagedDocument(arn) { texts.append(known) }
        }
        let policies = texts.enumerated().compactMap { index, text in
            (try? PolicyDocument.parse(text)).map { (name: "policy \(index)", document: $0) }
        }
        guard !policies.isEmpty else { return false }
        let allowed = { (action: String) in
            PolicyEvaluator.evaluate(policies, RequestContext(action: action, resource: "*")).decision == .allow
        }
        return all ? actions.allSatisfy(allowed) : actions.contains(where: allowed)
    }

    static func isAdministrator(_ documents: [String], _ arns: [String]) -> Bool {
        allows(documents, arns, administratorProbes, all: true)
    }

    static func canManageBilling(_ documents: [String], _ arns: [String]) -> Bool {
        allows(documents, arns, billingActions, all: false)
    }
}
