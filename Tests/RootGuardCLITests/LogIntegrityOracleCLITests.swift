import Crypto
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardModel
import RootGuardTesting
import RootGuardTrail
import Testing

/// rootguard's log file integrity against the reference implementation: `aws cloudtrail validate-logs` (awscli 1.x,
/// from PyPI) and rootguard read the same trail in moto's S3 — log files and hourly digests signed here as CloudTrail
/// signs them, the key served by the plugin's ListPublicKeys — after each way an attacker with root could tamper with
/// it. Every object validate-logs calls INVALID rootguard fails, every object it calls valid rootguard verifies, and
/// both fail or pass together; the one documented difference (a gzip member appended to a log file, which
/// validate-logs does not read and every CloudTrail reader does) is asserted as such.
@Suite("Log file integrity against aws cloudtrail validate-logs", .motoServer, .serialized)
struct LogIntegrityOracleCLITests {
    static let start = Date(timeIntervalSince1970: 1_796_443_200)  // 2026-12-05T04:00:00Z
    static let account = MotoServer.defaultAccount

    struct Verdicts {
        var awscli: [String: String]
        var awscliStatus: Int32
        var awscliGaps: [String]
        var rootguard: [LogFileIntegrity.Result]
        var stderr: String

        func ours(_ location: String) -> LogFileIntegrity.Verdict? {
            rootguard.first { $0.location == location }?.verdict
        }
    }

    /// Uploads the trail to a new bucket, then runs both validators over its window.
    func judge(
        _ trail: SignedTrail, moto: MotoServer, client: AWSClient, registered: SignedTrail? = nil
    ) async throws
        -> Verdicts
    {
        let s3 = client.s3()
        _ = try await s3.createBucket(.init(bucket: trail.bucket))
        for (key, object) in trail.objects {
            _ = try await s3.putObject(
                .init(body: Data(object.bytes), bucket: trail.bucket, key: key, metadata: object.metadata))
        }
        let keyed = registered ?? trail
        try await moto.setCloudTrailPublicKeys(
            [(keyed.fingerprint, keyed.publicKeyDER)],
            validity: trail.start.addingTimeInterval(-86_400)...trail.end.addingTimeInterval(86_400))
        let environment = HardenOrganizationCLITests.tools.merging([
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_DEFAULT_REGION": trail.region, "AWS_ENDPOINT_URL_S3": moto.endpoint, "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        ]) { $1 }
        let command = [
            "python3", "-m", "awscli", "cloudtrail", "validate-logs", "--trail-arn",
            "arn:aws:cloudtrail:\(trail.region):\(trail.account):trail/\(trail.trail)", "--start-time",
            SignedTrail.iso(trail.start), "--end-time", SignedTrail.iso(trail.end), "--s3-bucket", trail.bucket,
            "--verbose", "--region", trail.region, "--endpoint-url", moto.endpoint,
        ].map { "'\($0)'" }.joined(separator: " ")
        let run = try CLI.run(["-c", command], environment: environment, shell: true)
        var awscli: [String: String] = [:]
        var gaps: [String] = []
        for line in (run.stdout + "\n" + run.stderr).split(separator: "\n") {
            if line.hasPrefix("No log files were delivered") { gaps.append(String(line)) }
            let fields = line.split(separator: "\t")
            guard fields.count == 3, fields[1].hasPrefix("s3://") else { continue }
            awscli[String(fields[1].dropFirst(5))] = fields[2].hasPrefix("INVALID") ? "INVALID" : String(fields[2])
        }
        #expect(!awscli.isEmpty || run.status != 0, "validate-logs said nothing: \(run.stdout)\(run.stderr)")
        let records = try trail.logKeys.flatMap { $0 }.map { key -> CloudTrailEvent in
            let json = try JSONDecoder().decode(
                JSONValue.self,
                from: Data(
                    #"{"eventName":"CreateUser","eventTime":"\#(SignedTrail.iso(trail.start.addingTimeInterval(600)))"}"#
                        .utf8))
            return try #require(CloudTrailEvent(json: json, source: "s3://\(trail.bucket)/\(key)"))
        }
        let results = await IncidentIntegrity.check(
            records: records, client: client, now: Date(),
            window: .init(start: trail.start, end: trail.end, now: Date()))
        return Verdicts(
            awscli: awscli, awscliStatus: run.status, awscliGaps: gaps, rootguard: results, stderr: run.stderr)
    }

