import RootGuardModel

/// Service control policies through the organization's hierarchy: an action is permitted only if every level
/// (root, each OU down the path, the account) has an applicable Allow and no level has an applicable Deny.
public enum SCPEvaluator {
    public struct Level: Sendable, Hashable {
        /// `r-abcd`, `ou-…`, or the account id.
        public var target: String
        public var policies: [NamedPolicy]

        public init(target: String, policies: [NamedPolicy]) {
            self.target = target
            self.policies = policies
        }
    }

    public struct NamedPolicy: Sendable, Hashable {
        public var name: String
        public var document: PolicyDocument

        public init(name: String, document: PolicyDocument) {
            self.name = name
            self.document = document
        }
    }

    public struct Result: Sendable, Hashable {
        public var permitted: Bool
        /// The statements that explicitly deny, with the level they are attached at.
        public var denials: [(target: String, statement: PolicyEvaluator.StatementTrace)]
        /// The first level without an applicable Allow (the action is implicitly denied there).
        public var levelWithoutAllow: String?
        public var perLevel: [(target: String, evaluation: PolicyEvaluator.Evaluation)]

        /// One sentence: why the action is or is not permitted.
        public var explanation: String {
            if let denial = denials.first {
                return
                    "denied by \(denial.statement.policy)\(denial.statement.sid.map { "#\($0)" } ?? "") attached to \(denial.target)"
            }
            if let level = levelWithoutAllow { return "no SCP attached to \(level) allows it" }
            return "every level allows it and nothing denies it"
        }

        public static func == (a: Result, b: Result) -> Bool {
            a.permitted == b.permitted && a.explanation == b.explanation
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(explanation) }
    }

    /// - Parameter levels: root first, then each OU down to the account.
    public static func evaluate(levels: [Level], _ context: RequestContext) -> Result {
        var denials: [(String, PolicyEvaluator.StatementTrace)] = []
        var missingAllow: String?
        var perLevel: [(String, PolicyEvaluator.Evaluation)] = []
        for level in levels {
            let evaluation = PolicyEvaluator.evaluate(level.policies.map { ($0.name, $0.document) }, context)
            perLevel.append((level.target, evaluation))
            denials += evaluation.traces.filter { $0.applies && $0.effect == .deny }.map { (level.target, $0) }
            if missingAllow == nil && !evaluation.traces.contains(where: { $0.applies && $0.effect == .allow }) {
                missingAllow = level.target
            }
        }
        return Result(
            permitted: denials.isEmpty && missingAllow == nil, denials: denials, levelWithoutAllow: missingAllow,
            perLevel: perLevel)
    }
}

extension SCPEvaluator.Level {
    /// A level from collected facts; a policy that does not parse is an error, never silently dropped (dropping an
    /// Allow would make an action look denied).
    public init(_ facts: SCPLevelFacts) throws {
        self.init(
            target: facts.target,
            policies: try facts.policies.map { policy in
                do {
                    return SCPEvaluator.NamedPolicy(
                        name: policy.name, document: try PolicyDocument.parse(policy.content))
                } catch let error as PolicyDocument.ParseError {
                    throw PolicyDocument.ParseError(
                        description: "SCP \(policy.name) at \(facts.target): \(error.description)")
                }
            })
    }
}
