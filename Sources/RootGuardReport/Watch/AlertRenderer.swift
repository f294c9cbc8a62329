import Foundation
import RootGuardModel
import RootGuardTrail

/// What `rootguard watch` sends: a JSON line per alert (the detection as `trail --output jsonl` writes it), a one-line
/// table form, the webhook body (Slack-compatible `text` plus the detection) and the SNS message. Text from the logs
/// is escaped in every human-readable form; JSON keeps the values and its escaping makes them safe.
public enum AlertRenderer {
    static let encoder: JSONEncoder = {
        let encoder = JSONText.encoder(.compact)
        return encoder
    }()

    /// `--output jsonl`: the detection, one line.
    public static func jsonLine(_ detection: Detection) -> String {
        JSONText.escapeInvisible(
            String(decoding: (try? encoder.encode(Stamped(value: detection))) ?? Data("{}".utf8), as: UTF8.self))
            + "\n"
    }

    /// One sentence for chat and e-mail subjects: severity, what, where, from where, and whether it was approved.
    public static func text(_ detection: Detection) -> String {
        var text =
            "[\(detection.severity.rawValue.uppercased())] \(detection.title): account \(detection.accountId)"
            + (detection.region.isEmpty ? "" : " \(detection.region)") + ", \(detection.eventName)"
        if let ip = detection.sourceIPAddress { text += " from \(ip)" }
        text += " at \(TimeArgument.format(detection.eventTime))"
        text += detection.expected ? " (approved: \(detection.approval ?? "yes"))" : " (not approved)"
        if let email = detection.details["rootEmail"] {
            text += "; root e-mail \(email)" + (detection.details["accountName"].map { ", account \($0)" } ?? "")
        }
        if !detection.expected, let respond = detection.details["respond"] { text += "; respond: \(respond)" }
        return TerminalSafe.escape(text)
    }

    /// The `rootguard respond` command that scopes and contains this detection's incident: its account (the target
    /// of an AssumeRoot call), from an hour before it, with the full sessions read from the event history (every enabled region).
    public static func respondCommand(_ detection: Detection) -> String {
        let account = detection.details["targetAccount"] ?? detection.accountId
        let digits = account.count == 12 && account.allSatisfy(\.isASCII) && account.allSatisfy(\.isNumber)
        let since = TimeArgument.format(detection.eventTime.addingTimeInterval(-3600))
        return "rootguard respond --account \(digits ? account : "ACCOUNT") --since \(since) --logs lookup"
    }

    /// `--output table`: one aligned line per alert.
    public static func tableLine(_ detection: Detection) -> String {
        let fields = [
            TimeArgument.format(detection.eventTime), detection.accountId, detection.region,
            detection.severity.rawValue, detection.detection, detection.eventName,
            detection.expected ? "expected (\(detection.approval ?? ""))" : "UNEXPECTED",
            detection.sourceIPAddress ?? "-",
        ]
        return fields.map(TerminalSafe.escape).joined(separator: "  ") + "\n"
    }

    /// The webhook's JSON body: Slack's `text`, rootguard's `detection`.
    public static func webhookBody(_ detection: Detection) -> Data {
        struct Body: Encodable {
            var text: String
            var detection: Detection
        }
        return (try? encoder.encode(Body(text: ChannelText.slack(text(detection)), detection: detection))) ?? Data()
    }

    /// An SNS subject: printable ASCII, at most 100 characters (SNS's limits).
    public static func subject(_ detection: Detection) -> String {
        subject("rootguard: \(detection.severity.rawValue) \(detection.title) in \(detection.accountId)")
    }

    /// Any text as an SNS subject: printable ASCII only, cut to 100 characters.
    public static func subject(_ text: String) -> String {
        let ascii = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }
        return String(String.UnicodeScalarView(ascii.prefix(100)))
    }

    /// `--stats`: one line.
    public static func stats(_ stats: WatchStats) -> String {
        "watch stats: \(Wording.plural(stats.received, "message")) received, \(stats.alerted) alerted, "
            + "\(stats.expected) suppressed as expected, \(stats.duplicates) duplicate, \(stats.bad) bad, "
            + "\(stats.deliveryFailures) delivery failures, \(stats.leftForDeadLetterQueue) left for the dead-letter queue\n"
    }
}
