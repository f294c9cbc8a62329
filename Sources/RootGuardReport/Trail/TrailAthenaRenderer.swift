import Foundation
import RootGuardModel
import RootGuardTrail

/// The stderr line after `trail athena` ran a query: which query, what it scanned and cost.
public enum TrailAthenaRenderer {
    public static func summary(
        queryExecutionID: String, rows: Int, dataScannedBytes: Int?, engineMilliseconds: Int?, costUSD: Double?
    ) -> String {
        var line = "athena query \(TerminalSafe.escape(queryExecutionID)): \(Wording.plural(rows, "row"))"
        if let bytes = dataScannedBytes {
            line += String(format: ", %.1f MB scanned", Double(bytes) / 1_000_000)
        }
        if let costUSD { line += String(format: " (about %.4f USD at 5 USD/TB)", costUSD) }
        if let engineMilliseconds {
            line += String(format: ", %.1f s in the engine", Double(engineMilliseconds) / 1000)
        }
        return line + "\n"
    }
}
