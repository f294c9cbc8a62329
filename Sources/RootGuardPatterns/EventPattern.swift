import Foundation
import RootGuardModel

/// An EventBridge event pattern: exact, prefix, suffix, anything-but, numeric, exists, wildcard,
/// equals-ignore-case, cidr and `$or`, as EventBridge matches them.
public struct EventPattern: Sendable, Hashable {
    public let root: JSONValue

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func parse(_ text: String) throws -> EventPattern {
        guard let value = EventJSON.parse(text) else {
            throw ParseError(message: "the event pattern is not valid JSON")
        }
        guard case .object = value else { throw ParseError(message: "an event pattern must be a JSON object") }
        try validate(value, path: "")
        return EventPattern(root: value)
    }

    static let matcherKeys: Set<String> = [
        "prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "wildcard", "equals-ignore-case",
    ]

    static func validate(_ pattern: JSONValue, path: String) throws {
        guard case .object(let fields) = pattern else { throw ParseError(message: "\(path): expected an object") }
        for (key, value) in fields {
            let here = path.isEmpty ? key : "\(path).\(key)"
            switch value {
            case .object: try validate(value, path: here)
            case .array(let items):
                if key == "$or" {
                    for item in items { try validate(item, path: here) }
                    continue
                }
                guard !items.isEmpty else { throw ParseError(message: "\(here): an empty array matches nothing") }
                for item in items {
                    if case .object(let matcher) = item {
                        guard matcher.count == 1, let name = matcher.keys.first, matcherKeys.contains(name) else {
                            throw ParseError(message: "\(here): unknown matcher \(matcher.keys.sorted())")
                        }
                    }
                }
            default:
                throw ParseError(message: "\(here): leaf values must be arrays, e.g. [\"Root\"]")
            }
        }
    }

    /// Whether `event` (an EventBridge envelope) matches.
    public func matches(_ event: JSONValue) -> Bool { Self.match(root, event) }

    public func matches(_ text: String) -> Bool { EventJSON.parse(text).map(matches) ?? false }

    static func match(_ pattern: JSONValue, _ event: JSONValue?) -> Bool {
        guard case .object(let fields) = pattern else { return false }
        for (key, rule) in fields {
            if key == "$or" {
                guard case .array(let alternatives) = rule, alternatives.contains(where: { match($0, event) }) else {
                    return false
                }
                continue
            }
            let value = event?[key]
            switch rule {
            case .object:
                guard let value, case .object = value else { return false }
                if !match(rule, value) { return false }
            case .array(let matchers):
                if !matchField(matchers, value) { return false }
            default:
                return false
            }
        }
        return true
    }

    static func matchField(_ matchers: [JSONValue], _ value: JSONValue?) -> Bool {
        guard let value else {
            return matchers.contains { $0 == .object(["exists": .bool(false)]) }
        }
        let candidates: [JSONValue] = if case .array(let items) = value { items } else { [value] }
        return matchers.contains { matcher in
            if case .object(let object) = matcher, object["exists"] == .bool(true) { return true }
            if case .object(let object) = matcher, object["exists"] == .bool(false) { return false }
            return candidates.contains { matchOne(matcher, $0) }
        }
    }

    static func matchOne(_ matcher: JSONValue, _ value: JSONValue) -> Bool {
        switch matcher {
        case .string, .bool, .null: return matcher == value
        case .number(let expected):
            if case .number(let actual) = value { return actual == expected }
            return false
        case .object(let object):
            guard let (name, argument) = object.first else { return false }
            switch name {
            case "prefix": return stringTest(argument, value) { $1.hasPrefix($0) }
            case "suffix": return stringTest(argument, value) { $1.hasSuffix($0) }
            case "equals-ignore-case":
                guard case .string(let text) = value, case .string(let expected) = argument else { return false }
                return text.caseInsensitiveCompare(expected) == .orderedSame
            case "wildcard":
                guard case .string(let text) = value, case .string(let pattern) = argument else { return false }
                return Glob.matches(pattern, text)
            case "anything-but": return anythingBut(argument, value)
            case "numeric": return numeric(argument, value)
            case "cidr":
                guard case .string(let address) = value, case .string(let block) = argument else { return false }
                return CIDR.contains(block: block, address: address)
            default: return false
            }
        default:
            return false
        }
    }

    /// `{"prefix": "x"}` or `{"prefix": {"equals-ignore-case": "x"}}`.
    static func stringTest(_ argument: JSONValue, _ value: JSONValue, _ test: (String, String) -> Bool) -> Bool {
        guard case .string(let text) = value else { return false }
        switch argument {
        case .string(let expected): return test(expected, text)
        case .object(let options):
            guard case .string(let expected)? = options["equals-ignore-case"] else { return false }
            return test(expected.lowercased(), text.lowercased())
        default: return false
        }
    }

    static func anythingBut(_ argument: JSONValue, _ value: JSONValue) -> Bool {
        switch argument {
        case .array(let excluded): return !excluded.contains { matchOne($0, value) }
        case .object(let options):
            if case .array(let list)? = options["equals-ignore-case"] {
                return !list.contains { matchOne(.object(["equals-ignore-case": $0]), value) }
            }
            return !matchOne(argument, value)
        default: return !matchOne(argument, value)
        }
    }

    static func numeric(_ argument: JSONValue, _ value: JSONValue) -> Bool {
        guard case .number(let number) = value, case .array(let terms) = argument, terms.count % 2 == 0 else {
            return false
        }
        var index = 0
        while index < terms.count {
            guard case .string(let op) = terms[index], case .number(let bound) = terms[index + 1] else { return false }
            let ok: Bool =
                switch op {
                case "=": number == bound
                case "<": number < bound
                case "<=": number <= bound
                case ">": number > bound
                case ">=": number >= bound
                default: false
                }
            if !ok { return false }
            index += 2
        }
        return true
    }
}

/// IPv4 and IPv6 CIDR membership (shared with the policy evaluator).
typealias CIDR = IPNetwork
