import Foundation

/// AWS's rules for the root user's password, and a generator that always satisfies them.
public enum RootPassword {
    /// The symbols AWS accepts in a root password.
    public static let symbols = Array("!@#$%^&*()_+-=[]{}|'")
    static let uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz")
    static let digits = Array("0123456789")

    public static let minimumLength = 8
    public static let maximumLength = 128

    public typealias Verdict = PasswordVerdict

    public static func check(_ password: String, accountName: String? = nil, email: String? = nil) -> Verdict {
        let (classes, violations, bits) = rules(password, accountName: accountName, email: email)
        let estimate = PasswordStrength.estimate(
            password, userInputs: [accountName, email].compactMap { $0 }.filter { !$0.isEmpty })
        return Verdict(
            length: Array(password).count, classes: classes, violations: violations, entropyBits: bits,
            estimate: estimate)
    }

    /// AWS's rules alone (no strength estimate): the character classes used, the rules broken, and the entropy the
    /// characters would have if chosen at random.
    public static func rules(
        _ password: String, accountName: String? = nil, email: String? = nil
    ) -> (
        classes: [String], violations: [String], entropyBits: Int
    ) {
        let characters = Array(password)
        var classes: [String] = []
        if characters.contains(where: uppercase.contains) { classes.append("uppercase") }
        if characters.contains(where: lowercase.contains) { classes.append("lowercase") }
        if characters.contains(where: digits.contains) { classes.append("digits") }
        if characters.contains(where: symbols.contains) { classes.append("symbols") }
        var violations: [String] = []
        if characters.count < minimumLength { violations.append("shorter than \(minimumLength) characters") }
        if characters.count > maximumLength { violations.append("longer than \(maximumLength) characters") }
        if classes.count < 3 {
            violations.append(
                "uses \(classes.count) of the 4 character classes (uppercase, lowercase, digits, symbols); AWS requires 3"
            )
        }
        let outside = Set(
            characters.filter {
                !uppercase.contains($0) && !lowercase.contains($0) && !digits.contains($0) && !symbols.contains($0)
            })
        if !outside.isEmpty { violations.append("contains \(outside.count) character(s) outside AWS's allowed set") }
        for (label, value) in [("account name", accountName), ("e-mail address", email)] {
            if let value, !value.isEmpty, password.caseInsensitiveCompare(value) == .orderedSame {
                violations.append("is the same as the \(label)")
            }
        }
        var alphabet = 0
        if classes.contains("uppercase") { alphabet += uppercase.count }
        if classes.contains("lowercase") { alphabet += lowercase.count }
        if classes.contains("digits") { alphabet += digits.count }
        if classes.contains("symbols") { alphabet += symbols.count }
        let distinct = Set(characters).count
        // A long run of few distinct characters is not random: cap the estimate by what was actually used.
        let effective = Double(max(1, min(alphabet, distinct * 2)))
        let bits = characters.isEmpty ? 0 : Int((Double(characters.count) * log2(effective)).rounded(.down))
        return (classes, violations, bits)
    }

    /// A random password from all four classes (at least one of each), from the system CSPRNG.
    public static func generate<G: RandomNumberGenerator>(
        length: Int = maximumLength, using generator: inout G
    ) -> String {
        let length = min(max(length, minimumLength), maximumLength)
        let all = uppercase + lowercase + digits + symbols
        var characters = [uppercase, lowercase, digits, symbols].map { $0.randomElement(using: &generator)! }
        while characters.count < length { characters.append(all.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }

    public static func generate(length: Int = maximumLength) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(length: length, using: &generator)
    }
}
