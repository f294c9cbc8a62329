import Foundation
import RootGuardModel

/// The JSON contract other tools consume (`--output json`).
public enum JSONReportRenderer {
    public static func render(_ report: ReportV1) throws -> String {
        let encoder = JSONText.encoder(.pretty)
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
