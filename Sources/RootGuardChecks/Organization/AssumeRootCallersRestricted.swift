import Foundation
import RootGuardModel
import RootGuardPolicy

/// ROOT-BP 13 (CIS v7.0 2.1.1): who in the management account (or IAM's delegated administrator) may start privileged
/// root sessions in member accounts (`sts:AssumeRoot`), judged by the policy evaluator on each user's and role's
/// identity policies (their groups' included): limited to named task policies (`sts:TaskPolicyArn`), requiring MFA,
/// and limited to named member accounts. FAIL when a principal may use any task policy; NOT_EVALUATED when the
/// policies cannot be read or a principal's grant rests on something rootguard cannot judge.
public struct AssumeRootCallersRestricted: Check {
    public static let metadata = CheckMetadata(
        id: "assume-root-callers-restricted",
        title: "Privileged root sessions are limited to named tasks, MFA and accounts",
        practices: ["13"], severity: .high,
        risk:
            "Whoever may call sts:AssumeRoot without limits can become any member account's root: re-create its root "
            + "password (IAMCreateRootUserPassword) and sign in as root, or delete its bucket and queue policies.",
        remediation:
            "Grant sts:AssumeRoot only to a few break-glass roles, with a StringEquals sts:TaskPolicyArn condition naming the task policies they need, aws:MultiFactorAuthPresent, and Resource naming the member accounts' root ARNs (`rootguard policy --with-root-task` prints the statement); deny it to everyone else."
    )

    public init() {}

    /// How one principal may call `sts:AssumeRoot`.
    struct Grant {
        var principal: AuthorizationDetails.Principal
        /// The task policies it may use (of the five).
        var tasks: [String]
        var anyTask: Bool
        var withoutMFA: Bool
        var anyAccount: Bool
        var restricted: Bool { !anyTask && !withoutMFA && !anyAccount }
    }

