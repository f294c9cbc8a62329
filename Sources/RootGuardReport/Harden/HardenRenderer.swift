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
}
