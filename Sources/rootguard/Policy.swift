import ArgumentParser
import Foundation
import RootGuard
import RootGuardCollect
import RootGuardPolicy

/// `rootguard policy`: the least-privilege IAM policy rootguard needs, and the SCP simulator.
struct Policy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the least-privilege IAM policy rootguard needs, or simulate SCPs for an account.",
        subcommands: [Print.self, Simulate.self], defaultSubcommand: Print.self)
}

/// `rootguard policy print` (the default).
struct Print: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the least-privilege IAM policy rootguard needs (read-only unless --with-harden).")

    @Flag(
        help:
            "Add the statement `harden remove-root-credentials --apply` needs (AssumeRoot with the delete task policy)."
    )
    var withHarden = false

    static func document(withHarden: Bool) -> [String: Any] {
        var statements: [[String: Any]] = [
            [
                "Sid": "RootGuardAuditReadOnly", "Effect": "Allow",
                "Action": Array(
                    Set(
                        Auditor.requiredActions + SCPPathCollector.requiredActions
                            + OrganizationCollector.requiredActions + TrailHunter.requiredActions)
                ).sorted(),
                "Resource": "*",
            ],
            rootSession("RootGuardMemberRootAudit", task: .audit),
        ]
        if withHarden {
            statements.append(rootSession("RootGuardRemoveMemberRootCredentials", task: .deleteCredentials))
        }
        return ["Version": "2012-10-17", "Statement": statements]
    }

    /// `sts:AssumeRoot` limited to one task policy with the `sts:TaskPolicyArn` condition key.
    static func rootSession(_ sid: String, task: RootSessions.Task) -> [String: Any] {
        [
            "Sid": sid, "Effect": "Allow", "Action": RootSessions.requiredActions, "Resource": "*",
            "Condition": ["StringEquals": ["sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/\(task.rawValue)"]],
        ]
    }

    func run() throws {
        let data = try JSONSerialization.data(
            withJSONObject: Self.document(withHarden: withHarden),
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// `rootguard policy simulate`: would the SCPs let this principal do this action in this account?
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the SCPs on the path root → OUs → account for one action, statement by statement.",
        discussion:
            "Run from the management account (or a delegated administrator). Exit codes: 0 permitted, 2 denied, 1 error."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The member account id.")
    var account: String

    @Option(help: "`root` for the account's root user, or a principal ARN.")
    var principal = "root"

    @Option(help: "The action, e.g. iam:CreateAccessKey.")
    var action: String

    @Option(help: "The resource ARN.")
    var resource = "*"

    @Flag(help: "Simulate an AssumeRoot privileged session (sets aws:AssumedRoot).")
    var assumedRoot = false

    func validate() throws {
        guard account.count == 12, account.allSatisfy(\.isNumber) else {
            throw ValidationError("--account must be a 12-digit account id")
        }
        guard action.contains(":") else { throw ValidationError("--action must look like service:Action") }
    }

    func run() async throws {
        var permitted = true
        try await runReportingErrors {
            let levels = try await global.withClient { client in
                try await SCPPathCollector(client: client).levels(account: account)
            }
            var context = RequestContext.root(
                account: account, action: action, resource: resource, assumedRoot: assumedRoot)
            if principal != "root" {
                context.keys["aws:principalarn"] = [principal]
                context.keys["aws:principaltype"] = [principal.contains(":assumed-role/") ? "AssumedRole" : "User"]
            }
            let result = SCPEvaluator.evaluate(levels: levels, context)
            print(
                "\(result.permitted ? "PERMITTED" : "DENIED")  \(action) by \(principal == "root" ? "root of \(account)" : principal): \(result.explanation)"
            )
            for (target, evaluation) in result.perLevel {
                print("  \(target)")
                if evaluation.traces.isEmpty { print("    (no SCP attached: nothing is allowed at this level)") }
                for trace in evaluation.traces { print("    \(trace)") }
            }
            permitted = result.permitted
        }
        if !permitted { throw ExitCode(2) }
    }
}
