import Foundation

/// The AWS shared config and credentials files, parsed as every SDK does (the cross-SDK profile parser tests).
///
/// - Config file: `[default]`, `[profile name]`, `[sso-session name]`, `[services name]`; a bare `[name]` is ignored.
/// - Credentials file: bare `[name]` only; `[profile name]` is ignored.
/// - Properties merge; the credentials file wins; `[profile default]` wins over `[default]`.
public struct AWSConfigFiles: Sendable, Hashable {
    public var profiles: [String: [String: String]] = [:]
    public var ssoSessions: [String: [String: String]] = [:]
    public var services: [String: [String: String]] = [:]

    public init() {}

    /// A parse error: the file, the line number and what was wrong.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public enum Kind: Sendable { case config, credentials }

    /// Parses both files' text (either may be nil) and merges them.
    public static func parse(
        config: String?, credentials: String?, configName: String = "config", credentialsName: String = "credentials"
    ) throws -> AWSConfigFiles {
        var result = AWSConfigFiles()
        if let config { try result.merge(parseRaw(config, name: configName), kind: .config) }
        if let credentials { try result.merge(parseRaw(credentials, name: credentialsName), kind: .credentials) }
        return result
    }

    /// Sub-properties of a property value (`s3 =\n  addressing_style = path`).
    public static func subProperties(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in value.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            out[parts[0].trimmingCharacters(in: .whitespaces).lowercased()] = parts[1].trimmingCharacters(
                in: .whitespaces)
        }
        return out
    }

    // MARK: Raw parse

    struct RawSection {
        var header: String
        var properties: [(String, String)]
    }

    static func isWhitespace(_ c: Character) -> Bool { c == " " || c == "\t" }

    static func parseRaw(_ text: String, name: String) throws -> [RawSection] {
        var sections: [RawSection] = []
        var currentProperty: String?
        var subPropertyMode = false
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = String(rawLine)
            let number = index + 1
            func fail(_ message: String) -> ParseError { ParseError(file: name, line: number, message: message) }
            if line.allSatisfy(isWhitespace) { continue }
            if line.first == "#" || line.first == ";" { continue }
            if line.first == "[" {
                var body = stripComment(line, requireWhitespace: false).trimmingCharacters(in: .whitespaces)
                guard body.hasSuffix("]") else { throw fail("Profile definition must end with ']'") }
                body.removeFirst()
                body.removeLast()
                sections.append(RawSection(header: body.trimmingCharacters(in: .whitespaces), properties: []))
                currentProperty = nil
                subPropertyMode = false
                continue
            }
            if let first = line.first, isWhitespace(first) {
                guard !sections.isEmpty else { throw fail("Expected a profile definition") }
                guard let property = currentProperty else {
                    throw fail("Expected a property definition, found continuation")
                }
                let content = line.trimmingCharacters(in: .whitespaces)
                if subPropertyMode {
                    guard let equals = content.firstIndex(of: "=") else {
                        throw fail("Expected an '=' sign defining a sub-property")
                    }
                    guard !content[..<equals].trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw fail("Sub-property did not have a name")
                    }
                }
                let last = sections.count - 1
                if let at = sections[last].properties.lastIndex(where: { $0.0 == property }) {
                    sections[last].properties[at].1 += "\n" + content
                }
                continue
            }
            guard !sections.isEmpty else { throw fail("Expected a profile definition") }
            let content = stripComment(line, requireWhitespace: true)
            guard let equals = content.firstIndex(of: "=") else {
                throw fail("Expected an '=' sign defining a property")
            }
            let key = content[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw fail("Property did not have a name") }
            sections[sections.count - 1].properties.append((key, value))
            currentProperty = key
            subPropertyMode = value.isEmpty
        }
        return sections
    }

    /// Removes a `#` / `;` comment; in property lines only when preceded by whitespace.
    static func stripComment(_ line: String, requireWhitespace: Bool) -> String {
        var previous: Character?
        for index in line.indices {
            let c = line[index]
            if c == "#" || c == ";" {
                if !requireWhitespace || previous.map(isWhitespace) == true { return String(line[..<index]) }
            }
            previous = c
        }
        return line
    }

    // MARK: Normalise

    static func isValidIdentifier(_ name: String) -> Bool {
        !name.isEmpty
            && name.allSatisfy { c in
                c.isASCII && (c.isLetter || c.isNumber || "-/.%@_:+".contains(c))
            }
    }

    mutating func merge(_ sections: [RawSection], kind: Kind) {
        // In the config file `[profile default]` shadows `[default]` entirely.
        let hasProfileDefault =
            kind == .config
            && sections.contains { section in
                let (type, name) = Self.split(section.header)
                return type == "profile" && name == "default"
            }
        for section in sections {
            let (type, name) = Self.split(section.header)
            let target: WritableKeyPath<AWSConfigFiles, [String: [String: String]]>
            let sectionName: String
            switch (kind, type) {
            case (.config, "profile"?):
                target = \.profiles
                sectionName = name
            case (.config, nil) where section.header == "default":
                if hasProfileDefault { continue }
                target = \.profiles
                sectionName = "default"
            case (.config, "sso-session"?):
                target = \.ssoSessions
                sectionName = name
            case (.config, "services"?):
                target = \.services
                sectionName = name
            case (.credentials, nil):
                target = \.profiles
                sectionName = section.header
            default:
                continue
            }
            guard Self.isValidIdentifier(sectionName) else { continue }
            var properties = self[keyPath: target][sectionName] ?? [:]
            for (key, value) in section.properties where Self.isValidIdentifier(key) {
                properties[key.lowercased()] = value
            }
            self[keyPath: target][sectionName] = properties
        }
    }

    /// `profile foo` → ("profile", "foo"); `foo` → (nil, "foo"). The type needs whitespace after it.
    static func split(_ header: String) -> (String?, String) {
        for type in ["profile", "sso-session", "services"] where header.hasPrefix(type) {
            let rest = header.dropFirst(type.count)
            guard let first = rest.first, isWhitespace(first) else { continue }
            return (type, rest.trimmingCharacters(in: .whitespaces))
        }
        return (nil, header)
    }
}
