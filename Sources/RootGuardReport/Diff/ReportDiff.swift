import Foundation
import RootGuardModel

/// What changed between two audit reports (one account or `--org`): findings are matched on account, check,
/// resource and region.
public struct ReportDiff: Codable, Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var accountId: AccountID
        public var checkId: CheckID
        public var resource: String
        public var region: String?
        public var severity: Severity
        /// nil: the finding was not in that report.
        public var oldStatus: Status?
        public var newStatus: Status?
        public var message: String
    }

    public struct AccountSummary: Codable, Sendable, Hashable {
        public var accountId: AccountID
        public var newFailures: Int
        public var fixed: Int
        public var stillFailing: Int
        public var coverageLost: Int
    }

    public var oldGeneratedAt: Date
    public var newGeneratedAt: Date
    /// FAIL in the new report, not FAIL (or absent) in the old one: regressions.
    public var newFailures: [Entry]
    /// FAIL in the old report, PASS or NOT_APPLICABLE in the new one: fixed, and nothing else is.
    public var fixed: [Entry]
    /// PASS or FAIL in the old report, NOT_EVALUATED or MANUAL in the new one: rootguard can no longer tell (lost
    /// permissions, a skipped region, a missing attestation). A regression unless accepted.
    public var coverageLost: [Entry]
    /// `--allow-coverage-loss`: coverage lost is reported but is no regression.
    public var coverageLossAccepted: Bool
    /// FAIL in both.
    public var stillFailing: [Entry]
    /// FAIL in the old report and absent from the new one (an account left, a check was not run).
    public var noLongerReported: [Entry]
    public var accounts: [AccountSummary]

    /// A FAIL that the old report did not have, or (unless accepted) a finding rootguard can no longer judge.
    public var hasRegression: Bool { !newFailures.isEmpty || (!coverageLossAccepted && !coverageLost.isEmpty) }

    public init(old: ReportV1, new: ReportV1, allowCoverageLoss: Bool = false) {
        func key(_ f: Finding) -> [String] { FormatSupport.identity(f) }
        let before = Dictionary(old.findings.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.findings.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        func entry(_ f: Finding, old: Finding?, new: Finding?) -> Entry {
            Entry(
                accountId: f.accountId, checkId: f.checkId, resource: f.resource, region: f.region,
                severity: f.severity, oldStatus: old?.status, newStatus: new?.status, message: f.message)
        }
        let checksRun = Set(new.findings.map(\.checkId))
        var newFailures: [Entry] = []
        var stillFailing: [Entry] = []
        var fixed: [Entry] = []
        var lost: [Entry] = []
        var gone: [Entry] = []
        for (k, f) in after where f.status == .fail {
            if before[k]?.status == .fail {
                stillFailing.append(entry(f, old: before[k], new: f))
            } else {
                newFailures.append(entry(f, old: before[k], new: f))
            }
        }
        for (k, f) in before where f.status == .fail || f.status == .pass {
            if let now = after[k] {
                switch (f.status, now.status) {
                case (.fail, .pass), (.fail, .notApplicable): fixed.append(entry(now, old: f, new: now))
                case (_, .notEvaluated), (_, .manual): lost.append(entry(now, old: f, new: now))
                default: break
                }
            } else if !checksRun.contains(f.checkId) {
                // The check was not run at all now (another check set): rootguard can no longer tell.
                lost.append(entry(f, old: f, new: nil))
            } else if f.status == .fail {
                gone.append(entry(f, old: f, new: nil))
            }
        }
        func sorted(_ list: [Entry]) -> [Entry] {
            list.sorted {
                ($0.accountId.rawValue, $0.checkId.rawValue, $0.resource, $0.region ?? "")
                    < ($1.accountId.rawValue, $1.checkId.rawValue, $1.resource, $1.region ?? "")
            }
        }
        self.oldGeneratedAt = old.generatedAt
        self.newGeneratedAt = new.generatedAt
        self.newFailures = sorted(newFailures)
        self.fixed = sorted(fixed)
        self.coverageLost = sorted(lost)
        self.coverageLossAccepted = allowCoverageLoss
        self.stillFailing = sorted(stillFailing)
        self.noLongerReported = sorted(gone)
        let accounts = Set(old.findings.map(\.accountId)).union(new.findings.map(\.accountId)).sorted()
        self.accounts = accounts.map { account in
            AccountSummary(
                accountId: account, newFailures: newFailures.filter { $0.accountId == account }.count,
                fixed: fixed.filter { $0.accountId == account }.count,
                stillFailing: stillFailing.filter { $0.accountId == account }.count,
                coverageLost: lost.filter { $0.accountId == account }.count)
        }
    }
}

