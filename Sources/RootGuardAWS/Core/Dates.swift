import Foundation

/// ISO 8601 as AWS writes it: with or without fractional seconds, `Z` or an offset.
enum ISO8601 {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: trimmed) { return date }
        // `2024-01-02T03:04:05` without a zone (some services): take it as UTC.
        if let date = plain.date(from: trimmed + "Z") ?? fractional.date(from: trimmed + "Z") { return date }
        return nil
    }
}

/// RFC 7231 HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
    static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }

    static func format(_ date: Date) -> String { formatter().string(from: date) }
    static func parse(_ text: String) -> Date? { formatter().date(from: text) }
}

/// Decodes any timestamp AWS sends: epoch seconds (number or string, fractional), epoch milliseconds, ISO 8601.
enum TimestampDecoding {
    static func date(fromNumber value: Double) -> Date {
        // Epoch milliseconds (Logs `creationTime`, SSO `expiration`) are 1000× larger than any epoch in seconds.
        value > 100_000_000_000 ? Date(timeIntervalSince1970: value / 1000) : Date(timeIntervalSince1970: value)
    }

    static func date(fromText text: String) -> Date? {
        if let number = Double(text) { return date(fromNumber: number) }
        return ISO8601.parse(text) ?? HTTPDate.parse(text)
    }

    static let jsonStrategy: JSONDecoder.DateDecodingStrategy = .custom { decoder in
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) { return date(fromNumber: number) }
        let text = try container.decode(String.self)
        guard let date = date(fromText: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unrecognised timestamp '\(text)'")
        }
        return date
    }
}
