import ArgumentParser
import Foundation
import RootGuardModel

/// One validator per kind of value the commands take, so every command refuses the same bad value the same way
/// (exit 64, before any work).
enum ValueArguments {
    /// A webhook URL (`watch --webhook`, `respond --notify`): `https://` with a host; plain `http://` only to a
    /// loopback address (a local relay or a test), since the alert names the account's root e-mail. The value is not
    /// repeated in the error: a webhook's path often is its secret.
    static func checkWebhook(_ text: String, flag: String) throws {
        let printable = text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        guard printable, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty,
            host.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D || byte == 0x2E || byte == 0x3A || byte == 0x5B || byte == 0x5D
            }),
            text.lowercased().hasPrefix(scheme + "://")
        else {
            throw ValidationError("\(flag) must be an https:// URL with a host (the value given is not repeated)")
        }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "::1"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ValidationError(
                "\(flag) must be an https:// URL (plain http only to a loopback address: alerts carry the root e-mail)")
        }
    }

    /// A region name (`--region`, each of `--regions`): lower-case letters, digits and hyphens, of a known
    /// partition.
    static func checkRegion(_ text: String, flag: String) throws {
        if let problem = GlobalOptions.regionProblem(text) { throw ValidationError("\(flag): \(problem)") }
    }
}
