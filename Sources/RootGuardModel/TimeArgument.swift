import Foundation

/// The one parser for times given on the command line or in files (`--as-of`, `--since`, `--until`):
/// an ISO 8601 time (`2026-11-01T10:00:00Z`, fractional seconds allowed), a plain date (`2026-11-01`, midnight
/// UTC), or a duration before `now` (`90d`, `12h`, `30m`, `45s`).
public enum TimeArgument {
    public struct Invalid: Error, CustomStringConvertible {
        public let flag: String
        public let text: String
        public var description: String {
            "\(flag): not a time (2026-11-01, 2026-11-01T10:00:00Z, 7d, 12h, 30m): '\(TerminalSafe.escape(String(text.prefix(60))))'"
        }
    }

    public static func parse(_ text: String, now: Date, flag: String) throws -> Date {
        if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0, amount.isFinite {
            let seconds: Double? =
                switch unit {
                case "d": 86_400
                case "h": 3_600
                case "m": 60
                case "s": 1
                default: nil
                }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        if let time = parseTimestamp(text) { return time }
        if text.count == 10, let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return day }
        throw Invalid(flag: flag, text: text)
    }

    /// An ISO 8601 timestamp with or without fractional seconds (CloudTrail writes both).
    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2026-11-01T10:00:00Z`.
    public static func format(_ date: Date) -> String { date.formatted(.iso8601) }
}
