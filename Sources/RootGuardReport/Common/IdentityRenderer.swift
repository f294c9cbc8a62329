import Foundation
import RootGuardModel

/// `rootguard whoami`.
public enum IdentityRenderer {
    public static func text(account: String?, arn: String?, userId: String?, credentialSource: String?) -> String {
        var out = ""
        out += "Account      \(TerminalSafe.escape(account ?? "-"))\n"
        out += "Arn          \(TerminalSafe.escape(arn ?? "-"))\n"
        out += "UserId       \(TerminalSafe.escape(userId ?? "-"))\n"
        if let arn, arn.hasSuffix(":root") {
            out += "Warning      these are ROOT USER credentials; use an IAM role for daily work\n"
        }
        if let credentialSource { out += "Credentials  \(TerminalSafe.escape(credentialSource))\n" }
        return out
    }

    public static func json(account: String?, arn: String?, userId: String?) throws -> String {
        let object = ["Account": account ?? "", "Arn": arn ?? "", "UserId": userId ?? ""]
        return try JSONText.string(object, .compact) + "\n"
    }
}
