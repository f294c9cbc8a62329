import Foundation

/// An IAM policy document (identity policy or SCP), parsed once.
public struct PolicyDocument: Sendable, Hashable {
    public var statements: [Statement]

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    public struct Statement: Sendable, Hashable {
        public enum Effect: String, Sendable, Hashable { case allow = "Allow", deny = "Deny" }

        public var sid: String?
        public var effect: Effect
        /// `Action` patterns, or nil when the statement uses `NotAction`.
        public var actions: [String]?
        public var notActions: [String]?
        public var resources: [String]?
        public var notResources: [String]?
        public var conditions: [Condition]
    }

    /// One operator applied to one key, e.g. `StringNotLike aws:PrincipalArn [arn:aws:iam::*:root]`.
    public struct Condition: Sendable, Hashable, CustomStringConvertible {
        public var `operator`: String
        public var key: String
        public var values: [String]
        public var description: String { "\(`operator`) \(key) \(values)" }
    }

    public static func parse(_ text: String) throws -> PolicyDocument {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw ParseError(description: "the policy is not a JSON object")
        }
        let raw: [[String: Any]]
        if let list = object["Statement"] as? [[String: Any]] {
            raw = list
        } else if let single = object["Statement"] as? [String: Any] {
            raw = [single]
        } else {
            throw ParseError(description: "the policy has no Statement")
        }
        return PolicyDocument(
            statements: try raw.enumerated().map { index, statement in try parseStatement(statement, index: index) })
    }

    static func strings(_ value: Any?, field: String, index: Int) throws -> [String]? {
        switch value {
        case nil: return nil
        case let text as String: return [text]
        case let list as [Any]:
            return try list.map {
                guard let text = $0 as? String else {
                    throw ParseError(description: "statement \(index + 1): \(field) must hold strings")
                }
                return text
            }
        default: throw ParseError(description: "statement \(index + 1): \(field) must be a string or a list of strings")
        }
    }

    static func parseStatement(_ statement: [String: Any], index: Int) throws -> Statement {
        guard let effectText = statement["Effect"] as? String, let effect = Statement.Effect(rawValue: effectText)
        else {
            throw ParseError(description: "statement \(index + 1): Effect must be Allow or Deny")
        }
        let actions = try strings(statement["Action"], field: "Action", index: index)
        let notActions = try strings(statement["NotAction"], field: "NotAction", index: index)
        guard (actions == nil) != (notActions == nil) else {
            throw ParseError(description: "statement \(index + 1): exactly one of Action and NotAction is required")
        }
        var resources = try strings(statement["Resource"], field: "Resource", index: index)
        let notResources = try strings(statement["NotResource"], field: "NotResource", index: index)
        if resources == nil && notResources == nil { resources = ["*"] }  // SCPs may omit Resource
        var conditions: [Condition] = []
        if let block = statement["Condition"] {
            guard let operators = block as? [String: Any] else {
                throw ParseError(description: "statement \(index + 1): Condition must be an object")
            }
            for (op, keys) in operators.sorted(by: { $0.key < $1.key }) {
                guard let keys = keys as? [String: Any] else {
                    throw ParseError(description: "statement \(index + 1): Condition \(op) must map keys to values")
                }
                for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                    let values: [String]
                    switch value {
                    case let text as String: values = [text]
                    case let bool as Bool: values = [bool ? "true" : "false"]
                    case let number as NSNumber: values = [number.stringValue]
                    case let list as [Any]: values = list.map { ($0 as? String) ?? "\($0)" }
                    default:
                        throw ParseError(
                            description: "statement \(index + 1): Condition \(op) \(key) has an unsupported value")
                    }
                    conditions.append(Condition(operator: op, key: key, values: values))
                }
            }
        }
        return Statement(
            sid: statement["Sid"] as? String, effect: effect, actions: actions, notActions: notActions,
            resources: resources,
            notResources: notResources, conditions: conditions)
    }
}
