import ArgumentParser
import Foundation
import RootGuardModel

@main
struct RootGuardCommand: AsyncParsableCommand {
    /// A closed pipe is an error the writer sees (EPIPE), not a signal that kills rootguard mid-report.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        // `trail athena …`: `trail` takes its sources as positional arguments, so its one subcommand is routed here.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count >= 2, arguments[0] == "trail", arguments[1] == "athena" {
            do {
                var command = try TrailAthena.parseAsRoot(Array(arguments.dropFirst(2)))
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                TrailAthena.exit(withError: error)
            }
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "rootguard",
        abstract: "Secure, audit and monitor the AWS account root user.",
        discussion: """
            Exit codes: 0 success, 1 error, 2 findings at or above --fail-on or a regression against --baseline (audit, diff); trail: 3 unexpected root activity, 4 unreadable input.
            Credentials, region and endpoints are read the way the AWS CLI reads them.
            """,
        version: RootGuardVersion.current,
        subcommands: [
            Audit.self, Trail.self, Watch.self, Diff.self, Whoami.self, Password.self, Policy.self, Harden.self,
        ]
    )
}
