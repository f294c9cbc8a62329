import Foundation
import RootGuardModel

/// The JSON contract other tools consume (`--output json`).
public enum JSONReportRenderer {
    public static func render(_ report: ReportV1) throws -> String {
        try JSONText.string(report, .pretty)
    }
}
