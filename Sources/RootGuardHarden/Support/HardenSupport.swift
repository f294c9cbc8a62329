import Foundation
import RootGuardAWS
import RootGuardModel

/// The tag on everything rootguard creates; with the `rootguard-` name prefix it is how rootguard knows what it may
/// change.
public enum ManagedTag {
    public static let key = "managed-by"
    public static let value = "rootguard"
    public static var iam: [IAM.Tag] { [.init(key: key, value: value)] }
    public static var map: [String: String] { [key: value] }
    /// CloudFormation's `Tags` list.
    public static var cloudFormation: JSONValue { [["Key": .string(key), "Value": .string(value)]] }
    /// Terraform's `tags = { … }` block, indented for a resource body.
    public static var terraform: String { "tags = {\n    \(HCL.string(key)) = \(HCL.string(value))\n  }" }
}

/// Policy documents and templates as JSON text.
public enum PolicyJSON {
    /// Compact, keys sorted, slashes unescaped: how rootguard sends a policy document to AWS.
    public static func text(_ value: some Encodable) -> String {
        (try? JSONText.string(value, .compact)) ?? ""
    }

    public static func text(_ value: JSONValue) -> String {
        (try? JSONText.string(value, .compact)) ?? ""
    }

    /// A policy or pattern text as a JSON value, for a template (the text itself if it does not parse).
    public static func object(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// A service's trust policy for a role rootguard creates, limited to this account (`aws:SourceAccount`).
    public static func serviceTrust(service: String, account: AccountID) -> String {
        let document: JSONValue = [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Effect": "Allow", "Principal": ["Service": .string(service)], "Action": "sts:AssumeRole",
                    "Condition": ["StringEquals": ["aws:SourceAccount": .string(account.rawValue)]],
                ]
            ],
        ]
        return text(document)
    }
}

/// CloudFormation helpers shared by every hardener's template.
public enum CloudFormation {
    /// `eu-west-1` → `EuWest1`: a logical id suffix and a condition name per region.
    public static func logicalSuffix(_ region: String) -> String {
        region.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The template as pretty JSON text, ending in a line break. Every resource is retained (`DeletionPolicy` and
    /// `UpdateReplacePolicy` `Retain`): a stack update or deletion never deletes monitoring or guardrails, even when
    /// a later template no longer names a resource.
    public static func render(_ template: JSONValue) throws -> String {
        var template = template
        if case .object(var fields) = template, case .object(var resources)? = fields["Resources"] {
            for (name, resource) in resources {
                guard case .object(var body) = resource else { continue }
                body["DeletionPolicy"] = "Retain"
                body["UpdateReplacePolicy"] = "Retain"
                resources[name] = .object(body)
            }
            fields["Resources"] = .object(resources)
            template = .object(fields)
        }
        return try JSONText.string(template, .pretty) + "\n"
    }
}

/// Infrastructure code and what the user must know to deploy it (printed on stderr): resources that already exist
/// and must be imported rather than created.
public struct HardenCode: Sendable {
    public var text: String
    public var notes: [String]

    public init(_ text: String, notes: [String] = []) {
        self.text = text
        self.notes = notes
    }
}

/// Terraform's HCL.
public enum HCL {
    /// A quoted HCL string, escaped as HashiCorp's hclwrite escapes one: `\\`, `"`, `\n`, `\r`, `\t`, other control
    /// characters as `\uXXXX`, and only the template sequences `${` and `%{` (as `$${` and `%%{`); a lone `$` or `%`
    /// stays as it is (`a%20b` is still `a%20b` to Terraform).
    public static func string(_ text: String) -> String {
        var out = "\""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "$" where next == "{": out += "$$"
            case "%" where next == "{": out += "%%"
            default:
                // A first scalar that would join the opening quote into one character (a combining mark, a joiner)
                // and a last one that would join the closing quote (a prepended mark) are escaped: the quotes stay
                // characters of their own for every editor and reader.
                let joinsOpening = index == 0 && ("\"" + String(scalar)).count == 1
                let joinsClosing = next == nil && (String(scalar) + "\"").count == 1
                if scalar.value < 0x20 || scalar.value == 0x7F || joinsOpening || joinsClosing {
                    out += String(format: scalar.value > 0xFFFF ? "\\U%08X" : "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension HCL {
    /// The layout `terraform fmt` gives: in each run of consecutive one-line attributes at one indentation, the `=`
    /// signs aligned one space after the longest name (hclwrite's rule). A run ends at a blank line, a comment, a block
    /// or object that opens on the line (`tags = {`, itself written `name = {`), a closing brace, and a heredoc's body;
    /// a heredoc's first line (`policy = <<-JSON`) belongs to the run before it, its body is left as it is.
    public static func format(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        var run: [(index: Int, indent: String, name: String, value: String)] = []
        func flush() {
            let width = run.map(\.name.count).max() ?? 0
            for item in run {
                lines[item.index] =
                    item.indent + item.name + String(repeating: " ", count: width - item.name.count) + " = "
                    + item.value
            }
            run = []
        }
        var heredoc: String?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let marker = heredoc {
                if trimmed == marker { heredoc = nil }
                continue
            }
            let indent = String(line.prefix { $0 == " " })
            guard let attribute = Self.attribute(trimmed) else {
                flush()
                continue
            }
            if let last = run.last, last.indent != indent { flush() }
            if let open = attribute.value.last, "{[(".contains(open) {
                flush()
                lines[index] = indent + attribute.name + " = " + attribute.value
                continue
            }
            run.append((index, indent, attribute.name, attribute.value))
            if let range = attribute.value.range(of: #"^<<-?([A-Za-z_]+)$"#, options: .regularExpression) {
                heredoc = String(attribute.value[range].drop { $0 == "<" || $0 == "-" })
                flush()
            }
        }
        flush()
        return lines.joined(separator: "\n")
    }

    /// `name = value` on one line (a name is an identifier or a quoted string); nil for anything else.
    static func attribute(_ line: String) -> (name: String, value: String)? {
        guard !line.hasPrefix("#"), !line.hasPrefix("//"),
            let match = line.range(of: #"^("[^"]*"|[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"#, options: .regularExpression),
            !line[match.upperBound...].hasPrefix("=")
        else { return nil }
        // The name is what precedes `\s*=`: the same whitespace class the pattern matched (a vertical tab next to
        // the `=` once stayed in the name, and the layout changed again on its own output).
        let name = String(line[match]).replacingOccurrences(of: #"\s*=\s*$"#, with: "", options: .regularExpression)
        return (name, String(line[match.upperBound...]))
    }
}

/// Waits out IAM's eventual consistency: a just-created role or bucket policy is not usable at once.
public enum Propagation {
    static let codes: Set<String> = [
        "InvalidCloudWatchLogsRoleArnException", "InvalidCloudWatchLogsLogGroupArnException",
        "InsufficientS3BucketPolicyException", "InsufficientDeliveryPolicyException", "InvalidRoleException",
        "InsufficientEncryptionPolicyException",
    ]

    /// Retries while AWS has not yet propagated a just-created role or bucket policy (about 30 s at most).
    public static func retrying(_ body: () async throws -> Void) async throws {
        var delay = 1.0
        for attempt in 1... {
            do {
                return try await body()
            } catch let error as AWSError where codes.contains(error.code) && attempt < 6 {
                try await Task.sleep(for: .seconds(delay))
                delay *= 2
            }
        }
    }
}
