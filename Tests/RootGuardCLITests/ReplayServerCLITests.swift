import Foundation
import NIOConcurrencyHelpers
import RootGuardTesting
import Testing

/// The replay server of the organization-scale benchmark: what it serves must be what moto served, at any size.
@Suite("the replay server: a recorded moto organization, replayed at any size", .motoServer, .serialized)
struct ReplayServerCLITests {
    /// Findings of one account, as a comparable signature.
    static func signature(_ report: AuditCLITests.Report, _ account: String) -> [String] {
        report.findings.filter { $0.accountId == account }.map { "\($0.checkId) \($0.status)" }.sorted()
    }

    func audit(_ endpoint: String, _ extra: [String]) throws -> (CLI.Result, AuditCLITests.Report?) {
        let result = try CLI.run(
            [
                "audit", "--org", "--endpoint-url", endpoint, "--output", "json", "--no-monitoring", "--report-wait",
                "20",
            ]
                + extra,
            environment: AuditCLITests.environment)
        return (result, try? JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8)))
    }

    /// Records both audits of the two-member organization of OrganizationCLITests through the recorder.
    func record() async throws -> (
        exchanges: [ReplayServer.Exchange], root: AuditCLITests.Report, role: AuditCLITests.Report
    ) {
        let moto = try await MotoServer.fresh()
        _ = try await OrganizationCLITests().organization(moto)
        let box = NIOLockedValueBox<[ReplayServer.Exchange]>([])
        let recorder = try await ReplayServer.record(
            upstream: moto.endpoint, managementKey: AuditCLITests.environment["AWS_ACCESS_KEY_ID"]!,
            managementAccount: MotoServer.defaultAccount
        ) { exchange in box.withLockedValue { $0.append(exchange) } }
        defer { Task { await recorder.stop() } }
        let (rootRun, root) = try audit(recorder.endpoint, ["--via", "assume-root"])
        #expect(rootRun.status == 0, "\(rootRun.stderr)")
        let (roleRun, role) = try audit(recorder.endpoint, ["--via", "assume-role"])
        #expect(roleRun.status == 0, "\(roleRun.stderr)")
        return (box.withLockedValue { $0 }, try #require(root), try #require(role))
    }

    @Test func aReplayedOrganizationOfAnySizeGetsTheRecordedFindingsMemberByMember() async throws {
        let (exchanges, root, role) = try await record()
        #expect(exchanges.count > 50)
        // The recorded members (the management account aside): each synthetic member stands for one of them in turn.
        let templates = Set(root.findings.map(\.accountId)).subtracting([MotoServer.defaultAccount])
        #expect(templates.count >= 2)
        let members = 2 * templates.count
        let server = try await ReplayServer.replay(exchanges, options: .init(members: members))
        defer { Task { await server.stop() } }
        for (recorded, via) in [(root, "assume-root"), (role, "assume-role")] {
            let (run, replayed) = try audit(server.endpoint, ["--via", via])
            #expect(run.status == 0, "\(run.stderr)")
            let report = try #require(replayed)
            let recordedClasses = Dictionary(
                templates.map { (Self.signature(recorded, $0).joined(separator: "\n"), 1) }, uniquingKeysWith: +)
            var replayedClasses: [String: Int] = [:]
            for index in 0..<members {
                let signature = Self.signature(report, ReplayServer.memberID(index))
                #expect(!signature.isEmpty, "member \(index) missing from the \(via) report")
                replayedClasses[signature.joined(separator: "\n"), default: 0] += 1
            }
            // Every synthetic member has exactly the findings of one recorded member, each class equally often.
            #expect(Set(replayedClasses.keys) == Set(recordedClasses.keys), "\(via)")
            #expect(replayedClasses.values.reduce(0, +) == members, "\(via): \(replayedClasses.values)")
            #expect(
                Self.signature(report, MotoServer.defaultAccount) == Self.signature(recorded, MotoServer.defaultAccount)
            )
        }
        #expect(server.currentCounters.unmatched == 0, "\(server.currentCounters.unmatchedExamples)")

        // Past 100 targets, FullAWSAccess's attachments are read per target (ListPoliciesForTarget for each OU, root and
        // member) instead of page after page of ListTargetsForPolicy: the verdicts stay the same.
        let many = 41 * templates.count
        let large = try await ReplayServer.replay(exchanges, options: .init(members: many))
        defer { Task { await large.stop() } }
        let (run, replayed) = try audit(large.endpoint, ["--via", "assume-root", "--concurrency", "64"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(replayed)
        var classes: [String: Int] = [:]
        for index in 0..<many {
            classes[Self.signature(report, ReplayServer.memberID(index)).joined(separator: "\n"), default: 0] += 1
        }
        let recordedClasses = Set(templates.map { Self.signature(root, $0).joined(separator: "\n") })
        #expect(Set(classes.keys) == recordedClasses)
        #expect(large.currentCounters.unmatched == 0, "\(large.currentCounters.unmatchedExamples)")
    }

    @Test func throttlingIsRetriedAndCountedAndAHangingMemberMissesOnlyItsOwnDeadline() async throws {
        let (exchanges, _, _) = try await record()
        let members = 8
        // Three requests a second per account and service: bursts are throttled, and retried with backoff (six
        // attempts here, so that none gives up). Member 3 never answers.
        let server = try await ReplayServer.replay(
            exchanges, options: .init(members: members, throttleRate: 3, hanging: [3]))
        defer { Task { await server.stop() } }
        let started = Date()
        let (run, replayed) = try audit(
            server.endpoint,
            // 15 s: alone, a throttled member needs about 5 s; under the parallel suite on two cores one took over 10.
            ["--via", "assume-root", "--stats", "--member-timeout", "15", "--concurrency", "8", "--max-attempts", "6"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 40)
        let report = try #require(replayed)
        let hanging = report.findings.filter {
            $0.accountId == ReplayServer.memberID(3)
                && ["member-root-credentials-removed", "member-root-denied-by-scp"].contains($0.checkId)
        }
        #expect(hanging.count == 2)
        #expect(
            hanging.allSatisfy { $0.status == "NOT_EVALUATED" && $0.message.contains("--member-timeout") },
            "\(hanging.map(\.message))")
        let others = report.findings.filter {
            $0.accountId != ReplayServer.memberID(3) && $0.checkId == "member-root-credentials-removed"
        }
        #expect(others.count == members - 1)
        #expect(others.allSatisfy { $0.status != "NOT_EVALUATED" }, "\(others.map(\.message))")
        // --stats: one line on stderr with what was sent, throttled and retried.
        let stats = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("stats: ") })
        #expect(stats.contains("\(members) members"))
        #expect(stats.contains("1 members over --member-timeout"))
        let throttled = try #require(Int(stats.firstMatch(of: /(\d+) throttled/)?.1 ?? ""))
        let retries = try #require(Int(stats.firstMatch(of: /(\d+) retries,/)?.1 ?? ""))
        #expect(throttled > 0 && retries > 0, "\(stats)")
        #expect(server.currentCounters.throttled == throttled)
        // Not a terminal: no progress line.
        #expect(!run.stderr.contains("member accounts"))
    }

    @Test func onATerminalTheProgressOfMembersIsShown() async throws {
        let (exchanges, _, _) = try await record()
        let server = try await ReplayServer.replay(exchanges, options: .init(members: 12))
        defer { Task { await server.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-org-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let report = folder.appendingPathComponent("org.json")
        // A pseudo-terminal for the child's standard streams: rootguard sees a TTY on stderr.
        let result = try CLI.runOnTerminal(
            [
                "audit", "--org", "--via", "assume-root", "--no-monitoring", "--output", "json", "--output-file",
                report.path, "--endpoint-url", server.endpoint,
            ], environment: HardenOrganizationCLITests.tools.merging(AuditCLITests.environment) { $1 })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("audited 12/12 member accounts"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: report.path))
    }
}
