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
        // `trail` itself is parsed on its own too: it is the command whose speed is measured, and parsing the whole
        // command tree costs it a few milliseconds of reflection over every other command's options.
        let athena = arguments.count >= 2 && arguments[1] == "athena"
        if arguments.first == "trail", athena {
            await runRouted(TrailAthena.self, "rootguard trail athena", Array(arguments.dropFirst(2)))
        } else if arguments.first == "trail", !arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            await runRouted(Trail.self, "rootguard trail", Array(arguments.dropFirst()))
        } else {
            do {
                var command = try parseAsRoot()
                try await run(&command)
            } catch {
                exit(withError: error)
            }
        }
    }

    static func run(_ command: inout any ParsableCommand) async throws {
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    /// Parses and runs one command on its own (not through the whole tree).
    static func runRouted(_ type: any ParsableCommand.Type, _ fullName: String, _ arguments: [String]) async {
        do {
            var command = try type.parseAsRoot(arguments)
            try await run(&command)
        } catch {
            exitRouted(type, fullName, error)
        }
    }

    /// `exit(withError:)` for a command parsed on its own: its "See '… --help'" hint names the full command.
    static func exitRouted(_ command: any ParsableCommand.Type, _ fullName: String, _ error: any Error) -> Never {
        let code = command.exitCode(for: error)
        var message = command.fullMessage(for: error)
        let name = fullName.split(separator: " ").last.map(String.init) ?? fullName
        message = message.replacingOccurrences(of: "See '\(name) --help'", with: "See '\(fullName) --help'")
        if !message.isEmpty {
            if code == .success {
                print(message)
            } else {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
        }
        Foundation.exit(code.rawValue)
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
            RootTask.self, Respond.self,
        ]
    )
}
