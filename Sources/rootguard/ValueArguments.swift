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
        guard scheme == "https" || (scheme == "http" && isLoopback(host)) else {
            throw ValidationError(
                "\(flag) must be an https:// URL (plain http only to a loopback address: alerts carry the root e-mail)")
        }
    }

    /// `localhost`, `::1`, or an IPv4 address in 127.0.0.0/8 written as four decimal octets (`127.example.com` is a
    /// name, not a loopback address).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ $0.count <= 3 && !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            octets.allSatisfy({ Int($0).map { $0 <= 255 } ?? false })
        else { return false }
        return octets[0] == "127"
    }

    /// A region name (`--region`, each of `--regions`): lower-case letters, digits and hyphens, of a known
    /// partition.
    static func checkRegion(_ text: String, flag: String) throws {
        if let problem = GlobalOptions.regionProblem(text) { throw ValidationError("\(flag): \(problem)") }
    }
}
