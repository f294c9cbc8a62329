import ArgumentParser
import Foundation
import RootGuard
import RootGuardModel
import RootGuardReport

/// `rootguard password check|generate`.
struct Password: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a root password against AWS's rules, or generate one.",
        subcommands: [Check.self, Generate.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a password (read from stdin, or typed at a no-echo prompt; never an argument).",
            discussion: "Exit codes: 0 meets AWS's rules and is strong, 2 it does not, 1 error, 64 usage.")

        @Option(help: "The AWS account name, which the password must not equal.")
        var accountName: String?

        @Option(help: "The root e-mail address, which the password must not equal.")
        var email: String?

        /// Caught only to refuse it without repeating it: a password typed as an argument must not be echoed.
        @Argument(help: .hidden)
        var unexpected: [String] = []

        func validate() throws {
            if !unexpected.isEmpty {
                throw ValidationError(
                    "password check takes no password argument (it would stay in the shell history and the process list); pipe it in or type it at the prompt"
                )
            }
        }

        func run() async throws {
            try await runReportingErrors {
                guard let password = try SecretInput.read(prompt: "Root password: ") else {
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
            abstract: "Generate a random root password that meets AWS's rules (system CSPRNG).",
            discussion: "Exit codes: 0 printed, 1 error (no randomness, the output cannot be written), 64 usage.")

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
    /// More than any password: AWS allows 128 characters.
    static let limit = 4096

    struct TooLong: Error, CustomStringConvertible {
        var description: String {
            "the input is longer than \(SecretInput.limit) bytes before its first line break; a root password has at most 128 characters"
        }
    }

    /// A line from stdin when it is not a terminal; otherwise a prompt on /dev/tty with echo off. At most `limit`
    /// bytes are read, whatever stdin holds.
    static func read(prompt: String) throws -> String? {
        if isatty(STDIN_FILENO) == 0 { return try boundedLine() }
        Output.stderr(prompt)
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            Output.stderr("\n")
        }
        return try boundedLine()
    }

    /// The first line of standard input (without its line break), nil when there is none.
    static func boundedLine() throws -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(STDIN_FILENO, &byte, 1) == 1 {
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
            if bytes.count > limit { throw TooLong() }
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
