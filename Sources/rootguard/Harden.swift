import ArgumentParser
import Foundation
import RootGuard
import RootGuardModel
import RootGuardReport

/// `rootguard harden`: changes that secure root. Dry run unless `--apply`.
struct Harden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Secure the root user (dry run unless --apply).", subcommands: [RemoveRootCredentials.self])
}

/// `rootguard harden remove-root-credentials --account ID… [--apply]`.
struct RemoveRootCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-root-credentials",
        abstract:
            "Delete member accounts' root password, access keys and signing certificates, and deactivate their MFA devices.",
        discussion: """
            Uses sts:AssumeRoot (IAMAuditRootUserCredentials to list, IAMDeleteRootUserCredentials to delete) from the \
            management account or IAM's delegated administrator; centralised root access (RootSessions) must be enabled. \
            Without --apply nothing is changed: the command prints exactly what would be removed. With --apply it removes \
            it and audits the account again. Exit codes: 0 done (nothing left), 1 error, 2 credentials remain.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("account"), help: "A member account id, 12 digits (repeatable).",
        transform: AccountID.argument)
    var accounts: [AccountID]

    @Flag(help: "Really delete (default: dry run).")
    var apply = false

    func validate() throws {
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let outcomes = try await global.withClient { client in
                await RootCredentialRemoval.run(accounts: accounts, apply: apply, client: client)
            }
            let (out, err) = HardenRenderer.removal(outcomes)
            try Output.stdout(out)
            Output.stderr(err)
            code = RootCredentialRemoval.exitCode(outcomes)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
