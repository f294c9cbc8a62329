import Foundation
import RootGuardModel

/// A CloudWatch Logs filter pattern: JSON (`{ $.a = "x" && … }`), terms (`ERROR ?WARN -DEBUG "a phrase"`),
/// or empty (matches everything). Space-delimited patterns (`[ip, user, …]`) are rejected: they never apply to
/// CloudTrail's JSON events.
public enum LogFilterPattern: Sendable, Hashable {
    case all
    case json(JSONExpression)
    case terms(TermPattern)

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public let position: Int
        public var description: String { "\(message) (at character \(position + 1))" }
    }

    public static func parse(_ text: String) throws -> LogFilterPattern {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "\"\"" { return .all }
        if trimmed.hasPrefix("{") {
            var parser = JSONPatternParser(trimmed)
            return .json(try parser.parse())
        }
        if trimmed.hasPrefix("[") {
            throw ParseError(
                message: "space-delimited patterns ([field, …]) do not apply to CloudTrail's JSON events", position: 0)
        }
        return .terms(try TermPattern.parse(trimmed))
    }

    /// Whether the log event (its raw text) matches.
    public func matches(_ message: String) -> Bool {
        switch self {
        case .all: return true
        case .terms(let terms): return terms.matches(message)
        case .json(let expression):
            guard let event = EventJSON.parse(message) else { return false }
            return expression.evaluate(event)
        }
    }
}

/// Terms: all plain terms must appear; `?a ?b` means any of them; `-x` excludes. Case-sensitive substrings.
public struct TermPattern: Sendable, Hashable {
    public var required: [String]
    public var anyOf: [String]
    public var excluded: [String]

    static func parse(_ text: String) throws -> TermPattern {
        var pattern = TermPattern(required: [], anyOf: [], excluded: [])
        var index = text.startIndex
        while index < text.endIndex {
            if text[index].isWhitespace {
                index = text.index(after: index)
                continue
            }
            var prefix: Character?
            if text[index] == "?" || text[index] == "-" {
                prefix = text[index]
                index = text.index(after: index)
            }
            var term = ""
            if index < text.endIndex && text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex && text[index] != "\"" {
                    term.append(text[index])
                    index = text.index(after: index)
                }
                guard index < text.endIndex else {
                    throw LogFilterPattern.ParseError(
                        message: "unterminated quoted term", position: text.distance(from: text.startIndex, to: index))
                }
                index = text.index(after: index)
            } else {
                while index < text.endIndex && !text[index].isWhitespace {
                    term.append(text[index])
                    index = text.index(after: index)
                }
            }
            guard !term.isEmpty else { continue }
            switch prefix {
            case "?": pattern.anyOf.append(term)
            case "-": pattern.excluded.append(term)
            default: pattern.required.append(term)
            }
        }
        return pattern
    }

    func matches(_ message: String) -> Bool {
        if excluded.contains(where: message.contains) { return false }
        if !required.allSatisfy(message.contains) { return false }
        return anyOf.isEmpty || anyOf.contains(where: message.contains)
    }
}

/// A JSON filter expression.
public indirect enum JSONExpression: Sendable, Hashable {
    case and(JSONExpression, JSONExpression)
    case or(JSONExpression, JSONExpression)
    case compare(JSONSelector, Comparison, PatternValue)
    case exists(JSONSelector, Bool)
    case isNull(JSONSelector)
    case isBool(JSONSelector, Bool)

    public enum Comparison: String, Sendable, Hashable {
        case eq = "=", ne = "!=", lt = "<", gt = ">", le = "<=", ge = ">="
    }

    /// Evaluates against a parsed event. A comparison on a missing field is false (for `=` and `!=` alike).
    public func evaluate(_ event: JSONValue) -> Bool {
        switch self {
        case .and(let a, let b): return a.evaluate(event) && b.evaluate(event)
        case .or(let a, let b): return a.evaluate(event) || b.evaluate(event)
        case .exists(let selector, let shouldExist): return (selector.resolve(event) != nil) == shouldExist
        case .isNull(let selector): return selector.resolve(event) == .null
        case .isBool(let selector, let value): return selector.resolve(event) == .bool(value)
        case .compare(let selector, let op, let expected):
            guard let actual = selector.resolve(event) else { return false }
            switch op {
            case .eq: return expected.equals(actual)
            case .ne:
                if case .null = actual { return true }
                return !expected.equals(actual)
            case .lt, .gt, .le, .ge:
                guard case .number(let number) = actual, let bound = expected.number else { return false }
                switch op {
                case .lt: return number < bound
                case .gt: return number > bound
                case .le: return number <= bound
                default: return number >= bound
                }
            }
        }
    }
}

/// `$.a.b[0].c`.
public struct JSONSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let steps: [Step]

    public var description: String {
        "$"
            + steps.map { step in
                switch step {
                case .key(let key): ".\(key)"
                case .index(let index): "[\(index)]"
                }
            }.joined()
    }

    func resolve(_ event: JSONValue) -> JSONValue? {
        var current: JSONValue? = event
        for step in steps {
            switch step {
            case .key(let key): current = current?[key]
            case .index(let index): current = current?[index]
            }
            if current == nil { return nil }
        }
        return current
    }
}

/// The right-hand side of a comparison.
public enum PatternValue: Sendable, Hashable {
    case string(String)
    case number(Double, text: String)
    /// `%regex%`, matched in linear time (a metric filter's regex is written by whoever may create one).
    case regex(FilterRegex)

    var number: Double? {
        if case .number(let value, _) = self { return value }
        return nil
    }

    func equals(_ actual: JSONValue) -> Bool {
        switch self {
        case .number(let value, let text):
            if case .number(let number) = actual { return number == value }
            return actual.text == text
        case .regex(let expression):
            guard let text = actual.text else { return false }
            return expression.matches(text)
        case .string(let expected):
            guard let text = actual.text else { return false }
            return expected.contains("*") ? Glob.matches(expected, text) : text == expected
        }
    }
}

/// `*` matches any run of characters (CloudWatch Logs and EventBridge wildcards). Compared as UTF-8 bytes (the same
/// as comparing scalars, UTF-8 being self-synchronising), with a plain search: Foundation's `range(of:)` gave ranges
/// outside the text on NUL characters (a crash found by fuzzing) and the generic search is slow.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard parts.count > 1 else { return pattern == text }
        let bytes = Array(text.utf8)
        guard bytes.starts(with: parts[0]) else { return false }
        var position = parts[0].count
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = find(part, in: bytes, from: position) else { return false }
            position = found + part.count
        }
        let last = parts.last!
        return last.isEmpty || (bytes.count - position >= last.count && bytes.suffix(last.count).elementsEqual(last))
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count - from else { return nil }
        var index = from
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
