import Foundation
import RootGuardModel
import RootGuardTrail

/// `rootguard respond`'s plan form (the terminal's) and its JSON document: the evidence headline first, then per
/// account the incident, its sessions, what they left behind and the integrity results, then the plan or outcome.
public enum IncidentPlanText {
    public static func render(_ reports: [IncidentReport], outcome: HardenOutcome, applying: Bool) -> String {
        var out = ""
        let evidence = IncidentReport.Evidence(Array(Set(reports.flatMap(\.integrity))))
        if evidence.status != "not-checked" { out += evidence.headline + "\n" }
        if reports.isEmpty { out += "respond: no root activity in scope.\n" }
        for report in reports {
            let incident = report.incident
            out +=
                "\(report.isReview ? "review (every session approved)" : "incident") \(TerminalSafe.escape(incident.account))\(report.context.accountName.map { " (\(TerminalSafe.escape($0)))" } ?? ""): "
                + "\(TimeArgument.format(incident.first)) to \(TimeArgument.format(incident.last)), "
                + "\(incident.sessions.count) session\(incident.sessions.count == 1 ? "" : "s"), "
                + "\(incident.unexpected) unexpected detections, \(report.artifacts.count) left behind; root e-mail "
                + "\(TerminalSafe.escape(report.context.rootEmail ?? "(not known)"))\n"
            for session in incident.sessions {
                out +=
                    "  session \(session.kind.rawValue) \(TerminalSafe.escape(session.key)) "
                    + "\(TimeArgument.format(session.first))–\(TimeArgument.format(session.last)) "
                    + "from \(TerminalSafe.escape(session.sourceIPs.joined(separator: ", "))) "
                    + "MFA \(session.mfa.map { $0 ? "yes" : "no" } ?? "unknown") "
                    + (session.approved ? "approved" : "NOT APPROVED") + "\n"
            }
            for artifact in report.artifacts {
                out +=
                    "  left behind: \(TerminalSafe.escape(artifact.summary)) (\(TerminalSafe.escape(artifact.eventTime)))\n"
            }
            for result in report.integrity {
                out +=
                    "  integrity: \(result.verdict.rawValue) \(result.kind.rawValue) \(TerminalSafe.escape(result.location))"
                    + " — \(TerminalSafe.escape(result.reason))\n"
            }
        }
        out += HardenRenderer.plan(outcome, applying: applying)
        return out
    }

    public static func json(
        _ reports: [IncidentReport], outcome: HardenOutcome, problems: [InputProblem]
    ) throws -> String {
        struct Document: Encodable {
            var schemaVersion = 1
            var tool = ReportV1.Tool(version: RootGuardVersion.current)
            var evidence: IncidentReport.Evidence
            var incidents: [IncidentReport]
            var outcome: HardenOutcome
            var problems: [InputProblem]
        }
        return try JSONText.string(
            Document(
                evidence: .init(Array(Set(reports.flatMap(\.integrity)))), incidents: reports, outcome: outcome,
                problems: problems), .pretty) + "\n"
    }
}
