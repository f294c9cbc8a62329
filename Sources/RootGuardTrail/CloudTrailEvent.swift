import Foundation
import RootGuardModel

/// One CloudTrail record, decoded only because the prefilter could not rule it out.
public struct CloudTrailEvent: Sendable {
    /// The record itself (the `detail` of an EventBridge envelope).
    public let record: JSONValue
    /// Where it was read: a file path, an `s3://` URI, `lookup:<region>` or `stdin`.
    public let source: String

    /// Decodes a record or an EventBridge envelope; nil when the JSON is not a CloudTrail record.
    public init?(json: JSONValue, source: String) {
        guard case .object(let object) = json else { return nil }
        var record = json
        if case .object(let detail)? = object["detail"], object["detail-type"] != nil {
            record = .object(detail)
        }
        // A record without a time is still a record: analysed with its time marked unknown, like one whose time
        // cannot be parsed.
        guard case .object(let fields) = record, fields["eventName"] != nil else { return nil }
        self.record = record
        self.source = source
    }

    /// Whether `json` (a record or an EventBridge envelope) has the fields every CloudTrail record has, whatever its
    /// eventVersion (1.0 records have no eventID).
    public static func hasRequiredFields(_ json: JSONValue) -> Bool {
        guard case .object(var fields) = json else { return false }
        if case .object(let detail)? = fields["detail"], fields["detail-type"] != nil { fields = detail }
        return ["eventVersion", "eventSource", "eventName", "eventTime"].allSatisfy { fields[$0] != nil }
    }

    public subscript(_ path: String...) -> JSONValue? { record.value(at: path) }

    /// The string at `path`, if it is one.
    public func string(_ path: String...) -> String? {
        if case .string(let value)? = record.value(at: path) { return value }
        return nil
    }

    /// True when the field at `path` is present and not null.
    public func has(_ path: String...) -> Bool {
        switch record.value(at: path) {
        case nil, .null?: return false
        default: return true
        }
    }

    public var eventID: String { string("eventID") ?? "" }
    public var eventName: String { string("eventName") ?? "" }
    public var eventSource: String { string("eventSource") ?? "" }
    public var eventType: String? { string("eventType") }
    public var eventTimeText: String { string("eventTime") ?? string("@timestamp") ?? "" }
    public var eventTime: Date? { TimeArgument.parseTimestamp(eventTimeText) }
    public var identityType: String? { string("userIdentity", "type") }
    public var isRoot: Bool { identityType == "Root" }
    public var invokedBy: String? { string("userIdentity", "invokedBy") }
    public var accessKeyId: String? { string("userIdentity", "accessKeyId") }
    public var accountId: String {
        string("recipientAccountId") ?? string("userIdentity", "accountId") ?? ""
    }
    public var region: String { string("awsRegion") ?? "" }
    public var sourceIPAddress: String? { string("sourceIPAddress") }
    public var userAgent: String? { string("userAgent") }
    public var errorCode: String? { string("errorCode") }
    public var errorMessage: String? { string("errorMessage") }
    /// The IAM-style action name, e.g. `iam:CreateAccessKey` or `signin:ConsoleLogin`.
    public var action: String {
        let service = eventSource.hasSuffix(".amazonaws.com") ? String(eventSource.dropLast(14)) : eventSource
        return "\(service):\(eventName)"
    }
    public var readOnly: Bool? {
        switch self["readOnly"] {
        case .bool(let value)?: return value
        case .string(let value)?: return value.lowercased() == "true"
        default: return nil
        }
    }
    /// A string field compared case-insensitively ("Yes"/"YES", "true"/"True").
    func flag(_ path: String..., equals expected: String) -> Bool {
        if case .string(let value)? = record.value(at: path) {
            return value.caseInsensitiveCompare(expected) == .orderedSame
        }
        if case .bool(let value)? = record.value(at: path) { return String(value) == expected.lowercased() }
        return false
    }
}

extension JSONValue {
    /// The value at a path of object keys.
    public func value(at path: [String]) -> JSONValue? {
        var current = self
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }
}
