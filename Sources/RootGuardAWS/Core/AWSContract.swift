import Foundation
import NIOConcurrencyHelpers

/// The service model's constraints on a request's members, checked before anything is sent: a request moto accepts
/// may still be refused by AWS (moto is lenient), so the client itself holds every request to botocore's model —
/// required members, string lengths, list and map sizes, numeric ranges, enum values and patterns. The generated
/// shapes call these from `validate`; `AWSClient` refuses a request with a violation (`RequestContractViolation`).
public enum AWSContract {
    public static func required(_ value: (some Any)?, _ path: String, _ problems: inout [String]) {
        if value == nil { problems.append("\(path) is required") }
    }

    public static func string(
        _ value: String?, min: Int? = nil, max: Int? = nil, oneOf values: [String]? = nil, pattern: String? = nil,
        _ path: String, _ problems: inout [String]
    ) {
        guard let value else { return }
        let length = value.utf16.count
        if let min, length < min { problems.append("\(path) is \(length) characters, fewer than \(min)") }
        if let max, length > max { problems.append("\(path) is \(length) characters, more than \(max)") }
        if let values, !values.contains(value) {
            problems.append("\(path) '\(value.prefix(60))' is none of \(values.joined(separator: ", "))")
        }
        if let pattern, let expression = compiled(pattern),
            expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) == nil
        {
            problems.append("\(path) '\(value.prefix(60))' does not match \(pattern)")
        }
    }

    public static func number(
        _ value: Int?, min: Int? = nil, max: Int? = nil, _ path: String, _ problems: inout [String]
    ) {
        guard let value else { return }
        if let min, value < min { problems.append("\(path) is \(value), less than \(min)") }
        if let max, value > max { problems.append("\(path) is \(value), more than \(max)") }
    }

    public static func count(
        _ count: Int?, min: Int? = nil, max: Int? = nil, _ path: String, _ problems: inout [String]
    ) {
        guard let count else { return }
        if let min, count < min { problems.append("\(path) has \(count) entries, fewer than \(min)") }
        if let max, count > max { problems.append("\(path) has \(count) entries, more than \(max)") }
    }

    /// botocore's patterns are Java regular expressions, which ICU reads alike; one ICU cannot read is skipped rather
    /// than refusing requests AWS accepts. The whole value must match, as the services check it (Java's `matches`):
    /// IAM refuses a role name with a space although `[\w+=,.@-]+` is found inside it.
    /// Compiled once per pattern for the process (a few dozen patterns; every request re-used them).
    static func compiled(_ pattern: String) -> NSRegularExpression? {
        cache.withLockedValue { known in
            if let entry = known[pattern] { return entry.expression }
            let expression = try? NSRegularExpression(
                pattern: "^(?:" + pattern + ")$", options: [.dotMatchesLineSeparators])
            known[pattern] = CompiledPattern(expression: expression)
            return expression
        }
    }

    /// An `NSRegularExpression` is immutable and documented as safe to share between threads.
    struct CompiledPattern: @unchecked Sendable {
        let expression: NSRegularExpression?
    }

    static let cache = NIOLockedValueBox<[String: CompiledPattern]>([:])
}
