import Foundation
import RootGuardModel

/// An approved window of root use (break-glass), from `--approvals FILE`.
public struct Approval: Sendable, Codable, Equatable {
    /// The account whose root is used (for AssumeRoot, the target member account).
    public var account: String
    public var from: Date
    public var until: Date
    public var who: String?
    public var ticket: String?
    /// Allowed actions: `iam:DeleteAccessKey`, `s3:*`, `ConsoleLogin`… (any when absent).
    public var actions: [String]?
    /// Allowed AssumeRoot task policies, by name or ARN (any when absent).
    public var taskPolicies: [String]?
    /// Source addresses or CIDR blocks the use must come from (any when absent).
    public var sourceIPs: [String]?
    /// When true, sign-ins and sessions must have used MFA.
    public var requireMFA: Bool?
    /// Who may start the AssumeRoot session (ARN patterns, `*` wildcards): the AssumeRoot call's caller and the
    /// actions of its session must match one (any caller when absent). Sign-ins have no caller and never match.
    public var callers: [String]?
    /// Why the session was started (`rootguard root-task --reason`).
    public var reason: String?

    public init(
        account: String, from: Date, until: Date, who: String? = nil, ticket: String? = nil, actions: [String]? = nil,
        taskPolicies: [String]? = nil, sourceIPs: [String]? = nil, requireMFA: Bool? = nil, callers: [String]? = nil,
        reason: String? = nil
    ) {
        self.account = account
        self.from = from
        self.until = until
        self.who = who
        self.ticket = ticket
        self.actions = actions
        self.taskPolicies = taskPolicies
        self.sourceIPs = sourceIPs
        self.requireMFA = requireMFA
        self.callers = callers
        self.reason = reason
    }

    /// How the approval is named in reports.
    public var label: String { ticket ?? who ?? "approval \(account) \(TimeArgument.format(from))" }

    /// True when this approval covers the detection. `taskPolicy` is the AssumeRoot task policy of
    /// the call or of the session the detection belongs to.
    public func covers(_ detection: Detection, taskPolicy: String?) -> Bool {
        let subject =
            detection.detection == DetectionCatalog.assumeRootRequested.id
            ? detection.details["targetAccount"] ?? detection.accountId : detection.accountId
        guard account == "*" || account == subject else { return false }
        guard detection.eventTime >= from, detection.eventTime <= until else { return false }
        if let actions, !actions.isEmpty {
            let action =
                detection.eventSource.hasSuffix(".amazonaws.com")
                ? "\(detection.eventSource.dropLast(14)):\(detection.eventName)" : detection.eventName
            let allowed = actions.contains { pattern in
                Wildcard.matches(pattern, action, caseInsensitive: true)
                    || Wildcard.matches(pattern, detection.eventName, caseInsensitive: true)
            }
            // The AssumeRoot call is allowed by naming its task policy as well.
            let isCall = detection.detection == DetectionCatalog.assumeRootRequested.id
            if !allowed && !(isCall && taskPolicies != nil) { return false }
        }
        if let taskPolicies, !taskPolicies.isEmpty {
            guard let taskPolicy,
                taskPolicies.contains(where: { $0 == taskPolicy || taskPolicy.hasSuffix("/" + $0) })
            else { return false }
        }
        if let sourceIPs, !sourceIPs.isEmpty {
            guard let address = detection.sourceIPAddress,
                sourceIPs.contains(where: { $0 == address || IPNetwork.contains(block: $0, address: address) })
            else { return false }
        }
        if requireMFA == true, detection.mfaUsed != true { return false }
        if let callers, !callers.isEmpty {
            guard let caller = detection.details["caller"],
                callers.contains(where: { Wildcard.matches($0, caller, caseInsensitive: false) })
            else { return false }
        }
        return true
    }
}

/// Approvals indexed by account and window, so triage costs grow with the detections, not with detections ×
/// approvals (2,000 approvals × 300,000 detections did not finish in 300 s when every pair was tried).
///
/// The answer is the one the approvals file's order gives: the first approval (in file order) that covers the
/// detection. Only approvals of the detection's account (or `*`) whose window contains its time are tried.
public struct ApprovalIndex: Sendable {
    /// Per account (`*` included): approvals sorted by start, with the latest end among each prefix.
    struct Windows: Sendable {
        var entries: [(from: Date, until: Date, index: Int)] = []
        var latestEnd: [Date] = []
    }

    let approvals: [Approval]
    let byAccount: [String: Windows]

    public init(_ approvals: [Approval]) {
        self.approvals = approvals
        var groups: [String: Windows] = [:]
        for (index, approval) in approvals.enumerated() {
            groups[approval.account, default: Windows()].entries.append((approval.from, approval.until, index))
        }
        for key in groups.keys {
            groups[key]!.entries.sort { ($0.from, $0.index) < ($1.from, $1.index) }
            var latest = Date.distantPast
            groups[key]!.latestEnd = groups[key]!.entries.map {
                latest = max(latest, $0.until)
                return latest
            }
        }
        byAccount = groups
    }

    public var isEmpty: Bool { approvals.isEmpty }

    /// The first approval, in file order, that covers the detection.
    public func approval(for detection: Detection, taskPolicy: String?) -> Approval? {
        let subject =
            detection.detection == DetectionCatalog.assumeRootRequested.id
            ? detection.details["targetAccount"] ?? detection.accountId : detection.accountId
        let time = detection.eventTime
        var best: Int?
        for key in subject == "*" ? ["*"] : [subject, "*"] {
            guard let windows = byAccount[key] else { continue }
            // The last window starting at or before the time; earlier ones are candidates while some window among
            // them still ends at or after it.
            var low = 0
            var high = windows.entries.count
            while low < high {
                let middle = (low + high) / 2
                if windows.entries[middle].from <= time { low = middle + 1 } else { high = middle }
            }
            var position = low - 1
            while position >= 0, windows.latestEnd[position] >= time {
                let entry = windows.entries[position]
                position -= 1
                guard entry.until >= time, best.map({ entry.index < $0 }) ?? true else { continue }
                if approvals[entry.index].covers(detection, taskPolicy: taskPolicy) { best = entry.index }
            }
        }
        return best.map { approvals[$0] }
    }
}
