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
///     callers: ["arn:aws:iam::999988887777:role/Admin"]   # optional, who may call AssumeRoot
///     reason: bucket policy locked everyone out           # optional
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
        var callers: [String]?
        var reason: String?
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
            if let callers = entry.callers, callers.isEmpty || callers.contains(where: \.isEmpty) {
                throw LoadError(
                    description: "\(place): callers: an empty list or caller would match nobody; leave the key out")
            }
            return Approval(
                account: entry.account, from: from, until: until, who: entry.who, ticket: entry.ticket,
                actions: entry.actions, taskPolicies: entry.taskPolicies, sourceIPs: entry.sourceIPs,
                requireMFA: entry.requireMFA, callers: entry.callers, reason: entry.reason)
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

extension ApprovalsFile {
    /// Appends one approval to the file (created when missing), under an exclusive lock, so concurrent runs do not
    /// lose each other's entries. The file must be a valid approvals file; the result is read back and must hold the
    /// entries it held plus this one, or nothing is written. Comments and layout are kept: the entry is added at the
    /// end, indented as the file's entries are.
    public static func append(_ approval: Approval, to path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw LoadError(description: "\(path): cannot open the approvals file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw LoadError(description: "\(path): cannot lock the approvals file: \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let existing = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try parse(text, name: path)
        var indent = 2
        if !existing.isEmpty,
            let first = (try? Yams.compose(yaml: text))?["approvals"]?.sequence?.first?.mark
        {
            indent = max(first.column - 3, 0)
        }
        let entry = entryText(approval, indent: indent)
        let appendOnly = !existing.isEmpty && (text.isEmpty || text.hasSuffix("\n"))
        let updated: String
        if appendOnly {
            updated = text + entry
        } else {
            // A new file, or one whose list is empty (`approvals: []`): its leading comments, then the list.
            let comments = text.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("#") }
            let header =
                comments.isEmpty
                ? "# Approved windows of root use, read by `rootguard trail` and `watch` (--approvals).\n"
                    + "# `rootguard root-task` adds one entry before each privileged session it starts.\n"
                : comments.joined(separator: "\n") + "\n"
            updated = header + "approvals:\n" + entry
        }
        let reread: [Approval]
        do {
            reread = try parse(updated, name: path)
        } catch {
            throw LoadError(description: "\(path): the approval could not be added: \(error)")
        }
        guard reread.count == existing.count + 1, reread.last?.account == approval.account,
            reread.last?.taskPolicies == approval.taskPolicies, reread.last?.callers == approval.callers,
            reread.last?.reason == approval.reason
        else {
            throw LoadError(
                description: "\(path): the approval could not be added as the file is laid out; start a new file")
        }
        let bytes = Array((appendOnly ? entry : updated).utf8)
        if !appendOnly {
            guard ftruncate(descriptor, 0) == 0 else {
                throw LoadError(description: "\(path): cannot rewrite the approvals file")
            }
        }
        lseek(descriptor, 0, appendOnly ? SEEK_END : SEEK_SET)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw LoadError(
                    description: "\(path): cannot write the approvals file: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        fsync(descriptor)
    }

    /// One entry, every text double-quoted (YAML's escapes), indented by `indent`.
    static func entryText(_ approval: Approval, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                        || scalar.value == 0xFEFF || (0x2028...0x2029).contains(scalar.value)
                    {
                        out += String(format: "\\u%04X", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }
        var lines = ["\(pad)- account: \(quoted(approval.account))"]
        func add(_ key: String, _ value: String?) {
            if let value { lines.append("\(pad)  \(key): \(value)") }
        }
        add("from", quoted(TimeArgument.format(approval.from)))
        add("until", quoted(TimeArgument.format(approval.until)))
        add("who", approval.who.map(quoted))
        add("ticket", approval.ticket.map(quoted))
        add("reason", approval.reason.map(quoted))
        add("callers", approval.callers.map(list))
        add("taskPolicies", approval.taskPolicies.map(list))
        add("actions", approval.actions.map(list))
        add("sourceIPs", approval.sourceIPs.map(list))
        add("requireMFA", approval.requireMFA.map { $0 ? "true" : "false" })
        return lines.joined(separator: "\n") + "\n"
    }
}
