import Foundation
import RootGuardModel
import Yams

/// The keys a rootguard YAML file may hold, checked before decoding: a misspelt key (`action:` for `actions:`,
/// `requireMfa`, `satisfeid`) is an error naming the file, the line and the key, never a silently ignored line
/// that widens an approval or passes an attestation.
indirect enum YAMLKeys: Sendable {
    /// A mapping with exactly these keys allowed.
    case map([String: YAMLKeys])
    case list(YAMLKeys)
    case scalar

    struct Violation: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `text` and checks it against this shape; returns nothing, throws the first violation.
    func check(_ text: String, name: String) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            let detail = String(describing: error).split(separator: "\n").first.map(String.init) ?? ""
            throw Violation(description: "\(name): invalid YAML: \(detail)")
        }
        guard let node else { throw Violation(description: "\(name): the file is empty") }
        try check(node, name: name, path: "")
    }

    private func check(_ node: Node, name: String, path: String) throws {
        let line = node.mark.map { ":\($0.line)" } ?? ""
        let place = path.isEmpty ? "the top level" : path
        switch (self, node) {
        case (.map(let keys), .mapping(let mapping)):
            for (key, value) in mapping {
                guard let text = key.string else {
                    throw Violation(description: "\(name)\(line): a key in \(place) is not text")
                }
                guard let shape = keys[text] else {
                    let keyLine = key.mark.map { ":\($0.line)" } ?? line
                    throw Violation(
                        description:
                            "\(name)\(keyLine): unknown key '\(TerminalSafe.escape(text))' in \(place) (known: \(keys.keys.sorted().joined(separator: ", ")))"
                    )
                }
                try shape.check(value, name: name, path: path.isEmpty ? text : "\(path).\(text)")
            }
        case (.list(let element), .sequence(let sequence)):
            for (index, item) in sequence.enumerated() {
                try element.check(item, name: name, path: "\(path)[\(index)]")
            }
        case (.scalar, .scalar):
            return
        case (.map, _):
            throw Violation(description: "\(name)\(line): \(place) must be a mapping of keys")
        case (.list, _):
            throw Violation(description: "\(name)\(line): \(place) must be a list")
        case (.scalar, _):
            throw Violation(description: "\(name)\(line): \(place) must be a single value")
        }
    }

    static let evidence: [String: YAMLKeys] = [
        "attestedBy": .scalar, "attestedAt": .scalar, "verification": .scalar, "expires": .scalar,
    ]

    /// `--approvals FILE`.
    static let approvals = YAMLKeys.map([
        "approvals": .list(
            .map([
                "account": .scalar, "from": .scalar, "until": .scalar, "who": .scalar, "ticket": .scalar,
                "actions": .list(.scalar), "taskPolicies": .list(.scalar), "sourceIPs": .list(.scalar),
                "requireMFA": .scalar, "callers": .list(.scalar), "reason": .scalar,
            ]))
    ])

    /// `--attestations FILE`.
    static let attestations = YAMLKeys.map([
        "attestations": .list(
            .map(["practice": .scalar, "statement": .scalar, "satisfied": .scalar].merging(evidence) { a, _ in a })),
        "custody": .map(
            [
                "passwordHolders": .list(.scalar),
                "mfaDevices": .list(.map(["name": .scalar, "type": .scalar, "holders": .list(.scalar)])),
                "emailInbox": .map(["group": .scalar, "holders": .list(.scalar)]),
                "phone": .map(["group": .scalar, "holders": .list(.scalar)]),
                "securityQuestions": .scalar,
            ].merging(evidence) { a, _ in a }),
        "runbook": .map(
            [
                "location": .scalar, "validators": .list(.scalar), "escalation": .scalar, "approvalsFile": .scalar,
            ].merging(evidence) { a, _ in a }),
    ])
}
