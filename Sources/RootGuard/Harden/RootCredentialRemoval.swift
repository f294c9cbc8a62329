import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel

/// `harden remove-root-credentials`: per member account, read root's credentials through AssumeRoot, and with
/// `apply` delete them and read again (the re-audit). Dry run by default.
public enum RootCredentialRemoval {
    public typealias Outcome = RootCredentialRemovalOutcome

    public static func run(accounts: [AccountID], apply: Bool, client: AWSClient) async -> [Outcome] {
        let sessions = RootSessions(client: client)
        var outcomes: [Outcome] = []
        for account in accounts {
            let before: RootCredentialInventory
            do {
                before = try await sessions.inventory(account: account)
            } catch {
                outcomes.append(.unreadable(account, error: "\(error)"))
                continue
            }
            if before.isEmpty {
                outcomes.append(.nothingToRemove(account))
                continue
            }
            guard apply else {
                outcomes.append(.wouldRemove(account, before.lines))
                continue
            }
            let removals: [RootSessions.Removal]
            do {
                removals = try await sessions.removeCredentials(account: account, inventory: before)
            } catch {
                outcomes.append(.applied(account, removals: [], remaining: nil, reauditError: "\(error)"))
                continue
            }
            do {
                let after = try await sessions.inventory(account: account)
                outcomes.append(.applied(account, removals: removals, remaining: after.lines, reauditError: nil))
            } catch {
                outcomes.append(.applied(account, removals: removals, remaining: nil, reauditError: "\(error)"))
            }
        }
        return outcomes
    }

    /// harden's exit codes: 1 when anything failed, else 2 when credentials would be removed (dry run), 3 when
    /// credentials remain after `--apply`, else 0.
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
                if error != nil || removals.contains(where: { $0.error != nil }) { failed = true }
                if left.map({ !$0.isEmpty }) ?? true { remaining = true }
            }
        }
        return failed ? 1 : remaining ? 3 : pending ? 2 : 0
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

    /// The same run in harden's common model (`--format json`): one change per credential, what was applied, and the
    /// re-audit of ROOT-BP 14 per account that was changed.
    public static func hardenOutcome(_ outcomes: [Outcome]) -> HardenOutcome {
        var plan = HardenPlan(subcommand: "remove-root-credentials", changes: [])
        var applied: [AppliedChange] = []
        var reaudit: [Finding] = []
        for outcome in outcomes {
            switch outcome {
            case .unreadable(let account, let error):
                plan.notes.append("\(account): the root credentials could not be read: \(error)")
            case .nothingToRemove:
                break
            case .wouldRemove(let account, let lines):
                plan.changes += lines.map { change(account: account, credential: $0) }
            case .applied(let account, let removals, let remaining, let error):
                for removal in removals {
                    let planned = change(account: account, credential: removal.credential)
                    plan.changes.append(planned)
                    applied.append(.init(change: planned, error: removal.error))
                }
                let status: Status
                let message: String
                if let remaining {
                    status = remaining.isEmpty ? .pass : .fail
                    message =
                        remaining.isEmpty
                        ? "Root has no credentials left." : "Still present: \(remaining.joined(separator: "; "))."
                } else {
                    status = .notEvaluated
                    message = "Not evaluated: the credentials could not be read back: \(error ?? "unknown error")."
                }
                reaudit.append(
                    Finding(
                        checkId: "member-root-credentials-removed", status: status, severity: .high,
                        accountId: account, resource: account.rootARN(partition: "aws"), message: message,
                        compliance: ["ROOT-BP": ["14"]],
                        remediation: "rootguard harden remove-root-credentials --account \(account) --apply"))
            }
        }
        return HardenOutcome(plan: plan, applied: applied, reaudit: reaudit)
    }
}
