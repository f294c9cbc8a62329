import ArgumentParser
import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel

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

    @Option(name: .customLong("account"), help: "A member account id (repeatable).")
    var accounts: [String]

    @Flag(help: "Really delete (default: dry run).")
    var apply = false

    func validate() throws {
        for account in accounts where account.count != 12 || !account.allSatisfy(\.isNumber) {
            throw ValidationError("--account must be a 12-digit account id, not '\(account)'")
        }
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
    }

    func run() async throws {
        var remaining = false
        var failed = false
        try await runReportingErrors {
            try await global.withClient { client in
                let sessions = RootSessions(client: client)
                for account in accounts {
                    let before: RootCredentialInventory
                    do {
                        before = try await sessions.inventory(account: account)
                    } catch let error as AWSError {
                        FileHandle.standardError.write(Data("error: \(account): \(error)\n".utf8))
                        failed = true
                        continue
                    }
                    if before.isEmpty {
                        print("\(account): root has no credentials; nothing to remove")
                        continue
                    }
                    if !apply {
                        print("\(account): would remove (dry run; pass --apply to remove):")
                        for line in before.lines { print("  - \(line)") }
                        remaining = true
                        continue
                    }
                    print("\(account): removing:")
                    for removal in try await sessions.removeCredentials(account: account, inventory: before) {
                        print(
                            "  \(removal.error == nil ? "removed" : "FAILED ") \(removal.credential)\(removal.error.map { ": \($0)" } ?? "")"
                        )
                        if removal.error != nil { failed = true }
                    }
                    let after = try await sessions.inventory(account: account)
                    if after.isEmpty {
                        print("  re-audit: root has no credentials left")
                    } else {
                        remaining = true
                        print("  re-audit: still present: \(after.lines.joined(separator: "; "))")
                    }
                }
            }
        }
        if failed { throw ExitCode.failure }
        if remaining { throw ExitCode(2) }
    }
}
