import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

@Suite("Approvals indexed by account and window")
struct ApprovalIndexTests {
    /// A deterministic generator, so a failure repeats.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 ^ state
        }
    }

    static func detection(account: String, time: Date, name: String, ip: String, mfa: Bool?) -> Detection {
        Detection(
            eventID: UUID().uuidString, eventTime: time, accountId: account, region: "us-east-1", eventName: name,
            eventSource: name == "ConsoleLogin" ? "signin.amazonaws.com" : "iam.amazonaws.com",
            detection: name == "ConsoleLogin" ? "root-console-login" : "root-api-call", severity: .high, title: name,
            expected: false, approval: nil, source: "t", sourceIPAddress: ip, userAgent: nil, mfaUsed: mfa,
            credential: .accessKey, accessKeyId: nil, outcome: .success, errorCode: nil, details: [:])
    }

    /// The index gives, for every detection, exactly the approval a scan of the file in order gives: overlapping
    /// windows, `*` accounts, actions, addresses and MFA mixed at random.
    @Test("the index answers as the file order does", arguments: 1...5)
    func sameAnswerAsAScan(_ seed: UInt64) {
        var random = Generator(state: seed)
        let accounts = ["111111111111", "222222222222", "333333333333", "*"]
        let names = ["ConsoleLogin", "CreateAccessKey", "DeleteAccessKey", "CreateUser"]
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let approvals = (0..<300).map { _ in
            let from = start.addingTimeInterval(Double.random(in: 0...86_400 * 30, using: &random))
            return Approval(
                account: accounts.randomElement(using: &random)!, from: from,
                until: from.addingTimeInterval(Double.random(in: 0...86_400 * 3, using: &random)),
                ticket: UUID().uuidString,
                actions: Bool.random(using: &random) ? nil : [names.randomElement(using: &random)!, "iam:Delete*"],
                sourceIPs: Bool.random(using: &random) ? nil : ["10.0.0.0/8"],
                requireMFA: Bool.random(using: &random) ? nil : true)
        }
        let index = ApprovalIndex(approvals)
        var covered = 0
        for _ in 0..<3_000 {
            let detection = Self.detection(
                account: accounts.dropLast().randomElement(using: &random)!,
                time: start.addingTimeInterval(Double.random(in: -86_400...86_400 * 34, using: &random)),
                name: names.randomElement(using: &random)!,
                ip: Bool.random(using: &random) ? "10.1.2.3" : "198.51.100.7", mfa: Bool.random(using: &random))
            let scanned = approvals.first { $0.covers(detection, taskPolicy: nil) }
            let indexed = index.approval(for: detection, taskPolicy: nil)
            #expect(indexed?.ticket == scanned?.ticket)
            if scanned != nil { covered += 1 }
        }
        #expect(covered > 100, "the test must exercise covered detections too")
    }

    @Test("windows are inclusive at both ends")
    func inclusive() {
        let from = Date(timeIntervalSince1970: 1_000)
        let until = Date(timeIntervalSince1970: 2_000)
        let index = ApprovalIndex([Approval(account: "111111111111", from: from, until: until, ticket: "T")])
        for (time, expected) in [(999.0, false), (1_000, true), (2_000, true), (2_001, false)] {
            let detection = Self.detection(
                account: "111111111111", time: Date(timeIntervalSince1970: time), name: "CreateUser", ip: "10.0.0.1",
                mfa: nil)
            #expect((index.approval(for: detection, taskPolicy: nil) != nil) == expected, "\(time)")
        }
    }
}
