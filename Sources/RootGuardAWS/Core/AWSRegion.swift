/// An AWS region name (`us-east-1`). Open: any string is accepted, the partition is derived from its shape.
public struct AWSRegion: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let usEast1: AWSRegion = "us-east-1"
    public static let usWest2: AWSRegion = "us-west-2"
    public static let euWest1: AWSRegion = "eu-west-1"
    public static let cnNorth1: AWSRegion = "cn-north-1"
    public static let cnNorthwest1: AWSRegion = "cn-northwest-1"
    public static let usGovWest1: AWSRegion = "us-gov-west-1"

    /// The partition this region belongs to (by the patterns in botocore's partitions.json).
    public var partition: AWSPartition { AWSPartition.of(self) }
}

/// An AWS partition: `aws`, `aws-cn`, `aws-us-gov` (and the isolated ones, by name).
public struct AWSPartition: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let dnsSuffix: String
    /// Where global services of this partition live, and the region they are signed for.
    public let globalRegion: AWSRegion
    /// IAM's signing region (differs from `globalRegion` in China).
    public let iamRegion: AWSRegion
    public let iamHost: String

    public var description: String { name }

    public static let aws = AWSPartition(
        name: "aws", dnsSuffix: "amazonaws.com", globalRegion: .usEast1, iamRegion: .usEast1,
        iamHost: "iam.amazonaws.com")
    public static let awsCN = AWSPartition(
        name: "aws-cn", dnsSuffix: "amazonaws.com.cn", globalRegion: .cnNorthwest1, iamRegion: .cnNorth1,
        iamHost: "iam.cn-north-1.amazonaws.com.cn")
    public static let awsUSGov = AWSPartition(
        name: "aws-us-gov", dnsSuffix: "amazonaws.com", globalRegion: .usGovWest1, iamRegion: .usGovWest1,
        iamHost: "iam.us-gov.amazonaws.com")
    public static let awsISO = AWSPartition(
        name: "aws-iso", dnsSuffix: "c2s.ic.gov", globalRegion: "us-iso-east-1", iamRegion: "us-iso-east-1",
        iamHost: "iam.us-iso-east-1.c2s.ic.gov")
    public static let awsISOB = AWSPartition(
        name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov", globalRegion: "us-isob-east-1", iamRegion: "us-isob-east-1",
        iamHost: "iam.us-isob-east-1.sc2s.sgov.gov")

    static func of(_ region: AWSRegion) -> AWSPartition {
        let name = region.rawValue
        if name.hasPrefix("cn-") { return .awsCN }
        if name.hasPrefix("us-gov-") { return .awsUSGov }
        if name.hasPrefix("us-isob-") { return .awsISOB }
        if name.hasPrefix("us-iso-") { return .awsISO }
        return .aws
    }

    /// The partition named in an ARN (`arn:aws-cn:…`), if known.
    public static func named(_ name: String) -> AWSPartition? {
        [.aws, .awsCN, .awsUSGov, .awsISO, .awsISOB].first { $0.name == name }
    }
}

extension AWSPartition {
    /// The partition's regions (botocore's list); empty for a partition rootguard does not know.
    public var regions: [AWSRegion] { (Self.knownRegions[name] ?? []).map { AWSRegion($0) } }

    /// Why `regions` cannot be planned for an account reached through this partition, or nil: every name must be a
    /// region of this very partition (`cn-north-1` is unreachable with `aws` credentials; a typo is no region).
    public func problem(with regions: [String]) -> String? {
        let known = Set(Self.knownRegions[name] ?? [])
        for region in regions where !known.contains(region) {
            let other = AWSRegion(region).partition
            if other != self, Set(Self.knownRegions[other.name] ?? []).contains(region) {
                return
                    "'\(region)' is a region of partition \(other.name), not of \(name) (the partition of the configured region)"
            }
            return
                "'\(region)' is not a region of partition \(name) (known: \(Self.knownRegions[name]?.joined(separator: ", ") ?? "none"))"
        }
        return nil
    }
}
