import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `respond --notify`: the incident summary to the same sinks as `watch` — a webhook gets Slack's `text` plus the
/// incident, an SNS topic the same JSON with a short subject.
public enum IncidentNotice {
    /// One line per account: where, when, how many sessions, what is still open, the root e-mail.
    public static func text(_ report: IncidentReport) -> String {
        let open = report.containment.filter { ($0.after ?? $0.before).hasPrefix("open") }.count
        // Items that could not be read are never folded into "contained": they are counted on their own.
        let unknown = report.containment.filter { line in
            !["open", "contained", "gone"].contains { (line.after ?? line.before).hasPrefix($0) }
        }.count
        return TerminalSafe.escape(
            "[CRITICAL] root incident in account \(report.incident.account)"
                + (report.context.accountName.map { " (\($0))" } ?? "") + ": "
                + "\(TimeArgument.format(report.incident.first)) to \(TimeArgument.format(report.incident.last)), "
                + "\(report.incident.sessions.count) session(s), \(report.incident.unexpected) unexpected detections, "
                + "\(report.artifacts.count) left behind, \(open) still open"
                + (unknown > 0 ? ", \(unknown) not confirmed" : "") + " (\(report.mode)); root e-mail "
                + (report.context.rootEmail ?? "(not known)")
                + (report.commands.first.map { "; next: \($0)" } ?? ""))
    }

    /// Sends every report to every target; failures are reported through `error` and make the result true.
    public static func send(
        _ reports: [IncidentReport], to targets: [String], makeClient: @escaping @Sendable () throws -> AWSClient,
        error: (String) -> Void
    ) async -> Bool {
        struct Body: Encodable {
            var text: String
            var incident: IncidentReport
        }
        var failed = false
        var client: AWSClient?
        for target in targets {
            for report in reports {
                let body =
                    (try? JSONText.data(Body(text: ChannelText.slack(text(report)), incident: report), .compact))
                    ?? Data()
                do {
                    if target.hasPrefix("arn:") {
                        if client == nil { client = try makeClient() }
                        let subject = AlertRenderer.subject("rootguard: root incident in \(report.incident.account)")
                        try await SNSSink(topicARN: target, client: client!).publish(
                            String(decoding: body, as: UTF8.self), subject: subject)
                    } else {
                        try await WebhookSink(url: target).post(body)
                    }
                } catch let failure {
                    failed = true
                    error("--notify: \(failure)")
                }
            }
        }
        try? await client?.shutdown()
        return failed
    }
}
