import Foundation
import RootGuardAWS
import RootGuardModel

/// Sends ASFF findings to Security Hub (`BatchImportFindings`, at most 100 a call), retrying the findings Security
/// Hub names as failed, a bounded number of times.
public enum SecurityHubImport {
    public struct Outcome: Sendable {
        public var imported = 0
        /// Finding id → the last error Security Hub gave for it.
        public var failed: [(id: String, error: String)] = []
        public var calls = 0
    }

    public static let requiredActions = ["securityhub:BatchImportFindings"]

    public static func run(_ findings: [JSONValue], client: AWSClient, attempts: Int = 3) async throws -> Outcome {
        var outcome = Outcome()
        let encoder = JSONText.encoder(.compact)
        var pending: [(id: String, body: Data)] = try findings.map { finding in
            var id = ""
            if case .object(let fields) = finding, case .string(let text)? = fields["Id"] { id = text }
            return (id, try encoder.encode(finding))
        }
        var lastErrors: [String: String] = [:]
        for _ in 0..<max(1, attempts) where !pending.isEmpty {
            var retry: [(id: String, body: Data)] = []
            for start in stride(from: 0, to: pending.count, by: 100) {
                let batch = Array(pending[start..<min(start + 100, pending.count)])
                let response = try await client.securityHub().batchImportFindings(.init(findings: batch.map(\.body)))
                outcome.calls += 1
                let failed = Dictionary(
                    (response.failedFindings ?? []).map {
                        ($0.id ?? "", "\($0.errorCode ?? "Error"): \($0.errorMessage ?? "")")
                    },
                    uniquingKeysWith: { a, _ in a })
                for item in batch {
                    if let error = failed[item.id] {
                        lastErrors[item.id] = error
                        retry.append(item)
                    } else {
                        outcome.imported += 1
                    }
                }
            }
            pending = retry
        }
        outcome.failed = pending.map { ($0.id, lastErrors[$0.id] ?? "failed") }
        return outcome
    }
}
