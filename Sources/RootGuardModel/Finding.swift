import Foundation

/// The outcome of one check for one resource.
public enum Status: String, Codable, Sendable, CaseIterable {
    case pass = "PASS"
    case fail = "FAIL"
    /// Needs a human attestation (no API can see it).
    case manual = "MANUAL"
    /// The data could not be collected; the message says why.
    case notEvaluated = "NOT_EVALUATED"
    /// The practice does not apply (e.g. MFA when root has no credentials at all).
    case notApplicable = "NOT_APPLICABLE"
}

/// Why a finding is NOT_EVALUATED: the difference between "unknown" and "not this command's question".
public enum NotEvaluatedCause: String, Codable, Sendable, CaseIterable {
    /// The data it needs could not be read (a refused permission, throttling, an error, a timeout, a fact missing
    /// from the data). The answer is unknown: `--fail-on` treats it as failing unless `--allow-not-evaluated`.
    case unreadable
    /// Out of this command's scope by design: an organization practice in a single-account audit, a practice no
    /// check covers yet, monitoring left out with `--no-monitoring`, a fact no AWS API shows.
    case outOfScope
}

/// How bad a failure is. Ordered: `critical` is the highest.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case critical, high, medium, low, info

    var rank: Int {
        switch self {
        case .critical: 4
        case .high: 3
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding of the JSON report contract (`schemaVersion` 1).
public struct Finding: Codable, Sendable, Hashable {
    public var checkId: CheckID
    public var status: Status
    public var severity: Severity
    public var accountId: AccountID
    public var region: String?
    public var resource: String
    public var message: String
    /// Framework → ids, e.g. `["ROOT-BP": ["03"], "AWS-FSBP": ["IAM.4"], "CIS-5.0": ["1.3"]]`.
    public var compliance: [String: [String]]
    public var evidence: [String: JSONValue]
    public var remediation: String
    /// For NOT_EVALUATED only: whether the data could not be read or the question is out of scope (a report written
    /// before this field existed reads as `unreadable`, the cautious answer).
    public var notEvaluatedCause: NotEvaluatedCause?

    public init(
        checkId: CheckID, status: Status, severity: Severity, accountId: AccountID, region: String? = nil,
        resource: String, message: String, compliance: [String: [String]], evidence: [String: JSONValue] = [:],
        remediation: String, notEvaluatedCause: NotEvaluatedCause? = nil
    ) {
        self.checkId = checkId
        self.status = status
        self.severity = severity
        self.accountId = accountId
        self.region = region
        self.resource = resource
        self.message = message
        self.compliance = compliance
        self.evidence = evidence
        self.remediation = remediation
        self.notEvaluatedCause = status == .notEvaluated ? (notEvaluatedCause ?? .unreadable) : nil
    }

    /// NOT_EVALUATED because its data could not be read: unknown, never a pass.
    public var isUnreadable: Bool { status == .notEvaluated && notEvaluatedCause != .outOfScope }

    /// NOT_EVALUATED by design: out of this command's scope.
    public var isOutOfScope: Bool { status == .notEvaluated && notEvaluatedCause == .outOfScope }

    /// The ROOT-BP practices this finding speaks to.
    public var practices: [PracticeID] { compliance["ROOT-BP"]?.compactMap(PracticeID.init(rawValue:)) ?? [] }

    enum CodingKeys: String, CodingKey {
        case checkId, status, severity, accountId, region, resource, message, compliance, evidence, remediation
        case notEvaluatedCause
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checkId, forKey: .checkId)
        try container.encode(status, forKey: .status)
        try container.encode(severity, forKey: .severity)
        try container.encode(accountId, forKey: .accountId)
        try container.encode(region, forKey: .region)  // null, not absent, as the contract says
        try container.encode(resource, forKey: .resource)
        try container.encode(message, forKey: .message)
        try container.encode(compliance, forKey: .compliance)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(remediation, forKey: .remediation)
        if status == .notEvaluated {
            try container.encode(notEvaluatedCause ?? .unreadable, forKey: .notEvaluatedCause)
        }
    }
}

/// The report other tools consume: `{"schemaVersion":1,"generatedAt","tool":{"name","version"},"findings":[…]}`.
public struct ReportV1: Codable, Sendable {
    public struct Tool: Codable, Sendable, Hashable {
        public var name: String
        public var version: String
        public init(name: String = "rootguard", version: String) {
            self.name = name
            self.version = version
        }
    }

    public var schemaVersion: Int = 1
    public var generatedAt: Date
    public var tool: Tool
    public var findings: [Finding]

    public init(generatedAt: Date, tool: Tool, findings: [Finding]) {
        self.generatedAt = generatedAt
        self.tool = tool
        self.findings = findings
    }
}

extension ReportV1 {
    /// `--fail-on`: 2 when a FAIL at or above `threshold` exists, or (unless `allowNotEvaluated`) a finding at or
    /// above it is NOT_EVALUATED because its data could not be read; else 0. Out-of-scope findings never fail it.
    public func exitCode(failOn threshold: Severity?, allowNotEvaluated: Bool = false) -> Int32 {
        guard let threshold else { return 0 }
        if findings.contains(where: { $0.status == .fail && $0.severity >= threshold }) { return 2 }
        return allowNotEvaluated || unreadable(atOrAbove: threshold).isEmpty ? 0 : 2
    }

    /// The findings at or above `threshold` whose data could not be read.
    public func unreadable(atOrAbove threshold: Severity) -> [Finding] {
        findings.filter { $0.isUnreadable && $0.severity >= threshold }
    }
}