    /// Both say the same of every object either names; `except` are objects where rootguard is stricter.
    func expectAgreement(_ verdicts: Verdicts, _ name: String, except: Set<String> = []) {
        for (location, status) in verdicts.awscli where !except.contains(location) {
            let ours = verdicts.ours(location)
            if status == "valid" {
                #expect(
                    ours == .verified,
                    "\(name): validate-logs: valid, rootguard: \(String(describing: ours)) — \(location)")
            } else {
                #expect(
                    ours?.failed == true,
                    "\(name): validate-logs: \(status), rootguard: \(String(describing: ours)) — \(location)")
            }
        }
        for result in verdicts.rootguard where result.failed && !except.contains(result.location) {
            #expect(
                verdicts.awscli[result.location] == "INVALID",
                "\(name): rootguard: \(result.line), validate-logs: \(verdicts.awscli[result.location] ?? "nothing")")
        }
        let oursFailed = verdicts.rootguard.contains { $0.failed && !except.contains($0.location) }
        #expect(
            oursFailed == (verdicts.awscliStatus != 0), "\(name): exit \(verdicts.awscliStatus)\n\(verdicts.stderr)")
    }

    func location(_ trail: SignedTrail, _ key: String) -> String { "\(trail.bucket)/\(key)" }

    @Test func eachTamperCaseGetsTheVerdictValidateLogsGives() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            var index = 0
            func fresh(_ hours: Int = 3, restarts: Set<Int> = [], skipped: Set<Int> = []) throws -> SignedTrail {
                index += 1
                return try SignedTrail(
                    bucket: "trail-case-\(index)", account: Self.account, start: Self.start, hours: hours,
                    restarts: restarts, skipped: skipped)
            }

            // Untouched: every digest and log file valid, in both.
            let clean = try await judge(try fresh(), moto: moto, client: client)
            #expect(clean.awscliStatus == 0 && clean.awscli.count == 9, "\(clean.awscli) \(clean.stderr)")
            expectAgreement(clean, "clean")
            #expect(clean.rootguard.allSatisfy { $0.verdict == .verified }, "\(clean.rootguard.map(\.line))")

            // A log file rewritten.
            var modified = try fresh()
            modified.objects[modified.logKeys[1][0]]?.bytes = try SignedTrail.gzip(Array(#"{"Records":[]}"#.utf8))
            let modifiedVerdicts = try await judge(modified, moto: moto, client: client)
            expectAgreement(modifiedVerdicts, "modified log")
            #expect(modifiedVerdicts.ours(location(modified, modified.logKeys[1][0])) == .modified)

            // A log file deleted (it held root's CreateRole): missing, never dropped.
            var deleted = try fresh()
            deleted.objects[deleted.logKeys[1][1]] = nil
            let deletedVerdicts = try await judge(deleted, moto: moto, client: client)
            expectAgreement(deletedVerdicts, "deleted log")
            #expect(deletedVerdicts.ours(location(deleted, deleted.logKeys[1][1])) == .missing)

            // A digest deleted with its two log files: the chain names it.
            var noDigest = try fresh()
            noDigest.objects[noDigest.digestKeys[1]] = nil
            for key in noDigest.logKeys[1] { noDigest.objects[key] = nil }
            let noDigestVerdicts = try await judge(noDigest, moto: moto, client: client)
            expectAgreement(noDigestVerdicts, "deleted digest")
            #expect(noDigestVerdicts.ours(location(noDigest, noDigest.digestKeys[1])) == .missing)
            #expect(noDigestVerdicts.rootguard.contains { $0.verdict == .gap })

            // A digest rewritten to match a modified log file: signature kept, stripped, or its algorithm changed.
            let rewrites: [(String, [String: String]?)] = [
                ("signature kept", nil), ("metadata stripped", [:]),
                (
                    "SHA512withRSA",
                    ["signature": String(repeating: "ab", count: 256), "signature-algorithm": "SHA512withRSA"]
                ),
            ]
            for (name, metadata) in rewrites {
                var rewritten = try fresh()
                let content = Array(#"{"Records":[]}"#.utf8)
                rewritten.objects[rewritten.logKeys[1][0]]?.bytes = try SignedTrail.gzip(content)
                try rewritten.rewrite(hour: 1, metadata: metadata) { digest in
                    var logs = digest["logFiles"] as? [[String: Any]] ?? []
                    logs[0]["hashValue"] = SignedTrail.hex(SHA256.hash(data: content))
                    digest["logFiles"] = logs
                }
                let verdicts = try await judge(rewritten, moto: moto, client: client)
                expectAgreement(verdicts, "rewritten digest, \(name)")
                #expect(verdicts.ours(location(rewritten, rewritten.digestKeys[1]))?.failed == true, "\(name)")
            }

            // A key CloudTrail never had for that time: the digests name a fingerprint ListPublicKeys does not return.
            let unknown = try fresh()
            let other = try fresh()
            let unknownVerdicts = try await judge(unknown, moto: moto, client: client, registered: other)
            expectAgreement(unknownVerdicts, "unknown key")
            #expect(unknownVerdicts.rootguard.filter { $0.kind == .digest }.allSatisfy { $0.verdict == .invalid })

            // An uncompressed copy of a log file, and a gzip bomb where a digest belongs.
            var reencoded = try fresh()
            let plain = reencoded.logKeys[0][0]
            let zipped = reencoded.objects[plain]?.bytes ?? []
            reencoded.objects[plain]?.bytes = try LogFileIntegrity.uncompressed(zipped)
            reencoded.objects[reencoded.digestKeys[2]]?.bytes = try SignedTrail.gzip(
                [UInt8](repeating: 0x20, count: 24 << 20))
            let reencodedVerdicts = try await judge(reencoded, moto: moto, client: client)
            expectAgreement(reencodedVerdicts, "uncompressed log, digest bomb")
            #expect(reencodedVerdicts.ours(location(reencoded, plain)) == .invalid)
            #expect(reencodedVerdicts.ours(location(reencoded, reencoded.digestKeys[2])) == .invalid)

            // Logging stopped for an hour and restarted: a gap for both, no failure.
            let restarted = try await judge(try fresh(restarts: [2], skipped: [1]), moto: moto, client: client)
            expectAgreement(restarted, "restarted chain")
            #expect(restarted.awscliGaps.count == 1, "\(restarted.stderr)")
            #expect(restarted.rootguard.filter { $0.verdict == .gap }.count == 1)

            // The documented difference: a gzip member appended to a log file. validate-logs hashes the first member
            // only and says valid; rootguard says modified, as every reader would see the appended records.
            var appended = try fresh()
            let target = appended.logKeys[2][1]
            appended.objects[target]?.bytes += try SignedTrail.gzip(Array(#"{"Records":[{"eventName":"x"}]}"#.utf8))
            let appendedVerdicts = try await judge(appended, moto: moto, client: client)
            expectAgreement(appendedVerdicts, "appended member", except: [location(appended, target)])
            #expect(appendedVerdicts.awscli[location(appended, target)] == "valid")
            #expect(appendedVerdicts.ours(location(appended, target)) == .modified)
        }
    }
}
