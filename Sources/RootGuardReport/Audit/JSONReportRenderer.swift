import Foundation
import RootGuardModel

/// The JSON contract other tools consume (`--output json`).
public enum JSONReportRenderer {
    public static func render(_ report: ReportV1) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
