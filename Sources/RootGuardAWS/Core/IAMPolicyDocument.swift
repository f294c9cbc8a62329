import Foundation

/// An IAM policy document. IAM returns documents URL-encoded (`%7B%22Version%22…`); decoding yields the JSON
/// text, whichever form arrived. Encoding sends the JSON text as-is (the form encoding is the protocol's job).
public struct IAMPolicyDocument: Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The policy JSON.
    public let json: String

    public init(json: String) { self.json = json }
    public init(stringLiteral value: String) { json = value }

    /// Decodes a wire value: percent-decoded when it is URL-encoded JSON, unchanged otherwise.
    public init(wire: String) {
        let trimmed = wire.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") || trimmed.hasPrefix("%5B"),
            let decoded = trimmed.removingPercentEncoding
        {
            json = decoded
        } else if !trimmed.hasPrefix("{"), trimmed.contains("%"), let decoded = trimmed.removingPercentEncoding,
            decoded.hasPrefix("{")
        {
            json = decoded
        } else {
            json = wire
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(wire: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(json)
    }

    public var description: String { json }

    /// The document parsed as a JSON object (nil when it is not valid JSON).
    public var object: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
    }
}
