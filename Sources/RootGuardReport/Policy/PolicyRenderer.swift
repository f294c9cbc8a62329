import Foundation
import RootGuardModel
import RootGuardPolicy

/// `rootguard policy`: the IAM policy as JSON, and the SCP simulation statement by statement.
public enum PolicyRenderer {
    public static func json(_ policy: IAMPolicy) throws -> String {
        let encoder = JSONText.encoder(.pretty)
        return String(decoding: try encoder.encode(policy), as: UTF8.self) + "\n"
    }

    /// The verdict line, then each level of the SCP path with its statements. SCP names, Sids and conditions come
    /// from Organizations and are escaped.
    public static func simulation(
        _ result: SCPEvaluator.Result, action: String, principal: String
    ) -> String {
        var out =
            "\(result.permitted ? "PERMITTED" : "DENIED")  \(TerminalSafe.escape(action)) by "
            + "\(TerminalSafe.escape(principal)): \(TerminalSafe.escape(result.explanation))\n"
        for (target, evaluation) in result.perLevel {
            out += "  \(TerminalSafe.escape(target))\n"
            if evaluation.traces.isEmpty { out += "    (no SCP attached: nothing is allowed at this level)\n" }
            for trace in evaluation.traces { out += "    \(TerminalSafe.escape("\(trace)"))\n" }
        }
        return out
    }
}
