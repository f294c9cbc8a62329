import Foundation
import RootGuardChecks
import RootGuardModel

/// SARIF 2.1.0 for GitHub code scanning: one rule per check that produced a finding (with `security-severity`
/// and the remediation as help), one result per FAIL finding at a stable pseudo-path `aws/<account>/<check-id>`
/// (or the IaC file `harden` wrote), with a fingerprint stable across runs (account, check, resource, region).
public enum SARIFRenderer {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// GitHub's reading: above 9 critical, 7–8.9 high, 4–6.9 medium, below 4 low.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "1.0"
        }
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    /// The rule's friendly name: the check id in PascalCase.
    static func ruleName(_ id: CheckID) -> String {
        id.rawValue.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map {
            $0.prefix(1).uppercased() + $0.dropFirst()
        }
        .joined()
    }

    /// `location`: the artefact a finding points at (nil: the pseudo-path).
    /// No `automationDetails.id`: GitHub code scanning then takes the run's category from the upload's `category:`
    /// (it ignores that setting when the file names one).
    public static func render(
        _ report: ReportV1, context: AuditReportContext, location: ((Finding) -> String?)? = nil
    ) throws -> String {
        let failures = report.findings.filter { $0.status == .fail }
        let unreadable = report.findings.filter(\.isUnreadable)
        let ruleIDs = Array(Set(report.findings.map(\.checkId))).sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleIDs.enumerated().map { ($1, $0) })
        let rules: [JSONValue] = ruleIDs.map { id in
            let metadata = AuditReportContext.checks[id]
            let sample = report.findings.first { $0.checkId == id }
            let severity = metadata?.severity ?? sample?.severity ?? .info
            let remediation = metadata?.remediation ?? sample?.remediation ?? ""
            let practices =
                metadata?.practices.map { "ROOT-BP-\($0)" } ?? sample?.practices.map { "ROOT-BP-\($0)" } ?? []
            return .object([
                // A friendly name distinct from the id (SARIF1001): `root-mfa-enabled` → `RootMfaEnabled`.
                "id": .string(id.rawValue), "name": .string(ruleName(id)),
                "shortDescription": ["text": .string(AuditReportContext.title(id))],
                "fullDescription": ["text": .string(metadata?.risk ?? AuditReportContext.title(id))],
                "help": [
                    "text": .string("Fix: \(remediation)"),
                    "markdown": .string(
                        "**Fix:** \(remediation)\n\nSee docs/PRACTICES.md (\(practices.joined(separator: ", ")))."),
                ],
                "defaultConfiguration": ["level": .string(level(severity))],
                "properties": [
                    "security-severity": .string(securitySeverity(severity)),
                    "tags": .array((["security", "aws", "root-user"] + practices).map(JSONValue.string)),
                    "precision": "high",
                ],
            ])
        }
        let results: [JSONValue] = failures.map { finding in
            let uri = location?(finding) ?? "aws/\(finding.accountId)/\(finding.checkId)"
            return .object([
                "ruleId": .string(finding.checkId.rawValue),
                "ruleIndex": .number(Double(ruleIndex[finding.checkId] ?? 0)),
                "kind": "fail", "level": .string(level(finding.severity)),
                "message": ["text": .string(finding.message)],
                "locations": [
                    [
                        "physicalLocation": [
                            "artifactLocation": ["uri": .string(uri)], "region": ["startLine": 1],
                        ],
                        "message": ["text": .string("\(finding.resource) in account \(finding.accountId)")],
                    ]
                ],
                "partialFingerprints": [
                    "rootguardFinding/v1": .string(FormatSupport.fingerprint(FormatSupport.identity(finding)))
                ],
                "properties": [
                    "account": .string(finding.accountId.rawValue), "resource": .string(finding.resource),
                    "region": JSONValue(finding.region), "severity": .string(finding.severity.rawValue),
                    "practices": JSONValue(finding.practices.map(\.rawValue)),
                ],
            ])
        }
        let run: JSONValue = [
            "tool": [
                "driver": [
                    "name": "rootguard", "version": .string(report.tool.version),
                    "semanticVersion": .string(report.tool.version),
                    "informationUri": "https://github.com/rootguard/rootguard", "rules": .array(rules),
                ]
            ],
            // What could not be read is no result, and no silence either: the run was not fully successful, and each
            // unknown finding is a notification code scanning shows on the tool's status.
            "invocations": [
                [
                    "executionSuccessful": .bool(unreadable.isEmpty),
                    "endTimeUtc": .string(FormatSupport.iso(report.generatedAt)),
                    "toolExecutionNotifications": .array(
                        unreadable.map { finding in
                            [
                                "level": "error", "descriptor": ["id": .string(finding.checkId.rawValue)],
                                "message": [
                                    "text": .string(
                                        "\(finding.checkId) in account \(finding.accountId): \(finding.message)")
                                ],
                            ]
                        }),
                ]
            ],
            "results": .array(results),
            "properties": ["subject": .string(context.subject)],
        ]
        return try FormatSupport.json(["$schema": .string(schemaURI), "version": "2.1.0", "runs": [run]])
    }
}
