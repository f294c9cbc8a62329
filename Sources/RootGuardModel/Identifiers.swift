import Foundation

/// An AWS account id: exactly twelve ASCII digits, validated once where it enters rootguard (an option, an
/// API answer, a snapshot) and carried typed from there on. Encodes as its digits (the standard library's
/// `RawRepresentable` coding, which refuses an invalid value when decoding).
public struct AccountID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    /// Nil unless `rawValue` is twelve ASCII digits.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// For literals in code and tests; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        precondition(Self.isValid(value), "not a 12-digit account id: \(value)")
        rawValue = value
    }

    /// The account id, or `AccountID.Invalid` naming what was given and where.
    public static func parse(_ text: String, what: String = "account id") throws -> AccountID {
        guard let id = AccountID(rawValue: text) else { throw Invalid(what: what, text: text) }
        return id
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    public var description: String { rawValue }
    public static func < (a: AccountID, b: AccountID) -> Bool { a.rawValue < b.rawValue }

    /// `arn:<partition>:iam::<account>:root`.
    public func rootARN(partition: String) -> String { "arn:\(partition):iam::\(rawValue):root" }

    /// An account id that was not twelve digits. Its description never repeats more than 40 characters of it.
    public struct Invalid: Error, CustomStringConvertible {
        public let what: String
        public let text: String
        public var description: String {
            "\(what) must be 12 digits, not '\(TerminalSafe.escape(String(text.prefix(40))))'"
        }
    }
}

/// The stable id of a check (`root-no-access-keys`); never reused for another meaning.
public struct CheckID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: CheckID, b: CheckID) -> Bool { a.rawValue < b.rawValue }

    /// The finding that says a practice has no check yet.
    public static func coverage(of practice: PracticeID) -> CheckID {
        CheckID(rawValue: "practice-\(practice)-coverage")
    }
}

/// One of rootguard's own practices, `ROOT-BP 01` to `ROOT-BP 21` (docs/PRACTICES.md). Encodes as its two digits.
public struct PracticeID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The number, 1 to 21.
    public let number: Int
    public static let range = 1...21

    public init?(number: Int) {
        guard Self.range.contains(number) else { return nil }
        self.number = number
    }

    /// `"01"` … `"21"`.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 2, let number = Int(rawValue) else { return nil }
        self.init(number: number)
    }

    public init(stringLiteral value: String) {
        guard let id = PracticeID(rawValue: value) else { preconditionFailure("not a ROOT-BP id: \(value)") }
        self = id
    }

    public var rawValue: String { number < 10 ? "0\(number)" : String(number) }
    public var description: String { rawValue }
    public static func < (a: PracticeID, b: PracticeID) -> Bool { a.number < b.number }
    public static var all: [PracticeID] { range.compactMap { PracticeID(number: $0) } }
}

/// rootguard's version: one place for the CLI, reports and snapshots.
public enum RootGuardVersion {
    public static let current = "0.1.0"
}
