import Foundation
import RootGuardAWS
import RootGuardModel

/// One client per member account and base client for a whole run: the role is assumed once and its session reused
/// until it nears expiry, whoever asks (the containment's reads, steps and re-check, the event-history reads).
public final class MemberClients: @unchecked Sendable {
    public let role: String
    private let lock = NSLock()
    private var clients: [String: (base: AWSClient, client: AWSClient)] = [:]

    public init(role: String) { self.role = role }

    /// A client acting in `account` through the role, made once per base client.
    public func client(_ account: AccountID, base: AWSClient) -> AWSClient {
        let key = "\(ObjectIdentifier(base).hashValue)/\(account)"
        return lock.withLock {
            if let known = clients[key], known.base === base { return known.client }
            let made = IncidentContainment.memberClient(account, role: role, base: base)
            // The base is kept with its client, so its identifier is never reused by another client in this run.
            clients[key] = (base, made)
            return made
        }
    }
}
