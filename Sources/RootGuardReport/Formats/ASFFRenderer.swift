import Foundation
import RootGuardModel
import RootGuardTrail

/// AWS Security Finding Format (`{"Findings":[…]}`) for Security Hub's BatchImportFindings: every member
/// botocore's model requires of AwsSecurityFinding, plus severity, types and compliance status, within AWS's
/// field limits.
public enum ASFFRenderer {
    public static let schemaVersion = "2018-10-08"

    static func label(_ severity: Severity) -> String {
        switch severity {
        case .critical: "CRITICAL"
        case .high: "HIGH"
        case .medium: "MEDIUM"
        case .low: "LOW"
        case .info: "INFORMATIONAL"
        }
    }

    /// Compliance.Status as AWS documents it: WARNING where a human must judge, NOT_AVAILABLE where the check could
    /// not run or does not apply.
    static func complianceStatus(_ status: Status) -> String {
        switch status {
        case .pass: "PASSED"
        case .fail: "FAILED"
        case .manual: "WARNING"
        case .notEvaluated, .notApplicable: "NOT_AVAILABLE"
        }
    }

    /// Workflow.Status: only what was judged fine is RESOLVED. FAIL, MANUAL and NOT_EVALUATED stay NEW, so a Security
    /// Hub view of open findings shows what rootguard could not judge too.
    static func workflowStatus(_ status: Status) -> String {
        switch status {
        case .pass, .notApplicable: "RESOLVED"
        case .fail, .manual, .notEvaluated: "NEW"
        }
    }

    /// `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`.
    static func productARN(partition: String, region: String, account: String) -> String {
        "arn:\(partition):securityhub:\(region):\(account):product/\(account)/default"
    }

    public static func audit(_ report: ReportV1, context: AuditReportContext) -> [JSONValue] {
        let time = FormatSupport.iso(report.generatedAt)
        return report.findings.map { finding in
            let account = finding.accountId.rawValue
            let region = finding.region ?? context.region
            let types =
                ["Software and Configuration Checks/AWS Security Best Practices"]
                + FormatSupport.practiceLabels(finding).map {
                    "Software and Configuration Checks/Industry and Regulatory Standards/\($0)"
                }
            let severity: JSONValue = [
                "Label": .string(label(finding.severity)), "Original": .string(finding.severity.rawValue),
            ]
            let related = finding.compliance.sorted { $0.key < $1.key }.flatMap { framework, ids in
                ids.map { JSONValue.string("\(framework) \($0)") }
            }
            return .object([
                "SchemaVersion": .string(schemaVersion),
                "Id": .string(
                    FormatSupport.cut(
                        "rootguard/\(account)/\(finding.checkId)/\(FormatSupport.fingerprint(FormatSupport.identity(finding)))",
                        512)),
                "ProductArn": .string(
                    productARN(partition: context.partition, region: context.region, account: account)),
                "ProductName": "rootguard", "CompanyName": "rootguard",
                "GeneratorId": .string("rootguard/\(finding.checkId)"),
                "AwsAccountId": .string(account), "Region": .string(region),
                "CreatedAt": .string(time), "UpdatedAt": .string(time),
                "Title": .string(FormatSupport.cut(AuditReportContext.title(finding.checkId), 256)),
                "Description": .string(FormatSupport.cut(finding.message, 1024)),
                "Severity": severity,
                "FindingProviderFields": ["Severity": severity, "Types": JSONValue(types)],
                "Types": JSONValue(types),
                "Compliance": [
                    "Status": .string(complianceStatus(finding.status)),
                    "RelatedRequirements": .array(Array(related.prefix(32))),
                ],
                "Remediation": ["Recommendation": ["Text": .string(FormatSupport.cut(finding.remediation, 512))]],
                "Resources": [
                    [
                        "Type": "AwsAccount", "Id": .string(FormatSupport.cut(finding.resource, 512)),
                        "Partition": .string(context.partition), "Region": .string(region),
                    ]
                ],
                "RecordState": "ACTIVE",
                "Workflow": ["Status": .string(workflowStatus(finding.status))],
                "ProductFields": [
                    "rootguard/status": .string(finding.status.rawValue),
                    "rootguard/checkId": .string(finding.checkId.rawValue),
                ],
            ])
        }
    }