extension ReportDiff {
    /// Why two reports cannot be compared: they share no account (a diff of two different accounts would call every
    /// finding new or fixed). nil when they can.
    public static func mismatch(old: ReportV1, new: ReportV1) -> String? {
        let before = Set(old.findings.map(\.accountId.rawValue))
        let after = Set(new.findings.map(\.accountId.rawValue))
        guard !before.isEmpty, !after.isEmpty, before.isDisjoint(with: after) else { return nil }
        func list(_ accounts: Set<String>) -> String {
            accounts.sorted().prefix(5).joined(separator: ", ") + (accounts.count > 5 ? ", …" : "")
        }
        return
            "the reports are of different accounts (old: \(list(before)); new: \(list(after))): comparing them would call every finding new or fixed"
    }
}

/// `rootguard diff` and `audit --baseline`: text, JSON and (in HTMLRenderer) HTML.
public enum DiffRenderer {
    public static func text(_ diff: ReportDiff) -> String {
        var out =
            "rootguard diff · \(FormatSupport.iso(diff.oldGeneratedAt)) → \(FormatSupport.iso(diff.newGeneratedAt))\n"
        func section(_ title: String, _ entries: [ReportDiff.Entry]) {
            out += "\n\(title) (\(entries.count))\n"
            for e in entries {
                let was = e.oldStatus?.rawValue ?? "absent"
                let now = e.newStatus?.rawValue ?? "absent"
                out +=
                    "  \(e.accountId)  \(e.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(TerminalSafe.escape(e.checkId.rawValue))"
                    + "\(e.region.map { " (\(TerminalSafe.escape($0)))" } ?? "")  \(was) → \(now): \(TerminalSafe.escape(e.message))\n"
            }
        }
        section("New failures", diff.newFailures)
        section("Coverage lost: judged before, not evaluated now", diff.coverageLost)
        section("Fixed", diff.fixed)
        section("Still failing", diff.stillFailing)
        if !diff.noLongerReported.isEmpty { section("Failing before, not reported now", diff.noLongerReported) }
        out += "\nBy account\n"
        for a in diff.accounts {
            out +=
                "  \(a.accountId)  \(a.newFailures) new, \(a.coverageLost) coverage lost, \(a.fixed) fixed, \(a.stillFailing) still failing\n"
        }
        out += "\n" + summary(diff) + "\n"
        return out
    }

    /// One line: regression or not, and why.
    public static func summary(_ diff: ReportDiff) -> String {
        var reasons: [String] = []
        if !diff.newFailures.isEmpty { reasons.append("\(diff.newFailures.count) new FAIL") }
        let lost = diff.coverageLost.count
        let lostText = "\(plural(lost, "finding")) lost coverage (judged before, NOT_EVALUATED or MANUAL now)"
        if lost > 0 && !diff.coverageLossAccepted { reasons.append(lostText) }
        if !reasons.isEmpty { return "Regression: " + reasons.joined(separator: ", ") + "." }
        return lost > 0 ? "No regression; \(lostText), accepted with --allow-coverage-loss." : "No regression."
    }

    public static func json(_ diff: ReportDiff) throws -> String {
        try JSONText.string(Stamped(value: diff), .pretty) + "\n"
    }
}
