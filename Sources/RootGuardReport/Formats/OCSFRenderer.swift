import Foundation
import RootGuardModel
import RootGuardTrail

/// OCSF 1.6.0 events, as one JSON array: an audit's findings as Compliance Findings (class 2003), a hunt's
/// detections as Detection Findings (class 2004), each with the cloud profile.
public enum OCSFRenderer {
    public static let version = "1.6.0"

    static func severityID(_ severity: Severity) -> Int {
        switch severity {
        case .info: 1
        case .low: 2
        case .medium: 3
        case .high: 4
        case .critical: 5
        }
    }

    /// OCSF's severity captions (1 is "Informational", not "Info").
    static func severityLabel(_ severity: Severity) -> String {
        switch severity {
        case .info: "Informational"
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        case .critical: "Critical"
        }
    }

    /// Where CloudTrail's `sourceIPAddress` goes in an OCSF network endpoint: an address in `ip` (whose schema pattern
    /// allows only addresses), a service's host name (`billingconsole.amazonaws.com`) in `hostname`, anything else
    /// (`AWS Internal`) in `svc_name`.
    static func sourceEndpoint(_ source: String) -> JSONValue {
        if IPNetwork.bytes(source) != nil { return ["ip": .string(source)] }
        let hostname = source.matchesWhole(
            #"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"#)
        return hostname ? ["hostname": .string(source)] : ["svc_name": .string(source)]
    }

    static func metadata(_ version: String, uid: String) -> JSONValue {
        [
            "version": .string(Self.version), "uid": .string(uid),
            "product": ["name": "rootguard", "vendor_name": "rootguard", "version": .string(version)],
            "profiles": ["cloud"],
        ]
    }

    /// Compliance status: 1 Pass, 3 Fail, 2 Warning (needs a person), 0 Unknown (not evaluated), 99 Other (n/a).
    static func complianceStatus(_ status: Status) -> (Int, String) {
        switch status {
        case .pass: (1, "Pass")
        case .fail: (3, "Fail")
        case .manual: (2, "Warning")
        case .notEvaluated: (0, "Unknown")
        case .notApplicable: (99, "Not Applicable")
        }
    }

    public static func audit(_ report: ReportV1, context: AuditReportContext) throws -> String {
        let events: [JSONValue] = report.findings.map { finding in
            let uid = "rootguard-" + FormatSupport.fingerprint(FormatSupport.identity(finding))
            let (statusID, status) = complianceStatus(finding.status)
            let standards = ["ROOT-BP"] + finding.compliance.keys.filter { $0 != "ROOT-BP" }.sorted()
            let requirements = finding.compliance.sorted { $0.key < $1.key }.flatMap { framework, ids in
                ids.map { "\(framework) \($0)" }
            }
            return .object([
                "activity_id": 1, "activity_name": "Create", "category_uid": 2, "category_name": "Findings",
                "class_uid": 2003, "class_name": "Compliance Finding", "type_uid": 200301,
                "type_name": "Compliance Finding: Create",
                "severity_id": .number(Double(severityID(finding.severity))),
                "severity": .string(severityLabel(finding.severity)),
                "status_id": 1, "status": "New",
                "time": .number(Double(FormatSupport.millis(report.generatedAt))),
                "message": .string(finding.message),
                "metadata": metadata(report.tool.version, uid: uid),
                "finding_info": [
                    "uid": .string(uid), "title": .string(AuditReportContext.title(finding.checkId)),
                    "desc": .string(finding.message), "types": .array([.string(finding.checkId.rawValue)]),
                ],
                "compliance": [
                    "status_id": .number(Double(statusID)), "status": .string(status),
                    "control": .string(finding.checkId.rawValue), "standards": JSONValue(standards),
                    "requirements": JSONValue(requirements),
                ],
                "remediation": ["desc": .string(finding.remediation)],
                "cloud": [
                    "provider": "AWS", "account": ["uid": .string(finding.accountId.rawValue), "type": "AWS Account"],
                    "region": .string(finding.region ?? context.region),
                ],
                "resources": [
                    [
                        "uid": .string(finding.resource), "type": "AWS Account Root User",
                        "cloud_partition": .string(context.partition),
                        "region": .string(finding.region ?? context.region),
                    ]
                ],
                "unmapped": .object(
                    [
                        "rootguard_status": .string(finding.status.rawValue), "evidence": .object(finding.evidence),
                    ].merging(
                        finding.notEvaluatedCause.map { ["rootguard_not_evaluated_cause": .string($0.rawValue)] }
                            ?? [:],
                        uniquingKeysWith: { a, _ in a })),
            ])
        }
        return try FormatSupport.json(.array(events))
    }

    public static func trail(
        _ report: TrailReport, generatedAt: Date, version: String, partition: String = "aws"
    ) throws -> String {
        var sink = StringSink()
        try trail(report, generatedAt: generatedAt, version: version, partition: partition, into: &sink)
        return sink.text
    }

    /// The Detection Findings as a JSON array, written one finding at a time.
    public static func trail(
        _ report: TrailReport, generatedAt: Date, version: String, partition: String = "aws",
        into sink: inout some TextSink
    ) throws {
        let events = report.detections.lazy.map {
            detectionFinding($0, generatedAt: generatedAt, version: version, partition: partition)
        }
        try PrettyJSONStream().array(events, depth: 0, into: &sink)
        try sink.write("\n")
    }

    /// One detection as an OCSF Detection Finding.
    static func detectionFinding(_ d: Detection, generatedAt: Date, version: String, partition: String) -> JSONValue {
        let uid = "rootguard-" + FormatSupport.fingerprint(FormatSupport.identity(d))
        var evidence: [String: JSONValue] = [
            // CloudTrail names the service by its endpoint (also its uid); a record carries no service version.
            "api": [
                "operation": .string(d.eventName),
                "service": ["name": .string(d.eventSource), "uid": .string(d.eventSource), "version": ""],
            ],
            "actor": ["user": ["type": "Root", "uid": .string("arn:\(partition):iam::\(d.accountId):root")]],
        ]
        if let source = d.sourceIPAddress { evidence["src_endpoint"] = sourceEndpoint(source) }
        if let agent = d.userAgent { evidence["http_request"] = ["user_agent": .string(agent)] }
        let time = JSONValue.number(Double(FormatSupport.millis(d.eventTime)))
        var info: [String: JSONValue] = [
            "uid": .string(uid), "title": .string(d.title), "types": [.string(d.detection)], "first_seen_time": time,
            "last_seen_time": time,
        ]
        // A URL only: a local file's path is no URL (it stays in unmapped.source).
        if d.source.hasPrefix("s3://") { info["src_url"] = .string(d.source) }
        // A log names no account name: the id stands for it (py-ocsf-models requires one); type 10 is an AWS account.
        let account: JSONValue = [
            "uid": .string(d.accountId), "name": .string(d.accountId), "type_id": 10, "type": "AWS Account",
        ]
        return .object([
            "activity_id": 1, "activity_name": "Create", "category_uid": 2, "category_name": "Findings",
            "class_uid": 2004, "class_name": "Detection Finding", "type_uid": 200401,
            "type_name": "Detection Finding: Create",
            "severity_id": .number(Double(severityID(d.severity))),
            "severity": .string(severityLabel(d.severity)),
            "status_id": 1, "status": "New", "is_alert": .bool(!d.expected && d.severity > .info),
            "time": time,
            "message": .string(d.title),
            "metadata": metadata(version, uid: uid),
            "finding_info": .object(info),
            "evidences": [.object(evidence)],
            "cloud": ["provider": "AWS", "region": .string(d.region), "account": account],
            "resources": [
                ["uid": .string("arn:\(partition):iam::\(d.accountId):root"), "type": "AWS Account Root User"]
            ],
            "unmapped": [
                "event_id": .string(d.eventID), "expected": .bool(d.expected), "approval": JSONValue(d.approval),
                "credential": .string(d.credential.rawValue), "outcome": .string(d.outcome.rawValue),
                "mfa_used": JSONValue(d.mfaUsed), "details": .object(d.details.mapValues(JSONValue.string)),
                "generated_at": .string(FormatSupport.iso(generatedAt)), "source": .string(d.source),
            ],
        ])
    }
}
