import Foundation
import RootGuardModel

/// What `watch` reads from a queue message: the CloudTrail records in its body.
public enum WatchMessage {
    public struct BadMessage: Error, CustomStringConvertible {
        public let description: String
    }

    /// The CloudTrail records in a message body: an EventBridge envelope (`detail`), that envelope inside an SNS
    /// notification (`Message`), the record itself, or the containers `trail` reads (`{"Records":[…]}`, a bare array).
    public static func decode(_ body: String, id: String) throws -> [CloudTrailEvent] {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) else {
            throw BadMessage(description: "not JSON")
        }
        var value = json
        if case .object(let object) = json, object["Type"] == .string("Notification"),
            case .string(let inner)? = object["Message"]
        {
            guard let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(inner.utf8)) else {
                throw BadMessage(description: "an SNS notification whose Message is not JSON")
            }
            value = decoded
        }
        var many: [JSONValue]?
        if case .array(let list) = value { many = list }
        if case .object(let object) = value, case .array(let list)? = object["Records"] { many = list }
        if let many {
            let events = many.compactMap { CloudTrailEvent(json: $0, source: "sqs:\(id)") }
            guard !events.isEmpty || many.isEmpty else {
                throw BadMessage(description: "a container of \(many.count) values, none a CloudTrail record")
            }
            guard !many.isEmpty else { throw BadMessage(description: "an empty container of records") }
            return events
        }
        guard case .object(let object) = value else { throw BadMessage(description: "not a JSON object") }
        if object["detail-type"] != nil, object["detail"] == nil {
            throw BadMessage(description: "an EventBridge envelope without detail")
        }
        guard let event = CloudTrailEvent(json: value, source: "sqs:\(id)") else {
            throw BadMessage(description: "not a CloudTrail record (no eventName)")
        }
        return [event]
    }
}
