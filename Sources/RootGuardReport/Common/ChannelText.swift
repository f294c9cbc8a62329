import Foundation
import RootGuardModel

/// The escaping rule of each chat channel, applied to a whole message: text from AWS or logs (an account name a
/// member's root chose, a user name, a path) must not act in the channel.
public enum ChannelText {
    /// Slack's `text` (and Slack-compatible webhooks): control characters made visible, then `&`, `<` and `>` as
    /// Slack's entities, so `<!channel>`, `<@U…>` and `<url|label>` written by an attacker stay text.
    public static func slack(_ text: String) -> String {
        var out = ""
        for character in TerminalSafe.escape(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
