import Foundation
import Testing

/// Every command's `--help` exits 0 and lists every exit code the command can end with (64, a usage error, included).
@Suite struct HelpCLITests {
    @Test(arguments: [
        (["audit"], ["0 ", "1 error", "2 ", "64 usage"]),
        (["trail"], ["0 nothing unexpected", "3 unexpected", "4 some input", "1 error", "64"]),
        (["trail", "athena"], ["0 nothing unexpected", "3 unexpected", "4 ", "1 error", "64 usage"]),
        (["watch"], ["0 stopped", "1 error", "64 usage"]),
        (["harden", "monitoring"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (["harden", "watch"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (["harden", "scp"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (["harden", "org-root-access"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (["harden", "contacts"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (
            ["harden", "remove-root-credentials"],
            ["0 done", "2 credentials would be removed", "3 credentials remain", "1 error", "64"]
        ),
        (["root-task", "unlock-bucket"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (["root-task", "unlock-queue"], ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]),
        (
            ["root-task", "allow-password-recovery"],
            ["0 nothing to change", "2 changes pending", "3 applied", "1 error", "64"]
        ),
        (["root-task", "audit-credentials"], ["0 no root holds", "2 some root does", "1 an account", "64 usage"]),
        (
            ["root-task", "delete-credentials"],
            ["0 done", "2 credentials would be removed", "3 credentials remain", "1 error", "64"]
        ),
        (["diff"], ["0 no regression", "2 a regression", "1 error", "64 usage"]),
        (["policy", "print"], ["0 printed", "1 error", "64 usage"]),
        (["policy", "simulate"], ["0 permitted", "2 denied", "1 error", "64 usage"]),
        (["password", "check"], ["0 meets", "2 it does not", "1 error", "64 usage"]),
        (["password", "generate"], ["0 printed", "1 error", "64 usage"]),
        (["whoami"], ["0 shown", "1 error", "64 usage"]),
    ])
    func helpListsEveryExitCode(_ command: [String], _ codes: [String]) throws {
        let result = try CLI.run(command + ["--help"], environment: ["COLUMNS": "400"])
        #expect(result.status == 0, "\(command): \(result.stderr)")
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Exit codes"), "\(command)")
        for code in codes { #expect(text.contains(code), "\(command) --help lacks '\(code)'") }
    }
}
