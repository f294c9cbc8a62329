import Foundation
import RootGuardModel

/// The text of `harden` commands: what would change, what changed, and the re-audit.
public enum HardenRenderer {
    /// Standard output and standard error for `remove-root-credentials`.
    public static func removal(_ lines: [RootCredentialRemovalOutcome]) -> (stdout: String, stderr: String) {
        var out = ""
        var err = ""
        func safe(_ text: String) -> String { TerminalSafe.escape(text) }
        for line in lines {
            switch line {
            case .unreadable(let account, let error):
                err += "error: \(account): \(safe(error))\n"
            case .nothingToRemove(let account):
                out += "\(account): root has no credentials; nothing to remove\n"
            case .wouldRemove(let account, let items):
                out += "\(account): would remove (dry run; pass --apply to remove):\n"
                for item in items { out += "  - \(safe(item))\n" }
            case .applied(let account, let removals, let remaining, let error):
                out += "\(account): removing:\n"
                for removal in removals {
                    out +=
                        "  \(removal.error == nil ? "removed" : "FAILED ") \(safe(removal.credential))"
                        + (removal.error.map { ": \(safe($0))" } ?? "") + "\n"
                }
                if let error {
                    err += "error: \(account): re-audit failed: \(safe(error))\n"
                } else if let remaining, !remaining.isEmpty {
                    out += "  re-audit: still present: \(safe(remaining.joined(separator: "; ")))\n"
                } else {
                    out += "  re-audit: root has no credentials left\n"
                }
            }
        }
        return (out, err)
    }

    /// `--format plan`: one line per change (service, action, resource, why), then notes; with `--apply`, each
    /// change's outcome and the re-audit.
    public static func plan(_ outcome: HardenOutcome, applying: Bool) -> String {
        func safe(_ text: String) -> String { TerminalSafe.escape(text) }
        var out = ""
        let plan = outcome.plan
        // `root-task …` names itself; harden's subcommands are named without their command.
        let name =
            plan.subcommand.contains(" ") || plan.subcommand == "respond"
            ? plan.subcommand : "harden \(plan.subcommand)"
        if plan.changes.isEmpty {
            out += "\(name): nothing to change.\n"
        } else if !applying {
            out +=
                "\(name): \(plural(plan.changes.count, "change")) (dry run; pass --apply to make them):\n"
            for change in plan.changes {
                out += "  \(change.service)  \(change.action)  \(safe(change.resource))  — \(safe(change.why))\n"
            }
        } else {
            out += "\(name): applying \(plural(plan.changes.count, "change")):\n"
            for applied in outcome.applied {
                let change = applied.change
                out +=
                    "  \(applied.error == nil ? "done   " : "FAILED ") \(change.service)  \(change.action)  \(safe(change.resource))"
                    + (applied.error.map { ": \(safe($0))" } ?? "") + "\n"
            }
            let skipped = plan.changes.count - outcome.applied.count
            if skipped > 0 {
                out += "  not attempted after the failure: \(plural(skipped, "change")); run again to finish\n"
            }
        }
        for note in plan.notes { out += "  note: \(safe(note))\n" }
        if !outcome.reaudit.isEmpty {
            out += "re-audit:\n"
            for finding in outcome.reaudit {
                out +=
                    "  \(finding.status.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))\(finding.accountId)  \(safe(finding.checkId.rawValue))  \(safe(finding.message))\n"
            }
        }
        return out
    }

    /// `--format json`: the plan (and outcome) as data.
    public static func json(_ outcome: HardenOutcome) throws -> String {
        try JSONText.string(Stamped(value: outcome), .pretty) + "\n"
    }
}
