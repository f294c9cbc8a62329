import Foundation
import RootGuardAWS
import RootGuardHarden
import RootGuardModel
import Testing

/// The one runner every hardener goes through: order, stopping, partial failures, the re-audit and format rules,
/// proven on a scripted hardener (no AWS call is made).
@Suite("harden: the runner")
struct HardenRunnerTests {
    /// A hardener whose steps succeed or fail as scripted and record what ran.
    struct Scripted: Hardener {
        static let subcommand = "scripted"
        static let formats: Set<HardenFormat> = [.plan, .json, .terraform]
        static let requiredActions: [String] = []

        enum Step: Sendable, Hashable { case ok(String), fail(String), partial(String) }
        struct Plan: OneChangePerStepPlan {
            typealias Step = Scripted.Step
            var plan: HardenPlan
            var steps: [Step]
        }
        struct State: Sendable { var ran: [String] = [] }

        var steps: [Step]
        var independent = false
        var reauditAfterFailure = false

        func read(client: AWSClient) async throws -> State { State() }
        func plan(_ state: State, client: AWSClient) async throws -> Plan {
            Plan(
                plan: HardenPlan(
                    subcommand: Self.subcommand,
                    changes: steps.map { .init(service: "svc", action: "\($0)", resource: "r", why: "w") }),
                steps: steps)
        }
        func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
            switch step {
            case .ok(let name): state.ran.append(name)
            case .fail(let name): throw HardenFailure("\(name) refused")
            case .partial(let name): throw PartialStepFailure(errors: ["\(name) half refused"])
            }
        }
        func laterStepsDepend(on step: Step) -> Bool { !independent }
        var reauditsAfterFailure: Bool { reauditAfterFailure }
        func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
            [
                Finding(
                    checkId: "scripted", status: .pass, severity: .low, accountId: "111122223333", resource: "r",
                    message: "ran \(state.ran.joined(separator: ","))", compliance: [:], remediation: "")
            ]
        }
        func code(_ format: HardenFormat, client: AWSClient?) async throws -> String { "# code\n" }
    }

    static func withClient<T>(_ body: (AWSClient) async throws -> T) async throws -> T {
        try await AWSClient(
            configuration: .init(region: .usEast1, endpoints: .init(explicit: "http://127.0.0.1:9")),
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", source: "test")),
            transport: try AsyncHTTPClientTransport()
        ).using(body)
    }

    @Test func aDryRunChangesNothingAndPendingChangesExitTwo() async throws {
        let run = try await Self.withClient {
            try await HardenRunner.run(Scripted(steps: [.ok("a"), .ok("b")]), client: $0, apply: false)
        }
        #expect(run.state.ran.isEmpty)
        #expect(run.outcome.applied.isEmpty && run.outcome.reaudit.isEmpty)
        #expect(Scripted(steps: []).exitCode(run, applying: false) == 2)
    }

    @Test func stepsRunInOrderAndTheReauditSeesThem() async throws {
        let run = try await Self.withClient {
            try await HardenRunner.run(Scripted(steps: [.ok("a"), .ok("b")]), client: $0, apply: true)
        }
        #expect(run.state.ran == ["a", "b"])
        #expect(run.outcome.applied.map(\.error) == [nil, nil])
        #expect(run.outcome.reaudit.map(\.message) == ["ran a,b"])
        #expect(run.outcome.exitCode(applying: true) == 0)
    }

    @Test func aFailedStepThatLaterStepsDependOnStopsTheRunAndTheReaudit() async throws {
        let run = try await Self.withClient {
            try await HardenRunner.run(Scripted(steps: [.ok("a"), .fail("b"), .ok("c")]), client: $0, apply: true)
        }
        #expect(run.state.ran == ["a"])
        #expect(run.outcome.applied.count == 2)
        #expect(run.outcome.applied.last?.error == "b refused")
        #expect(run.outcome.reaudit.isEmpty)
        #expect(run.outcome.exitCode(applying: true) == 1)
    }

    @Test func independentStepsGoOnAfterAFailureAndTheReauditStillRunsWhenAsked() async throws {
        let hardener = Scripted(
            steps: [.fail("a"), .partial("b"), .ok("c")], independent: true, reauditAfterFailure: true)
        let run = try await Self.withClient { try await HardenRunner.run(hardener, client: $0, apply: true) }
        #expect(run.state.ran == ["c"])
        #expect(run.outcome.applied.map(\.error) == ["a refused", "b half refused", nil])
        #expect(run.outcome.reaudit.map(\.message) == ["ran c"])
    }

    @Test func formatsAreCheckedInOnePlace() {
        #expect(HardenRunner.usageProblem(Scripted.self, format: .plan, apply: true) == nil)
        #expect(HardenRunner.usageProblem(Scripted.self, format: .terraform, apply: false) == nil)
        #expect(
            HardenRunner.usageProblem(Scripted.self, format: .cloudformation, apply: false)
                == "harden scripted has no --format cloudformation (it offers plan, json, terraform)")
        #expect(
            HardenRunner.usageProblem(Scripted.self, format: .terraform, apply: true)
                == "--apply makes the changes itself; --format terraform only prints code")
    }

    @Test func everyHardenerDeclaresItsFormats() {
        #expect(DenyRootSCP.formats == [.plan, .json, .cloudformation, .terraform])
        #expect(RootMonitoring.formats == [.plan, .json, .cloudformation, .terraform])
        #expect(WatchQueue.formats == [.plan, .json, .cloudformation])
        #expect(AlternateContacts.formats == [.plan, .json, .terraform])
        #expect(OrganizationRootAccess.formats == [.plan, .json, .terraform])
        #expect(RootCredentialRemoval.formats == [.plan, .json])
    }
}
