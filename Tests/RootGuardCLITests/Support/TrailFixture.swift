import Foundation
import RootGuardTesting

/// Records and files for the trail command.
enum TrailFixture {
    static let account = "111122223333"

    static func login(_ id: String, time: String, mfa: String = "No", ip: String = "198.51.100.7") -> String {
        #"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"\#(time)","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"\#(ip)","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"\#(mfa)"},"eventID":"\#(id)","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#
    }

    static func folder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-trail-cli-\(UUID().uuidString)")
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return folder
    }

    /// A small generated corpus in the S3 layout (Benchmarks/gen_cloudtrail.py).
    /// The accounts Benchmarks/gen_cloudtrail.py writes logs for (members and the management account).
    static let corpusAccounts = ["111122223333", "222233334444", "333344445555", "444455556666", "999988887777"]

    static func corpus(sizeMB: Double = 2) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-corpus-\(UUID().uuidString)")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", repository.appendingPathComponent("Benchmarks/gen_cloudtrail.py").path, "--out", folder.path,
            "--size-mb", String(sizeMB), "--seed", "5", "--root-events", "40",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return folder
    }

    static func detections(_ jsonl: String) throws -> [[String: Any]] {
        try jsonl.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
