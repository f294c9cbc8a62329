import Foundation
import RootGuardChecks
import RootGuardCompliance
import RootGuardModel
import RootGuardTrail

/// What the report formats need besides the findings: where the account lives (ASFF's product ARN), the checks'
/// texts (SARIF rules), and for an organization its members (the HTML matrix).
public struct AuditReportContext: Sendable {
    public var partition: String
    /// The region findings are imported into (ASFF) and shown for.
    public var region: String
    /// One line for headers: `account 111122223333`, `organization o-abc (12 accounts)`.
    public var subject: String
    public var organization: OrganizationSnapshot?

    public init(partition: String, region: String, subject: String, organization: OrganizationSnapshot? = nil) {
        self.partition = partition
        self.region = region
        self.subject = subject
        self.organization = organization
    }

    /// The metadata of every check, by id (single-account and organization checks).
    static let checks: [CheckID: CheckMetadata] = Dictionary(
        (CheckRegistry.metadata + OrganizationCheckRegistry.metadata).map { ($0.id, $0) },
        uniquingKeysWith: { a, _ in a })

    /// The title of a check, or its id for findings no registered check makes (coverage, member audit).
    static func title(_ id: CheckID) -> String { checks[id]?.title ?? id.rawValue }
}

/// Helpers shared by the machine formats.
enum FormatSupport {
    /// Stable across runs: FNV-1a 64 of the parts, as 16 hex digits (no cryptographic purpose).
    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// A finding's identity across runs: account, check, resource and region.
    static func identity(_ finding: Finding) -> [String] {
        [finding.accountId.rawValue, finding.checkId.rawValue, finding.resource, finding.region ?? ""]
    }

    /// A detection's identity: CloudTrail's event id is not unique in every data set, so time, event and detection
    /// are part of it (the same key the analysis de-duplicates on).
    static func identity(_ d: Detection) -> [String] {
        [d.accountId, d.eventID, TimeArgument.format(d.eventTime), d.eventName, d.detection]
    }

    static func iso(_ date: Date) -> String { TimeArgument.format(date) }

    static func millis(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Pretty, key-sorted JSON with a final newline.
    static func json(_ value: JSONValue) throws -> String {
        try JSONText.string(value, .pretty) + "\n"
    }

    /// Text cut to `limit` characters (AWS's field limits), marked when cut.
    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func practiceLabels(_ finding: Finding) -> [String] { finding.practices.map { "ROOT-BP \($0)" } }
}
