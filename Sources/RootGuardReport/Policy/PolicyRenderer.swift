import Foundation
import RootGuardModel
import RootGuardPolicy

/// `rootguard policy`: the IAM policy as JSON, and the SCP simulation statement by statement.
public enum PolicyRenderer {
    /// `policy simulate --output json`: the verdict, whether SCPs apply at all, and each level's statements.
    public static func simulationJSON(
        _ result: SCPEvaluator.Result?, account: AccountID, managementAccount: AccountID, permitted: Bool,
        explanation: String, action: String, resource: String, principal: String, assumedRoot: Bool
    ) throws -> String {
        let levels: [JSONValue] = (result?.perLevel ?? []).map { target, evaluation in
            ["target": .string(target), "statements": .array(evaluation.traces.map { .string("\($0)") })]
        }
        let document: JSONValue = [
            "schemaVersion": 1, "tool": ["name": "rootguard", "version": .string(RootGuardVersion.current)],
            "account": .string(account.rawValue), "managementAccount": .string(managementAccount.rawValue),
            "principal": .string(principal), "action": .string(action), "resource": .string(resource),
            "assumedRoot": .bool(assumedRoot), "scpsApply": .bool(result != nil), "permitted": .bool(permitted),
            "explanation": .string(explanation), "levels": .array(levels),
        ]
        return try JSONText.string(document, .pretty) + "\n"
    }

    public static func json(_ policy: IAMPolicy) throws -> String {
        try JSONText.string(policy, .pretty) + "\n"
    }

    /// The verdict line, then each level of the SCP path with its statements. SCP names, Sids and conditions come
    /// from Organizations and are escaped. `result` nil: SCPs do not apply (the management account).
    public static func simulation(
        _ result: SCPEvaluator.Result?, permitted: Bool, explanation: String, action: String, principal: String
    ) -> String {
        var out =
            "\(permitted ? "PERMITTED" : "DENIED")  \(TerminalSafe.escape(action)) by "
            + "\(TerminalSafe.escape(principal)): \(TerminalSafe.escape(explanation))\n"
        guard let result else { return out }
        for (target, evaluation) in result.perLevel {
            out += "  \(TerminalSafe.escape(target))\n"
            if evaluation.traces.isEmpty { out += "    (no SCP attached: nothing is allowed at this level)\n" }
            for trace in evaluation.traces { out += "    \(TerminalSafe.escape("\(trace)"))\n" }
        }
        return out
    }
}
