import Foundation
import RootGuardModel

/// IAM policy-language evaluation: a statement applies when its action, resource and every condition match.
public enum PolicyEvaluator {
    public enum Decision: String, Sendable, Hashable { case allow, explicitDeny, implicitDeny }

    /// Why one statement did or did not apply.
    public struct StatementTrace: Sendable, Hashable, CustomStringConvertible {
        public var policy: String
        public var sid: String?
        public var effect: PolicyDocument.Statement.Effect
        public var actionMatches: Bool
        public var resourceMatches: Bool
        /// Each condition and whether it held.
        public var conditions: [(String, Bool)]
        public var applies: Bool { actionMatches && resourceMatches && conditions.allSatisfy(\.1) }

        public var description: String {
            let name = "\(policy)\(sid.map { "#\($0)" } ?? "")"
            if !actionMatches { return "\(name) (\(effect.rawValue)): action does not match" }
            if !resourceMatches { return "\(name) (\(effect.rawValue)): resource does not match" }
            if let failed = conditions.first(where: { !$0.1 }) {
                return "\(name) (\(effect.rawValue)): condition not met: \(failed.0)"
            }
            return "\(name) (\(effect.rawValue)): applies"
        }

        public static func == (a: StatementTrace, b: StatementTrace) -> Bool { a.description == b.description }
        public func hash(into hasher: inout Hasher) { hasher.combine(description) }
    }

    public struct Evaluation: Sendable, Hashable {
        public var decision: Decision
        public var traces: [StatementTrace]
        public var deciding: [StatementTrace] {
            switch decision {
            case .explicitDeny: traces.filter { $0.applies && $0.effect == .deny }
            case .allow: traces.filter { $0.applies && $0.effect == .allow }
            case .implicitDeny: []
            }
        }
    }

    /// Evaluates a set of policies together: any applicable Deny wins, else any applicable Allow, else implicit deny.
    public static func evaluate(
        _ policies: [(name: String, document: PolicyDocument)], _ context: RequestContext
    ) -> Evaluation {
        var traces: [StatementTrace] = []
        for (name, document) in policies {
            for statement in document.statements {
                traces.append(trace(statement, policy: name, context))
            }
        }
        let decision: Decision =
            traces.contains { $0.applies && $0.effect == .deny }
            ? .explicitDeny
            : traces.contains { $0.applies && $0.effect == .allow } ? .allow : .implicitDeny
        return Evaluation(decision: decision, traces: traces)
    }

    static func trace(
        _ statement: PolicyDocument.Statement, policy: String, _ context: RequestContext
    ) -> StatementTrace {
        let actionMatches: Bool =
            if let actions = statement.actions {
                actions.contains { Wildcard.matches($0, context.action, caseInsensitive: true) }
            } else {
                !(statement.notActions ?? []).contains { Wildcard.matches($0, context.action, caseInsensitive: true) }
            }
        let resourceMatches: Bool =
            if let resources = statement.resources {
                resources.contains {
                    Wildcard.matches(Variables.substitute($0, context), context.resource, caseInsensitive: false)
                }
            } else {
                !(statement.notResources ?? []).contains {
                    Wildcard.matches(Variables.substitute($0, context), context.resource, caseInsensitive: false)
                }
            }
        let conditions = statement.conditions.map { ($0.description, ConditionEvaluator.holds($0, context)) }
        return StatementTrace(
            policy: policy, sid: statement.sid, effect: statement.effect, actionMatches: actionMatches,
            resourceMatches: resourceMatches, conditions: conditions)
    }
}

/// `${aws:username}`-style policy variables, and the escapes `${*}`, `${?}`, `${$}`.
enum Variables {
    static func substitute(_ text: String, _ context: RequestContext) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let inner = String(rest[start.upperBound..<end])
            let parts = inner.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts[0] {
            case "*", "?", "$": out += parts[0]
            default:
                if let value = context.values(parts[0])?.first {
                    out += value
                } else if parts.count == 2 {
                    out += parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
                } else {
                    out += "\u{0}"  // an unresolvable variable never matches
                }
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