    static let taskNames = [
        "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
        "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy",
    ]

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let membership = try need(snapshot.organization)
            switch membership.role {
            case .standalone:
                return [
                    m.finding(
                        snapshot, .notApplicable,
                        "The account is not in an organization: nobody can call sts:AssumeRoot for it.")
                ]
            case .member:
                // Only IAM's delegated administrator (which can read the organization's features) may call it.
                guard case .value = snapshot.organizationFeatures else {
                    return [
                        m.finding(
                            snapshot, .notApplicable,
                            "A member that is not IAM's delegated administrator cannot call sts:AssumeRoot; judged in the management account and the delegated administrator."
                        )
                    ]
                }
            case .management:
                break
            }
            let details = try need(snapshot.authorization)
            let partition = snapshot.account.partition
            var grants: [Grant] = []
            var undecided: [(String, String)] = []
            for principal in details.principals where principal.kind != .group {
                let (policies, unknown) = PolicyGrants.policies(of: principal, in: details)
                switch Self.grant(principal, policies: policies, partition: partition) {
                case .some(let grant): grants.append(grant)
                case .none:
                    if !unknown.isEmpty, PolicyGrants.mayAllow("sts:AssumeRoot", unknownPolicies: unknown) {
                        undecided.append(
                            (principal.arn, "its policy \(unknown.sorted().joined(separator: ", ")) was not readable"))
                    } else if let keys = Self.conditionalGrant(policies) {
                        undecided.append(
                            (principal.arn, "it is allowed under conditions rootguard does not judge (\(keys))"))
                    }
                }
            }
            let unrestricted = grants.filter(\.anyTask)
            let partly = grants.filter { !$0.anyTask && !$0.restricted }
            var evidence: [String: JSONValue] = [
                "principals": .array(
                    grants.map { grant -> JSONValue in
                        .object([
                            "arn": .string(grant.principal.arn),
                            "taskPolicies": grant.anyTask ? .string("any") : JSONValue(grant.tasks),
                            "requiresMFA": .bool(!grant.withoutMFA),
                            "limitedToNamedAccounts": .bool(!grant.anyAccount),
                        ])
                    })
            ]
            if !undecided.isEmpty {
                evidence["undecided"] = JSONValue(undecided.map { "\($0.0): \($0.1)" })
            }
            func names(_ list: [Grant]) -> String {
                list.prefix(5).map(\.principal.arn).joined(separator: ", ") + (list.count > 5 ? ", …" : "")
            }
            if !unrestricted.isEmpty {
                return [
                    m.finding(
                        snapshot, .fail,
                        "\(Describe.plural(unrestricted.count, "principal")) may call sts:AssumeRoot with any task policy: \(names(unrestricted)).",
                        evidence: evidence)
                ]
            }
            if !partly.isEmpty {
                let gaps = partly.map { grant in
                    "\(grant.principal.arn) ("
                        + [grant.withoutMFA ? "no MFA required" : nil, grant.anyAccount ? "any member account" : nil]
                        .compactMap { $0 }.joined(separator: ", ") + ")"
                }
                return [
                    m.finding(
                        snapshot, .fail,
                        "sts:AssumeRoot is limited to named task policies, but not everywhere to MFA and named accounts: \(gaps.prefix(5).joined(separator: "; ")).",
                        severity: .medium, evidence: evidence)
                ]
            }
            if !undecided.isEmpty {
                var finding = m.finding(
                    snapshot, .notEvaluated,
                    "Not evaluated: whether \(undecided.count == 1 ? "one principal" : "\(undecided.count) principals") may call sts:AssumeRoot cannot be judged: \(undecided.prefix(3).map { "\($0.0): \($0.1)" }.joined(separator: "; ")).",
                    evidence: evidence)
                finding.notEvaluatedCause = .unreadable
                return [finding]
            }
            if grants.isEmpty {
                return [
                    m.finding(
                        snapshot, .pass,
                        "No IAM user or role here may call sts:AssumeRoot (identity policies evaluated; groups included).",
                        evidence: evidence)
                ]
            }
            return [
                m.finding(
                    snapshot, .pass,
                    "\(Describe.plural(grants.count, "principal")) may call sts:AssumeRoot, each limited to named task policies, with MFA, for named member accounts: \(names(grants)).",
                    evidence: evidence)
            ]
        }
    }

    /// How the policies let the principal call sts:AssumeRoot (nil: not at all), probed with the evaluator: each of
    /// the five task policies and one no AWS policy is named, with and without MFA, for the member accounts the
    /// policies name and for an account they cannot name.
    static func grant(
        _ principal: AuthorizationDetails.Principal, policies: [(name: String, document: PolicyDocument)],
        partition: String
    ) -> Grant? {
        guard !policies.isEmpty else { return nil }
        // Only an Allow whose actions could cover sts:AssumeRoot (or a NotAction) can grant it: without one, nothing to
        // probe (most principals; the probes below cost a few dozen evaluations each).
        let mayGrant = policies.flatMap { $0.document.statements }.contains { statement in
            statement.effect == .allow
                && (statement.notActions != nil
                    || (statement.actions ?? []).contains {
                        Wildcard.matches($0, "sts:AssumeRoot", caseInsensitive: true)
                    })
        }
        guard mayGrant else { return nil }
        let named = Set(
            policies.flatMap { $0.document.statements }.filter { $0.effect == .allow }.flatMap { $0.resources ?? [] }
                .filter { $0.hasSuffix(":root") && !$0.contains("*") && !$0.contains("?") })
        let elsewhere = "arn:\(partition):iam::000000000000:root"
        let resources = [elsewhere] + named.sorted()
        let unlisted = "arn:\(partition):iam::aws:policy/root-task/RootGuardProbeNotATaskPolicy"
        func allowed(_ task: String, mfa: Bool, _ resource: String) -> Bool {
            let context = RequestContext(
                action: "sts:AssumeRoot", resource: resource,
                keys: [
                    "sts:TaskPolicyArn": [task], "aws:MultiFactorAuthPresent": [mfa ? "true" : "false"],
                    "aws:PrincipalArn": [principal.arn],
                ])
            return PolicyEvaluator.evaluate(policies, context).decision == .allow
        }
        let arns = taskNames.map { "arn:\(partition):iam::aws:policy/root-task/\($0)" } + [unlisted]
        var tasks: [String] = []
        var withoutMFA = false
        var anyAccount = false
        var anyTask = false
        for (index, arn) in arns.enumerated() {
            let withMFA = resources.filter { allowed(arn, mfa: true, $0) }
            let noMFA = resources.filter { allowed(arn, mfa: false, $0) }
            guard !withMFA.isEmpty || !noMFA.isEmpty else { continue }
            if index < taskNames.count { tasks.append(taskNames[index]) } else { anyTask = true }
            if !noMFA.isEmpty { withoutMFA = true }
            if withMFA.contains(elsewhere) || noMFA.contains(elsewhere) { anyAccount = true }
        }
        guard !tasks.isEmpty || anyTask else { return nil }
        return Grant(
            principal: principal, tasks: tasks, anyTask: anyTask, withoutMFA: withoutMFA, anyAccount: anyAccount)
    }

    /// The condition keys of Allow statements that could cover sts:AssumeRoot, when the evaluator allowed none of the
    /// probes: a grant rootguard cannot rule out.
    static func conditionalGrant(_ policies: [(name: String, document: PolicyDocument)]) -> String? {
        let keys = Set(
            policies.flatMap { $0.document.statements }.filter { statement in
                statement.effect == .allow && !statement.conditions.isEmpty
                    && (statement.actions ?? []).contains {
                        Wildcard.matches($0, "sts:AssumeRoot", caseInsensitive: true)
                    }
            }
            .flatMap { $0.conditions.map(\.key) })
        let modelled: Set<String> = ["sts:taskpolicyarn", "aws:multifactorauthpresent", "aws:principalarn"]
        let others = keys.filter { !modelled.contains($0.lowercased()) }
        return others.isEmpty ? nil : others.sorted().joined(separator: ", ")
    }
}
