/// An Amazon Resource Name, parsed once: `arn:partition:service:region:account-id:resource`.
///
/// The resource part keeps every colon after the fifth (`arn:aws:logs:…:log-group:name:*`). Parsing checks the
/// shape only (six fields, `arn` first, a partition); what a field must hold for a given service is the caller's
/// business. Encodes as its text.
public struct ARN: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let partition: String
    public let service: String
    public let region: String
    /// The account id field as written (empty for S3 buckets and AWS-managed IAM policies, `*` in patterns).
    public let accountField: String
    public let resource: String

    /// Nil unless `rawValue` has the six fields of an ARN and a non-empty partition.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty else { return nil }
        partition = String(parts[1])
        service = String(parts[2])
        region = String(parts[3])
        accountField = String(parts[4])
        resource = String(parts[5])
    }

    public init(partition: String, service: String, region: String = "", account: String = "", resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountField = account
        self.resource = resource
    }

    /// The ARN, or `ARN.Invalid` naming what was given and where.
    public static func parse(_ text: String, what: String = "ARN") throws -> ARN {
        guard let arn = ARN(rawValue: text) else { throw Invalid(what: what, text: text) }
        return arn
    }

    public var rawValue: String { "arn:\(partition):\(service):\(region):\(accountField):\(resource)" }
    public var description: String { rawValue }
    public static func < (a: ARN, b: ARN) -> Bool { a.rawValue < b.rawValue }

    /// The account, when the account field is twelve digits.
    public var account: AccountID? { AccountID(rawValue: accountField) }

    /// The resource's last path or colon segment: a topic's name, a role's name, a queue's name.
    public var resourceName: String {
        let afterSlash = resource.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        return String(afterSlash.split(separator: ":", omittingEmptySubsequences: false).last ?? afterSlash)
    }

    /// The partition of an ARN (`arn:aws-cn:…` → `aws-cn`), nil when it is not one.
    public static func partition(of text: String) -> String? { ARN(rawValue: text)?.partition }

    /// The first field of an ARN-like text (any number of colon-separated fields) that is a 12-digit account id:
    /// how CloudTrail's resource names and targets name an account.
    public static func firstAccount(in text: some StringProtocol) -> AccountID? {
        text.split(separator: ":").lazy.compactMap { AccountID(rawValue: String($0)) }.first
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let what: String
        public let text: String
        public var description: String {
            "\(what) must be an ARN (arn:partition:service:region:account:resource), not '\(TerminalSafe.escape(String(text.prefix(80))))'"
        }
    }
}

extension ARN {
    /// `arn:<partition>:sns:<region>:<account>:<name>` with a 12-digit account and a region: a topic ARN.
    public var isSNSTopic: Bool {
        service == "sns" && !region.isEmpty && account != nil && !resource.isEmpty && !resource.contains(":")
    }
}
