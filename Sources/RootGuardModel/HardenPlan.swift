/// One change `rootguard harden` would make (or made): what, where, and the finding it fixes.
public struct PlannedChange: Codable, Sendable, Hashable {
    /// `organizations`, `iam`, `account`, …
    public var service: String
    /// The API action, e.g. `CreatePolicy`.
    public var action: String
    /// What it acts on, e.g. `rootguard-deny-root → r-abcd`.
    public var resource: String
    /// Why: the finding it fixes.
    public var why: String

    public init(service: String, action: String, resource: String, why: String) {
        self.service = service
        self.action = action
        self.resource = resource
        self.why = why
    }
}

/// Everything a `harden` subcommand would change, plus what it found but leaves alone.
public struct HardenPlan: Codable, Sendable, Hashable {
    public var subcommand: String
    public var changes: [PlannedChange]
    /// What it will not touch and why (an existing resource it did not create, a quota).
    public var notes: [String]

    public init(subcommand: String, changes: [PlannedChange], notes: [String] = []) {
        self.subcommand = subcommand
        self.changes = changes
        self.notes = notes
    }
}

/// The outcome of one applied change.
public struct AppliedChange: Codable, Sendable, Hashable {
    public var change: PlannedChange
    /// nil when it worked.
    public var error: String?

    public init(change: PlannedChange, error: String?) {
        self.change = change
        self.error = error
    }
}

/// A harden run: the plan, what was applied, and the re-audit's verdict on the findings the plan fixes.
public struct HardenOutcome: Codable, Sendable, Hashable {
    public var plan: HardenPlan
    public var applied: [AppliedChange]
    /// The findings the re-audit judged (empty for a dry run).
    public var reaudit: [Finding]

    public init(plan: HardenPlan, applied: [AppliedChange] = [], reaudit: [Finding] = []) {
        self.plan = plan
        self.applied = applied
        self.reaudit = reaudit
    }

    /// 0 nothing to change (or applied and the re-audit passes), 2 changes pending (dry run), 1 an error,
    /// 3 applied but the re-audit still fails.
    public func exitCode(applying: Bool) -> Int32 {
        if applied.contains(where: { $0.error != nil }) { return 1 }
        if !applying { return plan.changes.isEmpty ? 0 : 2 }
        // NOT_APPLICABLE (the management account for an SCP) is no failure; FAIL and NOT_EVALUATED are.
        return reaudit.contains { $0.status == .fail || $0.status == .notEvaluated } ? 3 : 0
    }
}
