import Foundation
import RootGuardModel

/// The readable report: findings grouped by ROOT-BP practice, a summary and a score.
/// Colour only when asked (the CLI asks on a TTY without `NO_COLOR`); text from AWS is sanitised.
public struct TerminalReportRenderer: Sendable {
    public struct Header: Sendable {
        public var accountID: AccountID
        public var partition: String
        public var source: String
        public var collectedAt: Date

        public init(accountID: AccountID, partition: String, source: String, collectedAt: Date) {
            self.accountID = accountID
            self.partition = partition
            self.source = source
            self.collectedAt = collectedAt
        }
    }

    public var color: Bool
    public var practiceTitle: @Sendable (PracticeID) -> String
    public var verbose: Bool

    public init(color: Bool, verbose: Bool = false, practiceTitle: @escaping @Sendable (PracticeID) -> String) {
        self.color = color
        self.verbose = verbose
        self.practiceTitle = practiceTitle
    }

    public func render(_ report: ReportV1, header: Header) -> String {
        var out = ""
        let stamp = ISO8601DateFormatter().string(from: header.collectedAt)
        out +=
            bold("rootguard audit")
            + " · account \(header.accountID) (\(Self.clean(header.partition))) · \(Self.clean(header.source))"
            + " · collected \(stamp)\n"
        let byPractice = Dictionary(grouping: report.findings) { $0.practices.first }
        for practice in byPractice.keys.sorted(by: Self.practiceOrder) {
            let title = practice.map { "ROOT-BP \($0)  \(practiceTitle($0))" } ?? "ROOT-BP --  (no practice)"
            out += "\n" + bold(title) + "\n"
            for finding in byPractice[practice]!.sorted(by: Self.order) {
                let status = paint(
                    finding.status.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0), finding.status)
                let severity =
                    finding.status == .fail
                    ? finding.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) : "         "
                out += "  \(status)\(severity)\(Self.clean(finding.message))\n"
                out += dim("                         \(Self.clean(finding.checkId.rawValue))\(mapped(finding))") + "\n"
                if finding.status == .fail || verbose {
                    out += dim("                         fix: \(Self.clean(finding.remediation))") + "\n"
                }
            }
        }
        let score = Score(report.findings)
        out += "\n" + bold("Summary") + "  "
        out += Status.allCases.compactMap { status in
            score.counts[status].map { count in
                guard status == .notEvaluated else { return "\(count) \(status.rawValue)" }
                // Unknown and out of scope are different answers: say how many of each.
                let unreadable = report.findings.filter(\.isUnreadable).count
                return
                    "\(count) \(status.rawValue) (\(unreadable) could not be read, \(count - unreadable) out of scope)"
            }
        }.joined(separator: ", ")
        if !score.failuresBySeverity.isEmpty {
            let order: [Severity] = [.critical, .high, .medium, .low, .info]
            out +=
                " (failures: "
                + order.compactMap { severity in
                    score.failuresBySeverity[severity].map { "\($0) \(severity.rawValue)" }
                }.joined(separator: ", ") + ")"
        }
        out +=
            "\n" + bold("Score") + "    " + (score.value.map { "\($0)/100" } ?? "n/a")
            + " (PASS weight over PASS+FAIL; critical 10, high 5, medium 3, low 1)"
        let unknown = report.findings.filter(\.isUnreadable).count
        out += unknown == 0 ? "\n" : "; not scored: \(plural(unknown, "finding")) that could not be read\n"
        return out
    }

    func mapped(_ finding: Finding) -> String {
        let others = finding.compliance.filter { $0.key != "ROOT-BP" }.sorted { $0.key < $1.key }
        guard !others.isEmpty else { return "" }
        return Self.clean(
            "  · " + others.map { "\($0.key) \($0.value.joined(separator: ","))" }.joined(separator: " · "))
    }

    static func order(_ a: Finding, _ b: Finding) -> Bool {
        let rank: [Status: Int] = [.fail: 0, .notEvaluated: 1, .manual: 2, .pass: 3, .notApplicable: 4]
        if rank[a.status] != rank[b.status] { return rank[a.status]! < rank[b.status]! }
        if a.severity != b.severity { return a.severity > b.severity }
        return a.checkId < b.checkId
    }

    /// Text that may come from AWS, a snapshot or a file, made safe for the terminal.
    static func clean(_ text: String) -> String { TerminalSafe.escape(text) }

    /// Practices in order; findings without one last.
    static func practiceOrder(_ a: PracticeID?, _ b: PracticeID?) -> Bool {
        switch (a, b) {
        case (let a?, let b?): a < b
        case (nil, _): false
        case (_, nil): true
        }
    }

    func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func paint(_ text: String, _ status: Status) -> String {
        guard color else { return text }
        let code =
            switch status {
            case .pass: "32"
            case .fail: "31"
            case .manual: "33"
            case .notEvaluated: "35"
            case .notApplicable: "2"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
