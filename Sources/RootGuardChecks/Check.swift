import Foundation
import RootGuardCompliance
import RootGuardModel

/// What a check is, beside its logic.
public struct CheckMetadata: Sendable, Hashable {
    /// Stable id, never reused (`root-no-access-keys`).
    public let id: CheckID
    public let title: String
    /// The ROOT-BP practices it evaluates.
    public let practices: [PracticeID]
    public let severity: Severity
    public let risk: String
    public let remediation: String

    public init(
        id: CheckID, title: String, practices: [PracticeID], severity: Severity, risk: String, remediation: String
    ) {
        self.id = id
        self.title = title
        self.practices = practices
        self.severity = severity
        self.risk = risk
        self.remediation = remediation
    }

    /// `ROOT-BP` plus every framework control that references this check.
    public var compliance: [String: [String]] {
        var result = ComplianceCatalog.references(for: id)
        result["ROOT-BP"] = practices.map(\.rawValue)
        return result
    }

    /// A finding of this check about the account's root user (or `resource`).
    public func finding(
        _ snapshot: Snapshot, _ status: Status, _ message: String, severity: Severity? = nil,
        evidence: [String: JSONValue] = [:], resource: String? = nil
    ) -> Finding {
        Finding(
            checkId: id, status: status, severity: severity ?? self.severity, accountId: snapshot.account.accountID,
            region: nil, resource: resource ?? snapshot.account.rootARN, message: message, compliance: compliance,
            evidence: evidence, remediation: remediation)
    }

    /// `NOT_EVALUATED` because a fact could not be collected; the message names the reason.
    public func notEvaluated(
        _ snapshot: Snapshot, _ reason: Unavailable, evidence: [String: JSONValue] = [:], resource: String? = nil
    ) -> Finding {
        var evidence = evidence
        evidence["unavailable"] = .object([
            "kind": .string(reason.kind.rawValue), "reason": .string(reason.reason), "code": JSONValue(reason.code),
            "action": JSONValue(reason.action),
        ])
        var result = finding(
            snapshot, .notEvaluated, "Not evaluated: \(reason).", evidence: evidence, resource: resource)
        result.notEvaluatedCause = reason.cause
        return result
    }
}

/// The NOT_EVALUATED finding that ends a check whose fact was not collected (thrown by `Needs`).
struct NotEvaluated: Error {
    let finding: Finding
}

/// What a check needs from the snapshot: `try need(snapshot.credentialReport)` is the value, or ends the check with
/// the NOT_EVALUATED finding naming why the fact is missing. Used inside `CheckMetadata.evaluating`.
struct Needs {
    let metadata: CheckMetadata
    let snapshot: Snapshot

    func callAsFunction<T>(
        _ fact: Collected<T>, evidence: [String: JSONValue] = [:], resource: String? = nil
    ) throws(NotEvaluated) -> T {
        switch fact {
        case .value(let value): return value
        case .unavailable(let reason):
            throw NotEvaluated(finding: metadata.notEvaluated(snapshot, reason, evidence: evidence, resource: resource))
        }
    }

    /// Ends the check with NOT_EVALUATED for `reason`.
    func missing(_ reason: Unavailable, evidence: [String: JSONValue] = [:]) -> NotEvaluated {
        NotEvaluated(finding: metadata.notEvaluated(snapshot, reason, evidence: evidence))
    }
}

extension CheckMetadata {
    /// Runs a check's body; a fact it needs that was not collected makes the result that one NOT_EVALUATED finding.
    func evaluating(_ snapshot: Snapshot, _ body: (Needs) throws(NotEvaluated) -> [Finding]) -> [Finding] {
        do {
            return try body(Needs(metadata: self, snapshot: snapshot))
        } catch {
            return [error.finding]
        }
    }
}

/// A pure check: `(Snapshot, EvaluationContext) -> [Finding]`. No I/O, no clock reads, no throwing.
public protocol Check: Sendable {
    static var metadata: CheckMetadata { get }
    func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding]
}

extension Check {
    public var metadata: CheckMetadata { Self.metadata }
}

/// Shared wording and helpers.
enum Describe {
    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func days(from date: Date, to now: Date) -> Int { Int(now.timeIntervalSince(date) / 86_400) }

    static func timestamp(_ value: ReportTimestamp) -> JSONValue {
        switch value {
        case .date(let date): .string(timestamp(date))
        case .notApplicable: "N/A"
        case .noInformation: "no_information"
        case .notSupported: "not_supported"
        case .other(let text): .string(text)
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String { RootGuardModel.plural(count, noun) }
}
