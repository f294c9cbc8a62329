import Foundation
import RootGuardModel

/// The organization summary: one row per account, one column per practice, the worst status in each cell.
public enum OrganizationMatrixRenderer {
    /// The practices shown as columns.
    public static let practices: [PracticeID] = [
        "01", "02", "03", "05", "09", "13", "14", "15", "16", "17", "18", "19", "20",
    ]

    public static func render(_ report: ReportV1, organization: OrganizationSnapshot) -> String {
        let management = organization.management.account.accountID
        let accounts = [management] + organization.members.map(\.accountID)
        let names = Dictionary(organization.members.map { ($0.accountID, $0.name) }, uniquingKeysWith: { a, _ in a })
        let byAccount = Dictionary(grouping: report.findings, by: \.accountId)
        var out =
            "rootguard audit --org · \(TerminalSafe.escape(organization.organizationID)) · \(accounts.count) accounts\n\n"
        out += "account       name                " + practices.map { "  \($0)" }.joined() + "   FAIL\n"
        for account in accounts {
            let findings = byAccount[account] ?? []
            let name = account == management ? "(management)" : TerminalSafe.escape(names[account] ?? "")
            var row = account.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
            row += String(name.prefix(18)).padding(toLength: 20, withPad: " ", startingAt: 0)
            for practice in practices {
                row += "   \(cell(findings.filter { $0.practices.contains(practice) }.map(\.status)))"
            }
            row += String(findings.filter { $0.status == .fail }.count).leftPadded(7)
            out += row + "\n"
        }
        out += "\n. pass   F fail   M manual   ? not evaluated   - not applicable or not audited\n"
        out += "Every finding, per account: --output json\n"
        return out
    }

    /// The worst status of a cell: F before ? before M before `.`; `-` when nothing applies.
    static func cell(_ statuses: [Status]) -> String {
        if statuses.contains(.fail) { return "F" }
        if statuses.contains(.notEvaluated) { return "?" }
        if statuses.contains(.manual) { return "M" }
        return statuses.contains(.pass) ? "." : "-"
    }
}
