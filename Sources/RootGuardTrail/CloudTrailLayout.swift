import Foundation

/// Where CloudTrail delivers log files, and what a key or path says about its contents:
/// `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`.
public struct CloudTrailKey: Sendable, Equatable {
    public var organizationID: String?
    public var account: String
    public var kind: String
    public var region: String?
    /// Delivery day, UTC, as "YYYY/MM/DD" parts.
    public var day: DateComponents?

    public var isDigest: Bool { kind == "CloudTrail-Digest" }
    public var isEventLog: Bool { kind == "CloudTrail" }

    /// Parses the layout out of an S3 key or a local path; nil when it does not follow it.
    public static func parse(_ key: String) -> CloudTrailKey? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let logs = parts.lastIndex(of: "AWSLogs") else { return nil }
        var i = logs + 1
        var organization: String?
        if i < parts.count, parts[i].hasPrefix("o-") {
            organization = parts[i]
            i += 1
        }
        guard i + 1 < parts.count, isAccountID(parts[i]) else { return nil }
        var result = CloudTrailKey(
            organizationID: organization, account: parts[i], kind: parts[i + 1], region: nil, day: nil)
        if i + 2 < parts.count { result.region = parts[i + 2] }
        if i + 5 < parts.count, let y = Int(parts[i + 3]), let m = Int(parts[i + 4]), let d = Int(parts[i + 5]) {
            result.day = DateComponents(year: y, month: m, day: d)
        }
        return result
    }

    static func isAccountID(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }

    /// False only when the file cannot hold a record inside the filter. Files are named by delivery
    /// time, which is at or after the time of every record in them, so a day before `since` can be
    /// skipped; a day after `until` can still hold late-delivered records, so one day of slack is kept.
    public func mayContain(_ filter: TrailFilter) -> Bool {
        if !filter.includes(account: account) { return false }
        if !filter.regions.isEmpty, let region, !filter.regions.contains(region) { return false }
        if let day, let start = Self.utc.date(from: day) {
            if let since = filter.since, start.addingTimeInterval(86_400) <= since { return false }
            if let until = filter.until, start > until.addingTimeInterval(86_400) { return false }
        }
        return true
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension CloudTrailKey {
    /// False only when nothing under the folder (an S3 prefix ending in "/") can hold a record
    /// inside the filter: another account, a digest or insight folder, another region, or days
    /// (years, months) wholly outside the time window.
    public static func folderMayContain(_ folder: String, _ filter: TrailFilter) -> Bool {
        let parts = folder.split(separator: "/").map(String.init)
        guard let logs = parts.lastIndex(of: "AWSLogs") else { return true }
        var i = logs + 1
        if i < parts.count, parts[i].hasPrefix("o-") { i += 1 }
        guard i < parts.count else { return true }
        if isAccountID(parts[i]), !filter.includes(account: parts[i]) { return false }
        i += 1
        guard i < parts.count else { return true }
        if parts[i] != "CloudTrail" { return false }
        i += 1
        guard i < parts.count else { return true }
        if !filter.regions.isEmpty, !filter.regions.contains(parts[i]) { return false }
        let dateParts = parts[(i + 1)...].prefix(3).compactMap { Int($0) }
        guard !dateParts.isEmpty else { return true }
        // The span of days the folder covers.
        let year = dateParts[0]
        let month = dateParts.count > 1 ? dateParts[1] : nil
        let day = dateParts.count > 2 ? dateParts[2] : nil
        guard let first = utc.date(from: DateComponents(year: year, month: month ?? 1, day: day ?? 1)) else {
            return true
        }
        let end: Date? =
            if day != nil { utc.date(byAdding: .day, value: 1, to: first) } else if month != nil {
                utc.date(byAdding: .month, value: 1, to: first)
            } else { utc.date(byAdding: .year, value: 1, to: first) }
        if let since = filter.since, let end, end <= since { return false }
        if let until = filter.until, first > until.addingTimeInterval(86_400) { return false }
        return true
    }
}