    public static func trail(
        _ report: TrailReport, generatedAt: Date, partition: String, region: String
    ) -> [JSONValue] {
        trailFindings(report, generatedAt: generatedAt, partition: partition, region: region).map { $0 }
    }

    /// `{"Findings":[…]}` written one finding at a time.
    public static func trailDocument(
        _ report: TrailReport, generatedAt: Date, partition: String, region: String, into sink: inout some TextSink
    ) throws {
        try sink.write("{\n  \"Findings\" : ")
        try PrettyJSONStream().array(
            trailFindings(report, generatedAt: generatedAt, partition: partition, region: region), depth: 1,
            into: &sink)
        try sink.write("\n}\n")
    }

    /// The findings, made as they are read. Security Hub requires a 12-digit AwsAccountId: a detection whose record
    /// named something else is reported as an input problem by the analysis and left out here rather than refused by
    /// the import.
    static func trailFindings(
        _ report: TrailReport, generatedAt: Date, partition: String, region: String
    ) -> some Sequence<JSONValue> {
        let time = FormatSupport.iso(generatedAt)
        return report.detections.lazy.filter { AccountID(rawValue: $0.accountId) != nil }.map { d -> JSONValue in
            let severity: JSONValue = ["Label": .string(label(d.severity)), "Original": .string(d.severity.rawValue)]
            let types = ["Unusual Behaviors/User/\(d.detection)"]
            var fields: [String: JSONValue] = [
                "rootguard/detection": .string(d.detection), "rootguard/eventID": .string(d.eventID),
                "rootguard/expected": .string(d.expected ? "true" : "false"),
                "rootguard/credential": .string(d.credential.rawValue),
            ]
            if let approval = d.approval { fields["rootguard/approval"] = .string(approval) }
            var finding: [String: JSONValue] = [
                "SchemaVersion": .string(schemaVersion),
                "Id": .string(
                    FormatSupport.cut(
                        "rootguard/\(d.accountId)/\(d.detection)/\(FormatSupport.fingerprint(FormatSupport.identity(d)))",
                        512)),
                "ProductArn": .string(productARN(partition: partition, region: region, account: d.accountId)),
                "ProductName": "rootguard", "CompanyName": "rootguard",
                "GeneratorId": .string("rootguard/trail/\(d.detection)"), "AwsAccountId": .string(d.accountId),
                "CreatedAt": .string(time), "UpdatedAt": .string(time),
                "FirstObservedAt": .string(FormatSupport.iso(d.eventTime)),
                "LastObservedAt": .string(FormatSupport.iso(d.eventTime)),
                "Title": .string(FormatSupport.cut(d.title, 256)),
                "Description": .string(
                    FormatSupport.cut(
                        "\(d.title): \(d.eventName) (\(d.eventSource)) at \(FormatSupport.iso(d.eventTime))\(d.expected ? ", approved (\(d.approval ?? ""))" : ", not approved").",
                        1024)),
                "Severity": severity, "FindingProviderFields": ["Severity": severity, "Types": JSONValue(types)],
                "Types": JSONValue(types),
                "Resources": [
                    [
                        "Type": "AwsAccount", "Id": .string("arn:\(partition):iam::\(d.accountId):root"),
                        "Partition": .string(partition), "Region": .string(d.region.isEmpty ? region : d.region),
                    ]
                ],
                "RecordState": "ACTIVE", "Workflow": ["Status": .string(d.expected ? "SUPPRESSED" : "NEW")],
                "ProductFields": .object(fields),
            ]
            // Only a real address goes in Network (CloudTrail writes a service's name for calls it made).
            if let ip = d.sourceIPAddress, let bytes = IPNetwork.bytes(ip) {
                finding["Network"] = ["Direction": "IN", (bytes.count == 4 ? "SourceIpV4" : "SourceIpV6"): .string(ip)]
            }
            return .object(finding)
        }
    }

    public static func document(_ findings: [JSONValue]) throws -> String {
        try FormatSupport.json(["Findings": .array(findings)])
    }
}
