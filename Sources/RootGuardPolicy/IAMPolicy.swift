/// An IAM policy document to write (the policy rootguard needs, an SCP it proposes): typed, encoded in AWS's
/// JSON grammar (`Version`, `Statement`, `Sid`, `Effect`, `Action`, `Resource`, `Condition`). A one-element resource
/// is written as a plain string, as AWS's own examples do. `PolicyDocument` is the parsed form for evaluation.
public struct IAMPolicy: Encodable, Sendable, Hashable {
    public var version = "2012-10-17"
    public var statements: [Statement]

    public init(statements: [Statement]) { self.statements = statements }

    public struct Statement: Encodable, Sendable, Hashable {
        public var sid: String?
        public var effect: PolicyDocument.Statement.Effect
        public var actions: [String]
        public var resources: [String]
        /// Operator → condition key → values.
        public var conditions: [String: [String: [String]]]

        public init(
            sid: String?, effect: PolicyDocument.Statement.Effect, actions: [String], resources: [String] = ["*"],
            conditions: [String: [String: [String]]] = [:]
        ) {
            self.sid = sid
            self.effect = effect
            self.actions = actions
            self.resources = resources
            self.conditions = conditions
        }

        enum CodingKeys: String, CodingKey {
            case sid = "Sid", effect = "Effect", actions = "Action", resources = "Resource", conditions = "Condition"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(sid, forKey: .sid)
            try container.encode(effect.rawValue, forKey: .effect)
            try container.encode(actions, forKey: .actions)
            try container.encode(OneOrMany(resources), forKey: .resources)
            if !conditions.isEmpty {
                try container.encode(conditions.mapValues { $0.mapValues(OneOrMany.init) }, forKey: .conditions)
            }
        }
    }

    enum CodingKeys: String, CodingKey { case version = "Version", statements = "Statement" }

    /// The document as AWS's evaluator reads it (for proving a generated policy before proposing it).
    public var parsed: PolicyDocument {
        PolicyDocument(
            statements: statements.map { statement in
                PolicyDocument.Statement(
                    sid: statement.sid, effect: statement.effect, actions: statement.actions, notActions: nil,
                    resources: statement.resources, notResources: nil,
                    conditions: statement.conditions.sorted { $0.key < $1.key }.flatMap { op, keys in
                        keys.sorted { $0.key < $1.key }.map {
                            PolicyDocument.Condition(operator: op, key: $0.key, values: $0.value)
                        }
                    })
            })
    }
}

/// A list written as a string when it holds one value.
private struct OneOrMany: Encodable, Hashable {
    let values: [String]
    init(_ values: [String]) { self.values = values }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
    }
}
