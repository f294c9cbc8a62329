import RootGuardAWS
import RootGuardModel

/// How a hardener's plan is shown: the plan (text), harden's JSON plan model, or infrastructure code.
public enum HardenFormat: String, Sendable, Hashable, CaseIterable {
    case plan, json, cloudformation, terraform

    /// CloudFormation or Terraform: code to deploy instead of changes made by rootguard.
    public var isCode: Bool { self == .cloudformation || self == .terraform }
}

/// A plan as a hardener carries it out: typed steps, and the changes each one makes as the user sees them.
public protocol HardenerPlan: Sendable {
    associatedtype Step: Sendable
    /// What the user sees (text and JSON): every change, in order, and the notes.
    var plan: HardenPlan { get }
    /// The steps in order, each with the changes of `plan` it makes (usually one).
    var stepChanges: [(step: Step, changes: [PlannedChange])] { get }
}

/// A plan whose steps map one to one onto its changes.
public protocol OneChangePerStepPlan: HardenerPlan {
    var steps: [Step] { get }
}

extension OneChangePerStepPlan {
    public var stepChanges: [(step: Step, changes: [PlannedChange])] {
        zip(steps, plan.changes).map { ($0, [$1]) }
    }
}

/// One `rootguard harden …` (and later `respond`, `root-task`) change set: read the current state → a typed plan of
/// changes → apply step by step, stopping at the first failure of a step later steps depend on → re-audit the
/// findings it fixes → CloudFormation / Terraform from the same facts. `HardenRunner` drives every hardener the
/// same way; the CLI only declares options.
public protocol Hardener: Sendable {
    associatedtype State: Sendable
    associatedtype Plan: HardenerPlan

    /// `harden <subcommand>`.
    static var subcommand: String { get }
    /// The formats this hardener can print (`plan` and `json` always).
    static var formats: Set<HardenFormat> { get }
    /// Why a format is not offered, for the usage error.
    static func unsupported(_ format: HardenFormat) -> String
    /// Every IAM action it may call (`rootguard policy --with-harden`).
    static var requiredActions: [String] { get }

    func read(client: AWSClient) async throws -> State
    func plan(_ state: State, client: AWSClient) async throws -> Plan
    /// Carries out one step. `state` holds what earlier steps produced (a created policy's id).
    func perform(_ step: Plan.Step, plan: Plan, state: inout State, client: AWSClient) async throws
    /// Whether a failure of this step stops the run (later steps depend on it). Default: yes.
    func laterStepsDepend(on step: Plan.Step) -> Bool
    /// Whether the re-audit runs although a step failed (it reports per resource). Default: no.
    var reauditsAfterFailure: Bool { get }
    /// The checks of the findings the plan fixes, on facts read afresh.
    func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding]
    /// What the re-audit did not judge and a person should know (a region subset, what remains failing outside it).
    /// Default: nothing.
    func reauditNotes(_ state: State) -> [String]
    /// CloudFormation or Terraform (only for `formats`): the desired state of everything this hardener manages,
    /// independent of what exists now (regenerated after a deployment it is the same, so a stack update deletes
    /// nothing), with notes naming what already exists and must be imported. `client` is nil when `codeNeedsClient`
    /// is false.
    func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode
    /// Whether `code` reads the account (default: yes).
    static var codeNeedsClient: Bool { get }
    /// harden's exit codes for a run (default: `HardenOutcome.exitCode`).
    func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32
}

extension Hardener {
    public static var formats: Set<HardenFormat> { [.plan, .json] }
    public static func unsupported(_ format: HardenFormat) -> String {
        "harden \(subcommand) has no --format \(format.rawValue) (it offers \(formatList))"
    }
    public static var formatList: String {
        HardenFormat.allCases.filter(formats.contains).map(\.rawValue).joined(separator: ", ")
    }
    public func laterStepsDepend(on step: Plan.Step) -> Bool { true }
    public func reauditNotes(_ state: State) -> [String] { [] }
    public var reauditsAfterFailure: Bool { false }
    public static var codeNeedsClient: Bool { true }
    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        throw HardenFailure(Self.unsupported(format))
    }
    public func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32 {
        run.outcome.exitCode(applying: applying)
    }
}

/// The phases of a hardener's run, in order.
public enum HardenPhase: String, Sendable, CaseIterable {
    case read, planned, applied, rechecked
}

