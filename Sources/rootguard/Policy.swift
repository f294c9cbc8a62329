import ArgumentParser
import Foundation
import RootGuard
import RootGuardModel
import RootGuardPolicy
import RootGuardReport

/// `rootguard policy`: the least-privilege IAM policy rootguard needs, and the SCP simulator.
struct Policy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the least-privilege IAM policy rootguard needs, or simulate SCPs for an account.",
        subcommands: [Print.self, Simulate.self], defaultSubcommand: Print.self)
}

/// `rootguard policy print` (the default).
struct Print: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the least-privilege IAM policy rootguard needs (read-only unless --with-harden).",
        discussion: "Exit codes: 0 printed, 1 error (the output cannot be written), 64 usage.")

    @Flag(
        help:
            "Add the statement `harden remove-root-credentials --apply` needs (AssumeRoot with the delete task policy)."
    )
    var withHarden = false

    @Flag(
        help:
            "Add what `rootguard root-task` needs: sts:AssumeRoot limited to the five task policies (sts:TaskPolicyArn)."
    )
    var withRootTask = false

    @Flag(
        help:
            "Add what `rootguard respond` needs: the reads and containment steps, the account's facts, sns:Publish for --notify, and AssumeRoot with the delete task policy."
    )
    var withRespond = false

    @Flag(help: "Add securityhub:BatchImportFindings, which --import-to-securityhub needs.")
    var withImport = false

    @Flag(help: "Add what `rootguard watch` needs (SQS receive/delete/visibility, SNS publish).")
    var withWatch = false

    @Flag(help: "Add what `rootguard trail athena` needs to run queries (Athena, Glue catalog reads, S3 results).")
    var withAthena = false

    @Option(
        help:
            "The partition of the ARNs: aws, aws-cn or aws-us-gov (default: the partition of --region, else of the configured region)."
    )
    var partition: String?

    @Option(help: "A region whose partition the ARNs use (e.g. cn-north-1).")
    var region: String?

    func validate() throws {
        if let partition, !["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"].contains(partition) {
            throw ValidationError("--partition must be aws, aws-cn, aws-us-gov, aws-iso or aws-iso-b")
        }
    }

    func run() async throws {
        try await runReportingErrors { try printPolicy() }
    }

    func printPolicy() throws {
        let region =
            region ?? ProcessInfo.processInfo.environment["AWS_REGION"]
            ?? ProcessInfo.processInfo.environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let document = RequiredPolicy.document(
            partition: partition ?? RequiredPolicy.partition(ofRegion: region), withHarden: withHarden,
            withImport: withImport, withWatch: withWatch, withAthena: withAthena, withRootTask: withRootTask,
            withRespond: withRespond)
        try Output.stdout(try PolicyRenderer.json(document))
    }
}

/// `rootguard policy simulate`: would the SCPs let this principal do this action in this account?
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the SCPs on the path root → OUs → account for one action, statement by statement.",
        discussion:
            "Run from the management account (or a delegated administrator). SCPs never apply to the management account itself: for it the answer is PERMITTED with that reason. Exit codes: 0 permitted, 2 denied, 1 error, 64 usage."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The member account id (12 digits).", transform: AccountID.argument)
    var account: AccountID

    @Option(help: "`root` for the account's root user, or a principal ARN.")
    var principal = "root"

    @Option(help: "The action, e.g. iam:CreateAccessKey.")
    var action: String

    @Option(help: "The resource ARN.")
    var resource = "*"

    @Flag(help: "Simulate an AssumeRoot privileged session (sets aws:AssumedRoot).")
    var assumedRoot = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text (default) or json.")
    var output: Format = .text

    func validate() throws {
        guard action.contains(":") else { throw ValidationError("--action must look like service:Action") }
    }

    func run() async throws {
        var permitted = true
        try await runReportingErrors {
            let request = SCPSimulator.Request(
                account: account, principal: principal == "root" ? nil : principal, action: action,
                resource: resource, assumedRoot: assumedRoot)
            let simulation = try await global.withClient { try await SCPSimulator.simulate(request, client: $0) }
            let who = principal == "root" ? "root of \(account)" : principal
            switch output {
            case .text:
                try Output.stdout(
                    PolicyRenderer.simulation(
                        simulation.result, permitted: simulation.permitted, explanation: simulation.explanation,
                        action: action, principal: who))
            case .json:
                try Output.stdout(
                    try PolicyRenderer.simulationJSON(
                        simulation.result, account: account, managementAccount: simulation.managementAccount,
                        permitted: simulation.permitted, explanation: simulation.explanation, action: action,
                        resource: resource, principal: who, assumedRoot: assumedRoot))
            }
            permitted = simulation.permitted
        }
        if !permitted { throw ExitCode(2) }
    }
}
