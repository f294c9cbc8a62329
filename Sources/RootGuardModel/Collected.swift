/// A fact gathered from AWS, or why it could not be: checks turn `.unavailable` into `NOT_EVALUATED`, never `PASS`.
public enum Collected<Value: Codable & Sendable>: Codable, Sendable {
    case value(Value)
    case unavailable(Unavailable)

    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var unavailable: Unavailable? {
        if case .unavailable(let reason) = self { return reason }
        return nil
    }

    public func map<T>(_ transform: (Value) -> T) -> Collected<T> {
        switch self {
        case .value(let value): .value(transform(value))
        case .unavailable(let reason): .unavailable(reason)
        }
    }

    enum CodingKeys: String, CodingKey { case value, unavailable }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let reason = try container.decodeIfPresent(Unavailable.self, forKey: .unavailable) {
            self = .unavailable(reason)
        } else {
            self = .value(try container.decode(Value.self, forKey: .value))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .value(let value): try container.encode(value, forKey: .value)
        case .unavailable(let reason): try container.encode(reason, forKey: .unavailable)
        }
    }
}

extension Collected: Equatable where Value: Equatable {}
extension Collected: Hashable where Value: Hashable {}

/// Why a fact is missing: the failing call, the AWS error code, and the permission it needed.
public struct Unavailable: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure. Encoded as its raw value; values this version does not know decode as `.error`.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case accessDenied, throttling, notImplemented, notEnabled, authentication, timeout, credentials, error
        /// The collector did not gather the fact (a snapshot without it, a region it did not visit).
        case missing
        /// No API shows the fact (a standalone account's root e-mail).
        case notVisible
        /// The enabled regions could not be listed, so an every-region claim cannot be made.
        case regionsUnknown
        /// An organization member's whole collection ran past `--member-timeout` (the others went on).
        case memberDeadline
        /// Left out by the user's choice (`--no-monitoring`): not this run's question.
        case skipped

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            self = Kind(rawValue: text) ?? .error
        }
    }

    /// Whether a finding that needed this fact is unknown (`unreadable`) or out of scope by design.
    public var cause: NotEvaluatedCause {
        switch kind {
        case .notVisible, .skipped: .outOfScope
        default: .unreadable
        }
    }

    public var kind: Kind
    /// One line for the report.
    public var reason: String
    /// The AWS error code, when there was one.
    public var code: String?
    /// The IAM action that was refused or failed, e.g. `iam:GenerateCredentialReport`.
    public var action: String?

    public init(kind: Kind, reason: String, code: String? = nil, action: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.code = code
        self.action = action
    }

    public var description: String {
        if kind == .accessDenied, let action { return "missing permission \(action): \(reason)" }
        return reason
    }
}
