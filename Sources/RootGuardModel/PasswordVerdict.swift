/// How a root password fares against AWS's rules (`rootguard password check`).
public struct PasswordVerdict: Sendable, Hashable {
    public var length: Int
    public var classes: [String]
    /// Rules broken, one sentence each; empty when AWS would accept it.
    public var violations: [String]
    /// log2 of the search space if the characters were chosen at random from the classes used.
    public var entropyBits: Int
    public var meetsAWSRules: Bool { violations.isEmpty }
    /// AWS's rules plus at least 80 bits.
    public var isStrong: Bool { meetsAWSRules && entropyBits >= 80 }

    public init(length: Int, classes: [String], violations: [String], entropyBits: Int) {
        self.length = length
        self.classes = classes
        self.violations = violations
        self.entropyBits = entropyBits
    }
}
