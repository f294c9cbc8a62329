import RootGuardModel

/// A 0–100 score over the findings that could be judged (PASS and FAIL), weighted by severity.
public struct Score: Sendable, Hashable {
    public let value: Int?
    public let counts: [Status: Int]
    public let failuresBySeverity: [Severity: Int]

    public init(_ findings: [Finding]) {
        var counts: [Status: Int] = [:]
        var failures: [Severity: Int] = [:]
        var earned = 0
        var possible = 0
        for finding in findings {
            counts[finding.status, default: 0] += 1
            let weight = Self.weight(finding.severity)
            switch finding.status {
            case .pass:
                earned += weight
                possible += weight
            case .fail:
                possible += weight
                failures[finding.severity, default: 0] += 1
            default:
                break
            }
        }
        self.counts = counts
        self.failuresBySeverity = failures
        value = possible == 0 ? nil : Int((Double(earned) / Double(possible) * 100).rounded())
    }

    static func weight(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 10
        case .high: 5
        case .medium: 3
        case .low: 1
        case .info: 0
        }
    }
}
