/// How a root password fares against AWS's rules and against an attacker who knows how people choose passwords
/// (`rootguard password check`).
public struct PasswordVerdict: Sendable, Hashable {
    public var length: Int
    public var classes: [String]
    /// Rules broken, one sentence each; empty when AWS would accept it.
    public var violations: [String]
    /// log2 of the search space if the characters were chosen at random from the classes used.
    public var entropyBits: Int
    /// The guesses a zxcvbn-style attacker needs (dictionary words, keyboard walks, repeats, sequences, dates).
    public var estimate: PasswordStrength.Estimate
    public var meetsAWSRules: Bool { violations.isEmpty }
    /// Strong: AWS's rules, and zxcvbn's top score (at least 10¹⁰ guesses for an attacker who tries the likely
    /// patterns first) — random-looking characters are not enough when they spell a repeated word.
    public var isStrong: Bool { meetsAWSRules && estimate.score >= 4 }

    public init(
        length: Int, classes: [String], violations: [String], entropyBits: Int, estimate: PasswordStrength.Estimate
    ) {
        self.length = length
        self.classes = classes
        self.violations = violations
        self.entropyBits = entropyBits
        self.estimate = estimate
    }
}
