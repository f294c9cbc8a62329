import Foundation
import RootGuardModel

/// JUnit XML for CI dashboards: one `<testsuite>` per account, one `<testcase>` per finding with its ROOT-BP
/// practice as `classname`; FAIL → `<failure>`, NOT_EVALUATED because the data could not be read → `<error>` (unknown
/// is no pass), NOT_EVALUATED out of this command's scope, MANUAL and NOT_APPLICABLE → `<skipped>` with the reason.
public enum JUnitRenderer {
    public static func render(_ report: ReportV1, context: AuditReportContext) -> String {
        let byAccount = Dictionary(grouping: report.findings, by: \.accountId)
        let timestamp = FormatSupport.iso(report.generatedAt)
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let failures = report.findings.filter { $0.status == .fail }.count
        let errors = report.findings.filter(\.isUnreadable).count
        let skipped = report.findings.filter(isSkipped).count
        out +=
            "<testsuites name=\"rootguard audit \(xml(context.subject))\" tests=\"\(report.findings.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"0\">\n"
        for account in byAccount.keys.sorted() {
            let findings = byAccount[account]!.sorted {
                ($0.practices.first?.number ?? 99, $0.checkId.rawValue, $0.resource)
                    < ($1.practices.first?.number ?? 99, $1.checkId.rawValue, $1.resource)
            }
            out +=
                "  <testsuite name=\"\(account)\" tests=\"\(findings.count)\" failures=\"\(findings.filter { $0.status == .fail }.count)\" errors=\"\(findings.filter(\.isUnreadable).count)\" skipped=\"\(findings.filter(isSkipped).count)\" time=\"0\" timestamp=\"\(timestamp)\">\n"
            for finding in findings {
                let practice = finding.practices.first.map { "ROOT-BP \($0)" } ?? "ROOT-BP"
                let name =
                    finding.resource.hasSuffix(":root")
                    ? finding.checkId.rawValue : "\(finding.checkId) \(finding.resource)"
                let region = finding.region.map { " (\($0))" } ?? ""
                out += "    <testcase classname=\"\(xml(practice))\" name=\"\(xml(name + region))\" time=\"0\">"
                switch finding.status {
                case .pass:
                    out += "</testcase>\n"
                    continue
                case .fail:
                    out +=
                        "\n      <failure message=\"\(xml(finding.message))\" type=\"\(finding.severity.rawValue)\">\(xml("Fix: " + finding.remediation))</failure>\n"
                case .notEvaluated where finding.isOutOfScope:
                    out += "\n      <skipped message=\"\(xml("NOT_EVALUATED (out of scope): \(finding.message)"))\"/>\n"
                case .notEvaluated:
                    out += "\n      <error message=\"\(xml(finding.message))\" type=\"NOT_EVALUATED\"/>\n"
                case .manual, .notApplicable:
                    out += "\n      <skipped message=\"\(xml("\(finding.status.rawValue): \(finding.message)"))\"/>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    static func isSkipped(_ finding: Finding) -> Bool {
        finding.status == .manual || finding.status == .notApplicable || finding.isOutOfScope
    }

    /// XML 1.0 text and attribute escaping; characters XML 1.0 cannot carry at all (most C0 controls) are written
    /// as `\xNN` instead.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            case "\r": out += "&#13;"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF || (0xD800...0xDFFF).contains(value) {
                    out += "\\x" + String(format: "%02x", value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
