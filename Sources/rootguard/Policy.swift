import ArgumentParser
import Foundation
import RootGuard

/// `rootguard policy`: the least-privilege IAM policy rootguard needs.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the least-privilege IAM policy rootguard audit needs (read-only actions).")

    static var document: [String: Any] {
        [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "RootGuardAuditReadOnly", "Effect": "Allow",
                    "Action": Auditor.requiredActions, "Resource": "*",
                ] as [String: Any]
            ],
        ]
    }

    func run() throws {
        let data = try JSONSerialization.data(
            withJSONObject: Self.document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}
