import Foundation
import RootGuardModel

/// `rootguard password check`: the verdict, never the password.
public enum PasswordRenderer {
    public static func render(_ verdict: PasswordVerdict) -> String {
        var out = ""
        out += "Length        \(verdict.length) characters\n"
        out += "Classes       \(verdict.classes.isEmpty ? "none" : verdict.classes.joined(separator: ", "))\n"
        out += "Entropy       ~\(verdict.entropyBits) bits (if the characters were chosen at random)\n"
        let estimate = verdict.estimate
        out +=
            "Guesses       ~10^\(String(format: "%.1f", estimate.guessesLog10)) for an attacker who tries likely patterns first (zxcvbn score \(estimate.score) of 4)\n"
        for weakness in estimate.weaknesses { out += "Weakness      \(TerminalSafe.escape(weakness))\n" }
        if verdict.meetsAWSRules {
            out += "AWS rules     met\n"
        } else {
            for violation in verdict.violations { out += "AWS rules     NOT met: \(violation)\n" }
        }
        let summary =
            verdict.isStrong
            ? "strong"
            : verdict.meetsAWSRules
                ? "accepted by AWS but weak (guessable: aim for zxcvbn score 4; `rootguard password generate`)"
                : "rejected"
        out += "Verdict       \(summary)\n"
        return out
    }
}