/// A hardener's run: the state it read (after the steps it applied), its typed plan and the outcome.
public struct HardenRun<H: Hardener>: Sendable {
    public var state: H.State
    public var plan: H.Plan
    public var outcome: HardenOutcome
}

/// A step that made several changes and some of them failed: the error of each change, by its index in the step's
/// changes (nil where it worked).
public struct PartialStepFailure: Error, CustomStringConvertible {
    public var errors: [String?]
    public init(errors: [String?]) { self.errors = errors }
    public var description: String { errors.compactMap { $0 }.joined(separator: "; ") }
}

/// An error a hardener raises itself (a refused plan, a missing prerequisite): one line for the user.
public struct HardenFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
    public init(description: String) { self.description = description }
}

/// Drives every hardener: the one read → plan → apply → re-audit loop, and the format rules.
public enum HardenRunner {
    /// A usage error, or nil: the format must be one the hardener offers, and code is printed, not applied.
    public static func usageProblem<H: Hardener>(_ hardener: H.Type, format: HardenFormat, apply: Bool) -> String? {
        if !H.formats.contains(format) { return H.unsupported(format) }
        if apply && format.isCode {
            return "--apply makes the changes itself; --format \(format.rawValue) only prints code"
        }
        return nil
    }

    /// Reads, plans and, with `apply`, carries out the plan and re-audits; `progress` hears each phase as it ends.
    public static func run<H: Hardener>(
        _ hardener: H, client: AWSClient, apply: Bool, progress: (@Sendable (HardenPhase) -> Void)? = nil
    ) async throws -> HardenRun<H> {
        var state = try await hardener.read(client: client)
        progress?(.read)
        let plan = try await hardener.plan(state, client: client)
        progress?(.planned)
        var outcome = HardenOutcome(plan: plan.plan)
        if apply {
            outcome.applied = await self.apply(hardener, plan, state: &state, client: client)
            progress?(.applied)
            if hardener.reauditsAfterFailure || !outcome.applied.contains(where: { $0.error != nil }) {
                outcome.reaudit = try await hardener.reaudit(plan, state: &state, client: client)
                outcome.plan.notes += hardener.reauditNotes(state)
                progress?(.rechecked)
            }
        }
        return HardenRun(state: state, plan: plan, outcome: outcome)
    }

    /// Carries out the steps in order; at the first failure of a step later steps depend on it stops and reports
    /// exactly what was done (running again plans only what is still missing).
    public static func apply<H: Hardener>(
        _ hardener: H, _ plan: H.Plan, state: inout H.State, client: AWSClient
    ) async -> [AppliedChange] {
        var applied: [AppliedChange] = []
        for (step, changes) in plan.stepChanges {
            do {
                try await hardener.perform(step, plan: plan, state: &state, client: client)
                applied += changes.map { AppliedChange(change: $0, error: nil) }
            } catch let partial as PartialStepFailure {
                for (index, change) in changes.enumerated() {
                    applied.append(
                        .init(change: change, error: index < partial.errors.count ? partial.errors[index] : nil))
                }
                if partial.errors.contains(where: { $0 != nil }) && hardener.laterStepsDepend(on: step) { break }
            } catch {
                applied += changes.map { AppliedChange(change: $0, error: "\(error)") }
                if hardener.laterStepsDepend(on: step) { break }
            }
        }
        return applied
    }

    /// The hardener's infrastructure code, after the format check.
    public static func code<H: Hardener>(
        _ hardener: H, format: HardenFormat, client: AWSClient?
    ) async throws
        -> HardenCode
    {
        if let problem = usageProblem(H.self, format: format, apply: false) { throw HardenFailure(problem) }
        var code = try await hardener.code(format, client: client)
        // Every hardener's Terraform laid out as `terraform fmt` would (a test runs `terraform fmt -check` on each).
        if format == .terraform { code.text = HCL.format(code.text) }
        return code
    }
}

/// The hardeners `rootguard harden` offers.
public enum Hardeners {
    /// Every action they call with the caller's own credentials (`rootguard policy --with-harden`); the
    /// AssumeRoot task sessions of `remove-root-credentials` are granted per task policy.
    public static var requiredActions: [String] {
        Array(
            Set(
                DenyRootSCP.requiredActions + OrganizationRootAccess.requiredActions
                    + AlternateContacts.requiredActions + RootMonitoring.requiredActions + WatchQueue.requiredActions)
        )
        .sorted()
    }
}
