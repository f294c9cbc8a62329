import Foundation
import RootGuardModel
import Testing

/// `rootguard password check` against the `zxcvbn` package (Dropbox's estimator, PyPI) as an oracle: a corpus of a
/// few hundred passwords — common passwords and their variants, words with digits and symbols appended, l33t,
/// repeats, keyboard walks, sequences, dates, names, and random strings — gets the same score from both, and so the
/// same strong/weak verdict, on all but the documented few.
@Suite("password strength against zxcvbn")
struct PasswordOracleCLITests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zxcvbn_oracle.py")

    /// A deterministic generator (SplitMix64), so the corpus is the same every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func corpus() -> [String] {
        var random = Seeded(state: 20_261_207)
        let words = [
            "password", "dragon", "monkey", "sunshine", "princess", "football", "welcome", "shadow", "master",
            "letmein",
            "trustno1", "superman", "batman", "michael", "jennifer", "jordan", "charlie", "amazon", "secret", "summer",
            "winter", "security", "administrator", "cloud", "rootuser", "company", "correct", "horse", "battery",
            "staple", "troubadour", "elephant", "butterfly", "chocolate", "computer", "internet", "keyboard",
        ]
        let suffixes = ["", "1", "123", "!", "2019", "2024!", "#1", "99", "@home", "1987", "_x"]
        var out: [String] = []
        for word in words {
            for suffix in suffixes.shuffled(using: &random).prefix(3) {
                out.append(word + suffix)
                out.append(word.prefix(1).uppercased() + word.dropFirst() + suffix)
            }
            out.append(String(word.reversed()))
            out.append(word.replacingOccurrences(of: "a", with: "@").replacingOccurrences(of: "o", with: "0"))
            out.append(word + word + word + "1!")
        }
        out += [
            "qwertyuiop", "asdfghjkl;", "zxcvbnm,./", "1qaz2wsx3edc", "!QAZ@WSX", "qwerty123!", "poiuytrewq",
            "147258369", "789456123", "abcdefgh", "zyxwvuts", "13579", "02468024", "aaaaaaaa", "abcabcabcabc",
            "01/02/1987", "1987-02-01", "12.25.2019", "19871231", "Aa1!Aa1!Aa1!", "Tr0ub4dour&3",
            "correcthorsebatterystaple", "CorrectHorseBatteryStaple1!", "PasswordPasswordPassword1!", "P@ssw0rd2019!",
            "iloveyou!", "Summer2024!", "Winter2023#", "Admin@123", "root", "toor", "changeme", "hunter2",
        ]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()_+-=[]{}|'")
        for length in [6, 8, 10, 12, 14, 16, 20, 24, 32] {
            for _ in 0..<8 {
                out.append(String((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
            }
        }
        for _ in 0..<40 {
            let a = words.randomElement(using: &random)!
            let b = words.randomElement(using: &random)!
            out.append(a.capitalized + String(Int.random(in: 0..<1000, using: &random)) + b + "!")
        }
        return out
    }

    @Test func theSameScoreAsZxcvbnOnAFewHundredPasswords() throws {
        let corpus = Self.corpus()
        #expect(corpus.count >= 300)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-zxcvbn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("passwords.json")
        try JSONSerialization.data(withJSONObject: corpus).write(to: input)
        let run = try CLI.run(
            ["-c", "python3 '\(Self.fixture.path)' '\(input.path)'"], environment: HardenOrganizationCLITests.tools,
            shell: true)
        #expect(run.status == 0, "\(run.stderr)")
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(oracle.count == corpus.count)
        var differentScore: [String] = []
        var differentVerdict: [String] = []
        for (password, expected) in zip(corpus, oracle) {
            let ours = PasswordStrength.estimate(password)
            let score = expected["score"] as? Int ?? -1
            let log10 = expected["guesses_log10"] as? Double ?? -1
            if ours.score != score || abs(ours.guessesLog10 - log10) > 0.01 {
                differentScore.append(
                    "\(password): ours \(ours.score) (10^\(ours.guessesLog10)), zxcvbn \(score) (10^\(log10))")
            }
            if (ours.score >= 4) != (score >= 4) { differentVerdict.append(password) }
        }
        // Documented differences: none at present. Should one appear, it is listed in docs/commands/password.md.
        #expect(differentVerdict.isEmpty, "\(differentVerdict)")
        #expect(differentScore.isEmpty, "\(differentScore.joined(separator: "\n"))")
    }

    /// The case that had passed as "strong": a repeated dictionary word with a digit and a symbol appended.
    @Test func aRepeatedWordIsWeakWhateverItsCharacterClasses() throws {
        let result = try CLI.run(
            ["password", "check"], environment: [:], input: Data("PasswordPasswordPassword1!\n".utf8))
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.contains("Weakness      'Password' repeated 3 times"))
        #expect(result.stdout.contains("zxcvbn score 1 of 4"))
        #expect(!result.stdout.contains("Verdict       strong"))
        let generated = RootPassword.generate(length: 32)
        #expect(RootPassword.check(generated).isStrong)
    }
}
