import ArgumentParser
import Foundation
import RootGuard
import RootGuardReport

/// `rootguard password check|generate`.
struct Password: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a root password against AWS's rules, or generate one.",
        subcommands: [Check.self, Generate.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a password (read from stdin, or typed at a no-echo prompt; never an argument).",
            discussion: "Exit codes: 0 meets AWS's rules and is strong, 2 it does not, 1 error.")

        @Option(help: "The AWS account name, which the password must not equal.")
        var accountName: String?

        @Option(help: "The root e-mail address, which the password must not equal.")
        var email: String?

        func run() async throws {
            try await runReportingErrors {
                guard let password = SecretInput.read(prompt: "Root password: ") else {
                    Output.error("no password on standard input")
                    throw ExitCode.failure
                }
                let verdict = RootPassword.check(password, accountName: accountName, email: email)
                try Output.stdout(PasswordRenderer.render(verdict))
                if !verdict.isStrong { throw ExitCode(2) }
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a random root password that meets AWS's rules (system CSPRNG).")

        @Option(help: "Length, 8–128 (AWS's maximum is 128).")
        var length = RootPassword.maximumLength

        func validate() throws {
            guard (RootPassword.minimumLength...RootPassword.maximumLength).contains(length) else {
                throw ValidationError("--length must be between 8 and 128")
            }
        }

        func run() async throws {
            try await runReportingErrors { try Output.stdout(RootPassword.generate(length: length) + "\n") }
        }
    }
}

enum SecretInput {
    /// A line from stdin when it is not a terminal; otherwise a prompt on /dev/tty with echo off.
    static func read(prompt: String) -> String? {
        if isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true) else { return nil }
            return line
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
