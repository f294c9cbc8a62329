import Foundation
import RootGuardModel

/// The condition operators of the IAM policy language, with `…IfExists`, `ForAnyValue:` and `ForAllValues:`.
enum ConditionEvaluator {
    static func holds(_ condition: PolicyDocument.Condition, _ context: RequestContext) -> Bool {
        var op = condition.operator
        var set: String?
        for prefix in ["ForAnyValue:", "ForAllValues:"] where op.hasPrefix(prefix) {
            set = String(prefix.dropLast())
            op = String(op.dropFirst(prefix.count))
        }
        var ifExists = false
        if op.hasSuffix("IfExists") {
            ifExists = true
            op = String(op.dropLast("IfExists".count))
        }
        let policyValues = condition.values.map { Variables.substitute($0, context) }
        let present = context.values(condition.key)

        if op == "Null" {
            let wantsMissing = policyValues.first?.lowercased() == "true"
            return (present == nil || present!.isEmpty) == wantsMissing
        }
        let negated = op.contains("Not")
        guard let values = present, !values.isEmpty else {
            if ifExists { return true }
            if set == "ForAllValues" { return true }
            if set == "ForAnyValue" { return false }
            return negated
        }
        // One context value against the policy's values: positive operators OR, negated ones AND (none matches).
        func single(_ value: String) -> Bool {
            let matches = policyValues.map { compare(op, value, $0) }
            return negated ? !matches.contains(false) : matches.contains(true)
        }
        switch set {
        case "ForAnyValue": return values.contains(where: single)
        case "ForAllValues": return values.allSatisfy(single)
        default: return values.contains(where: single)
        }
    }

    /// Whether `value` satisfies `op` against one policy value (for negated operators: the negation holds).
    static func compare(_ op: String, _ value: String, _ policy: String) -> Bool {
        switch op {
        case "StringEquals": return value == policy
        case "StringNotEquals": return value != policy
        case "StringEqualsIgnoreCase": return value.lowercased() == policy.lowercased()
        case "StringNotEqualsIgnoreCase": return value.lowercased() != policy.lowercased()
        case "StringLike": return Wildcard.matches(policy, value, caseInsensitive: false)
        case "StringNotLike": return !Wildcard.matches(policy, value, caseInsensitive: false)
        case "ArnEquals", "ArnLike": return arnMatches(policy, value)
        case "ArnNotEquals", "ArnNotLike": return !arnMatches(policy, value)
        case "Bool": return value.lowercased() == policy.lowercased()
        case "BinaryEquals": return value == policy
        case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
            "NumericGreaterThanEquals":
            guard let a = Double(value), let b = Double(policy) else { return op == "NumericNotEquals" }
            return numeric(op.dropFirst("Numeric".count), a, b)
        case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
            "DateGreaterThanEquals":
            guard let a = date(value), let b = date(policy) else { return op == "DateNotEquals" }
            return numeric(op.dropFirst("Date".count), a, b)
        case "IpAddress": return ipMatches(policy, value)
        case "NotIpAddress": return !ipMatches(policy, value)
        default: return false  // unknown operators never grant or deny
        }
    }

    static func numeric(_ op: Substring, _ a: Double, _ b: Double) -> Bool {
        switch op {
        case "Equals": a == b
        case "NotEquals": a != b
        case "LessThan": a < b
        case "LessThanEquals": a <= b
        case "GreaterThan": a > b
        case "GreaterThanEquals": a >= b
        default: false
        }
    }

    static func date(_ text: String) -> Double? {
        if let epoch = Double(text) { return epoch }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    /// ARNs compare part by part (six colon-separated parts), each with wildcards.
    static func arnMatches(_ pattern: String, _ arn: String) -> Bool {
        guard let p = ARN(rawValue: pattern), let a = ARN(rawValue: arn) else {
            return Wildcard.matches(pattern, arn, caseInsensitive: false)
        }
        return [
            (p.partition, a.partition), (p.service, a.service), (p.region, a.region),
            (p.accountField, a.accountField), (p.resource, a.resource),
        ].allSatisfy { Wildcard.matches($0, $1, caseInsensitive: false) }
    }

    static func ipMatches(_ block: String, _ address: String) -> Bool {
        IPNetwork.contains(block: block, address: address)
    }
}
