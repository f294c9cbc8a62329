import Foundation
import RootGuardModel

/// Parses the IAM credential report CSV by column name (not position), tolerating new columns and quoting.
public enum CredentialReportParser {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ csv: String, generatedAt: Date?) throws -> CredentialReport {
        let rows = records(csv)
        guard let header = rows.first, header.contains("user"), header.contains("arn") else {
            throw ParseError(description: "credential report has no header with user and arn columns")
        }
        let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var root: RootCredentialRow?
        var users = 0
        for fields in rows.dropFirst() where !(fields.count == 1 && fields[0].isEmpty) {
            func cell(_ name: String) -> String? {
                index[name].flatMap { $0 < fields.count ? fields[$0] : nil }
            }
            guard cell("user") == "<root_account>" else {
                users += 1
                continue
            }
            root = RootCredentialRow(
                arn: cell("arn") ?? "",
                userCreationTime: timestamp(cell("user_creation_time")),
                passwordEnabled: bool(cell("password_enabled")),
                passwordEnabledRaw: cell("password_enabled") ?? "",
                passwordLastUsed: timestamp(cell("password_last_used")),
                mfaActive: bool(cell("mfa_active")),
                accessKeys: (1...2).map { slot in
                    RootCredentialRow.AccessKey(
                        slot: slot, active: bool(cell("access_key_\(slot)_active")),
                        lastRotated: timestamp(cell("access_key_\(slot)_last_rotated")),
                        lastUsed: timestamp(cell("access_key_\(slot)_last_used_date")),
                        lastUsedRegion: text(cell("access_key_\(slot)_last_used_region")),
                        lastUsedService: text(cell("access_key_\(slot)_last_used_service")))
                },
                certificates: (1...2).map { slot in
                    RootCredentialRow.Certificate(
                        slot: slot, active: bool(cell("cert_\(slot)_active")),
                        lastRotated: timestamp(cell("cert_\(slot)_last_rotated")))
                })
        }
        return CredentialReport(generatedAt: generatedAt, root: root, userCount: users)
    }

    /// `TRUE`/`true`/`false`; anything else (`not_supported`, `N/A`) is unknown.
    static func bool(_ value: String?) -> Bool? {
        switch value?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    static func text(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value != "N/A", value != "not_supported", value != "no_information" else {
            return nil
        }
        return value
    }

    static func timestamp(_ value: String?) -> ReportTimestamp {
        guard let value, !value.isEmpty else { return .notApplicable }
        switch value {
        case "N/A": return .notApplicable
        case "no_information": return .noInformation
        case "not_supported": return .notSupported
        default:
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: value) { return .date(date) }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: value) { return .date(date) }
            return .other(value)
        }
    }

    /// RFC 4180 records: quoted fields may hold commas, quotes (`""`) and newlines.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": fields.append(field); field = ""
            case "\n", "\r\n":
                fields.append(field)
                records.append(fields)
                fields = []
                field = ""
            case "\r": break
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(fields)
        }
        return records
    }
}
