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

    /// 1 when anything failed, else 2 when credentials remain (or would be removed), else 0.
    public static func exitCode(_ outcomes: [Outcome]) -> Int32 {
        var failed = false
        var remaining = false
        for outcome in outcomes {
            switch outcome {
            case .unreadable: failed = true
            case .nothingToRemove: break
            case .wouldRemove: remaining = true
            case .applied(_, let removals, let left, let error):
                if error != nil || removals.contains(where: { $0.error != nil }) { failed = true }
                if left.map({ !$0.isEmpty }) ?? true { remaining = true }
            }
        }
        return failed ? 1 : remaining ? 2 : 0
    }
}
