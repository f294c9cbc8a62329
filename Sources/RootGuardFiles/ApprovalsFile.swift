import Foundation
import RootGuardModel
import RootGuardTrail
import Yams

/// Reads `rootguard trail --approvals FILE` (YAML): approved windows of root use.
///
/// ```yaml
/// approvals:
///   - account: "111122223333"
///     from: 2026-11-02T09:00:00Z
///     until: 2026-11-02T11:00:00Z
///     who: alice@example.com
///     ticket: CHG-4711
///     actions: [ConsoleLogin, "iam:DeleteAccessKey"]      # optional
///     taskPolicies: [IAMDeleteRootUserCredentials]       # optional, for AssumeRoot
///     sourceIPs: [203.0.113.0/24]                         # optional
///     requireMFA: true                                    # optional
/// ```
public enum ApprovalsFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    struct Entry: Decodable {
        var account: String
        var from: String
        var until: String
        var who: String?
        var ticket: String?
        var actions: [String]?
        var taskPolicies: [String]?
        var sourceIPs: [String]?
        var requireMFA: Bool?
    }

    struct File: Decodable {
        var approvals: [Entry]
    }

    public static func load(_ path: String) throws -> [Approval] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the approvals file")
        }
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }

    public static func parse(_ text: String, name: String) throws -> [Approval] {
        let file: File
        do {
            try YAMLKeys.approvals.check(text, name: name)
        } catch let violation as YAMLKeys.Violation {
            throw LoadError(description: violation.description)
        }
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch let error as DecodingError {
            throw LoadError(description: "\(name): \(SnapshotFile.describe(error))")
        } catch {
            let detail = String(describing: error).split(separator: "\n").first.map(String.init) ?? ""
            throw LoadError(description: "\(name): invalid YAML: \(detail)")
        }
        // Where each entry (and each of its sourceIPs) stands in the file, for errors a user can go to.
        let entries = (try? Yams.compose(yaml: text))?["approvals"]?.sequence.map { Array($0) } ?? []
        func line(_ node: Node?) -> String { node?.mark.map { ":\($0.line)" } ?? "" }
        return try file.approvals.enumerated().map { index, entry in
            let node = index < entries.count ? entries[index] : nil
            let place = "\(name)\(line(node)): approvals[\(index)]"
            guard let from = TimeArgument.parseTimestamp(entry.from) else {
                throw LoadError(description: "\(place): 'from' is not an ISO 8601 time: \(entry.from)")
            }
            guard let until = TimeArgument.parseTimestamp(entry.until) else {
                throw LoadError(description: "\(place): 'until' is not an ISO 8601 time: \(entry.until)")
            }
            guard from <= until else { throw LoadError(description: "\(place): 'from' is after 'until'") }
            guard entry.account == "*" || (entry.account.count == 12 && entry.account.allSatisfy(\.isNumber)) else {
                throw LoadError(description: "\(place): 'account' must be a 12-digit account ID or \"*\"")
            }
            for (position, block) in (entry.sourceIPs ?? []).enumerated() where !Self.isAddressOrBlock(block) {
                let blocks = node?["sourceIPs"]?.sequence.map { Array($0) } ?? []
                let at = position < blocks.count ? line(blocks[position]) : line(node)
                throw LoadError(
                    description:
                        "\(name)\(at): approvals[\(index)]: sourceIPs: '\(TerminalSafe.escape(block))' is not an IP address or CIDR block"
                )
            }
            for action in entry.actions ?? [] where action.isEmpty {
                throw LoadError(description: "\(place): actions: an empty action would match nothing")
            }
            if let actions = entry.actions, actions.isEmpty {
                throw LoadError(description: "\(place): actions: an empty list; leave the key out to allow any action")
            }
            return Approval(
                account: entry.account, from: from, until: until, who: entry.who, ticket: entry.ticket,
                actions: entry.actions, taskPolicies: entry.taskPolicies, sourceIPs: entry.sourceIPs,
                requireMFA: entry.requireMFA)
        }
    }

    /// `203.0.113.7`, `2001:db8::1`, `203.0.113.0/24`, `2001:db8::/32`: the prefix within the address's size.
    static func isAddressOrBlock(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = IPNetwork.bytes(String(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        guard let bits = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return false }
        return (0...(bytes.count * 8)).contains(bits)
    }
}
