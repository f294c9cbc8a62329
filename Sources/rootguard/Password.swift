import ArgumentParser
import Foundation
import RootGuard

/// `rootguard password check|generate`.
struct Password: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a root password against AWS's rules, or generate one.",
        subcommands: [Check.self, Generate.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a password (read from stdin, or typed at a no-echo prompt; never an argument).",
            discussion: "Exit codes: 0 meets AWS's rules and is strong, 2 it does not, 1 error.")

        @Option(help: "The AWS account name, which the password must not equal.")
        var accountName: String?

        @Option(help: "The root e-mail address, which the password must not equal.")
        var email: String?

        func run() throws {
            guard let password = Terminal.readSecret(prompt: "Root password: ") else {
                FileHandle.standardError.write(Data("error: no password on standard input\n".utf8))
                throw ExitCode.failure
            }
            let verdict = RootPassword.check(password, accountName: accountName, email: email)
            print("Length        \(verdict.length) characters")
            print("Classes       \(verdict.classes.isEmpty ? "none" : verdict.classes.joined(separator: ", "))")
            print("Entropy       ~\(verdict.entropyBits) bits (if the characters were chosen at random)")
            if verdict.meetsAWSRules {
                print("AWS rules     met")
            } else {
                for violation in verdict.violations { print("AWS rules     NOT met: \(violation)") }
            }
            print(
                "Verdict       \(verdict.isStrong ? "strong" : verdict.meetsAWSRules ? "accepted by AWS but weak (aim for 80+ bits; `rootguard password generate`)" : "rejected")"
            )
            if !verdict.isStrong { throw ExitCode(2) }
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a random root password that meets AWS's rules (system CSPRNG).")

        @Option(help: "Length, 8–128 (AWS's maximum is 128).")
        var length = RootPassword.maximumLength

        func validate() throws {
            guard (RootPassword.minimumLength...RootPassword.maximumLength).contains(length) else {
                throw ValidationError("--length must be between 8 and 128")
            }
        }

        func run() throws {
            print(RootPassword.generate(length: length))
        }
    }
}

extension Terminal {
    /// A line from stdin when it is not a terminal; otherwise a prompt on /dev/tty with echo off.
    static func readSecret(prompt: String) -> String? {
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
