import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel

/// `harden remove-root-credentials` (the task `IAMDeleteRootUserCredentials`): per member account, read root's
/// credentials through AssumeRoot, and with `apply` delete them and read again (the re-audit). Dry run by default.
/// Accounts are independent: one that cannot be read or changed does not stop the others.
public struct RootCredentialRemoval: Hardener {
    public typealias Outcome = RootCredentialRemovalOutcome
    public static let subcommand = "remove-root-credentials"
    public static func unsupported(_ format: HardenFormat) -> String {
        "remove-root-credentials has no infrastructure-code form (AWS offers no resource for it)"
    }
    public static var requiredActions: [String] { RootSessions.requiredActions }

    public var accounts: [AccountID]
    /// Approves each AssumeRoot session before it starts (`root-task delete-credentials`).
    public var approver: (any RootSessions.Approver)?

    public init(accounts: [AccountID], approver: (any RootSessions.Approver)? = nil) {
        self.accounts = accounts
        self.approver = approver
    }

    /// One member account: what was read, removed and read back.
    public struct AccountState: Sendable {
        public var account: AccountID
        /// The credentials before, or why they could not be read.
        public var before: Result<RootCredentialInventory, HardenFailure>
        /// Each removal, once applied.
        public var removals: [CredentialRemoval]?
        /// What the re-audit still found; nil when not read back.
        public var remaining: [String]?
        public var reauditError: String?
    }

    public struct State: Sendable {
        public var accounts: [AccountState]
    }

    /// Remove every credential of one account in one AssumeRoot session.
    public struct Step: Sendable {
        public var index: Int
        public var inventory: RootCredentialInventory
    }

    public struct Plan: HardenerPlan {
        public var plan: HardenPlan
        public var stepChanges: [(step: Step, changes: [PlannedChange])]
    }

    public func read(client: AWSClient) async throws -> State {
        let sessions = RootSessions(client: client, approver: approver)
        var states: [AccountState] = []
        for account in accounts {
            do {
                states.append(.init(account: account, before: .success(try await sessions.inventory(account: account))))
            } catch {
                states.append(.init(account: account, before: .failure(HardenFailure("\(error)"))))
            }
        }
        return State(accounts: states)
    }

    static let why = "member-root-credentials-removed (ROOT-BP 14)"

    /// The IAM action that removes a credential, from its inventory line.
    static func change(account: AccountID, credential: String) -> PlannedChange {
        let action =
            credential.hasPrefix("console password")
            ? "DeleteLoginProfile"
            : credential.hasPrefix("access key")
                ? "DeleteAccessKey"
                : credential.hasPrefix("signing certificate") ? "DeleteSigningCertificate" : "DeactivateMFADevice"
        return PlannedChange(service: "iam", action: action, resource: "\(account) root: \(credential)", why: why)
    }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        var plan = Plan(plan: HardenPlan(subcommand: Self.subcommand, changes: []), stepChanges: [])
        for (index, account) in state.accounts.enumerated() {
            switch account.before {
            case .failure(let error):
                plan.plan.notes.append("\(account.account): the root credentials could not be read: \(error)")
            case .success(let inventory) where !inventory.isEmpty:
                let changes = inventory.lines.map { Self.change(account: account.account, credential: $0) }
                plan.plan.changes += changes
                plan.stepChanges.append((Step(index: index, inventory: inventory), changes))
            case .success:
                break
            }
        }
        return plan
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        let account = state.accounts[step.index].account
        let removals = try await RootSessions(client: client, approver: approver).removeCredentials(
            account: account, inventory: step.inventory)
        state.accounts[step.index].removals = removals
        guard removals.contains(where: { $0.error != nil }) else { return }
        // Each planned change gets the error of the removal that names its credential.
        throw PartialStepFailure(
            errors: step.inventory.lines.map { line in
                removals.first { line.hasPrefix($0.credential) }?.error
            })
    }

    public func laterStepsDepend(on step: Step) -> Bool { false }
    public var reauditsAfterFailure: Bool { true }

    /// ROOT-BP 14 for each account that was changed: the credentials read back.
    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let sessions = RootSessions(client: client, approver: approver)
        var findings: [Finding] = []
        for (step, _) in plan.stepChanges {
            let account = state.accounts[step.index].account
            let status: Status
            let message: String
            do {
                let remaining = try await sessions.inventory(account: account).lines
                state.accounts[step.index].remaining = remaining
                status = remaining.isEmpty ? .pass : .fail
                message =
                    remaining.isEmpty
                    ? "Root has no credentials left." : "Still present: \(remaining.joined(separator: "; "))."
            } catch {
                state.accounts[step.index].reauditError = "\(error)"
                status = .notEvaluated
                message = "Not evaluated: the credentials could not be read back: \(error)."
            }
            findings.append(
                Finding(
                    checkId: "member-root-credentials-removed", status: status, severity: .high, accountId: account,
                    resource: account.rootARN(partition: client.configuration.region.partition.name),
                    message: message, compliance: ["ROOT-BP": ["14"]],
                    remediation: "rootguard harden remove-root-credentials --account \(account) --apply"))
        }
        return findings
    }

    /// Per account, what happened (the text form).
    public static func outcomes(_ state: State, applied: Bool) -> [Outcome] {
        state.accounts.map { account in
            switch account.before {
            case .failure(let error): return .unreadable(account.account, error: error.description)
            case .success(let inventory) where inventory.isEmpty: return .nothingToRemove(account.account)
            case .success(let inventory):
                guard applied else { return .wouldRemove(account.account, inventory.lines) }
                return .applied(
                    account.account, removals: account.removals ?? [], remaining: account.remaining,
                    reauditError: account.reauditError)
            }
        }
    }

    /// harden's exit codes: 1 when an account's credentials could not be read (before or after), else 3 when
    /// credentials remain after `--apply` (a refused removal included: the re-check names what is left), else 2 when
    /// credentials would be removed (dry run), else 0.
    public func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32 {
        Self.exitCode(Self.outcomes(run.state, applied: applying))
    }

    public static func exitCode(_ outcomes: [Outcome]) -> Int32 {
        var failed = false
        var pending = false
        var remaining = false
        for outcome in outcomes {
            switch outcome {
            case .unreadable: failed = true
            case .nothingToRemove: break
            case .wouldRemove: pending = true
            case .applied(_, let removals, let left, let error):
                if error != nil { failed = true }
                if left.map({ !$0.isEmpty }) ?? true || removals.contains(where: { $0.error != nil }) {
                    remaining = true
                }
            }
        }
        return failed ? 1 : remaining ? 3 : pending ? 2 : 0
    }
}
