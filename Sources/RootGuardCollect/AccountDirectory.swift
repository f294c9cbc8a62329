import Foundation
import RootGuardAWS
import RootGuardModel

/// Who an account is, for alerts and incident reports: its name and root e-mail address (Organizations'
/// DescribeAccount, else `account:GetPrimaryEmail`) and its SECURITY alternate contact, each read once per account
/// and cached (a burst of alerts reads nothing twice). What cannot be read is said, never guessed.
public actor AccountDirectory {
    public struct Entry: Sendable, Hashable, Codable {
        public var name: String?
        public var rootEmail: String?
        public var securityContact: String?
        /// What could not be read, one line each.
        public var unreadable: [String]

        public init(name: String?, rootEmail: String?, securityContact: String?, unreadable: [String]) {
            self.name = name
            self.rootEmail = rootEmail
            self.securityContact = securityContact
            self.unreadable = unreadable
        }
    }

    /// The actions it calls.
    public static let requiredActions = [
        "organizations:DescribeAccount", "account:GetPrimaryEmail", "account:GetAlternateContact",
    ]

    let client: AWSClient
    let includeContacts: Bool
    var cache: [String: Task<Entry, Never>] = [:]
    /// The caller's account, read once (a contact is asked for by account id only for other accounts).
    var caller: Task<String?, Never>?

    public init(client: AWSClient, includeContacts: Bool = true) {
        self.client = client
        self.includeContacts = includeContacts
    }

    public func entry(_ account: String) async -> Entry { await task(account).value }

    /// The entry if it is known within `limit` (nil otherwise; it is still read and cached for the next ask): an
    /// alert never waits long on Organizations.
    public func entry(_ account: String, within limit: Duration) async -> Entry? {
        let task = task(account)
        // A race that resumes once: the read (which a cancellation would not stop) or the end of the wait. A task
        // group would wait for its slower child.
        return await withCheckedContinuation { continuation in
            let race = FirstAnswer(continuation)
            Task { race.resume(await task.value) }
            Task {
                try? await Task.sleep(for: limit)
                race.resume(nil)
            }
        }
    }

    func task(_ account: String) -> Task<Entry, Never> {
        if let task = cache[account] { return task }
        let client = client
        if includeContacts && caller == nil {
            caller = Task { try? await client.callerIdentity().account.rawValue }
        }
        let caller = self.caller
        let task = Task { await Self.read(account, client: client, caller: caller) }
        cache[account] = task
        return task
    }

    /// `caller` is nil when contacts are not read.
    static func read(_ account: String, client: AWSClient, caller: Task<String?, Never>?) async -> Entry {
        var entry = Entry(name: nil, rootEmail: nil, securityContact: nil, unreadable: [])
        do {
            let described = try await client.organizations().describeAccount(.init(accountId: account)).account
            entry.name = described?.name
            entry.rootEmail = described?.email
        } catch {
            do {
                entry.rootEmail = try await client.account().getPrimaryEmail(.init(accountId: account)).primaryEmail
            } catch {
                entry.unreadable.append("root e-mail of \(account): \(error)")
            }
        }
        guard let caller else { return entry }
        do {
            let caller = await caller.value
            let contact = try await client.account().getAlternateContact(
                .init(alternateContactType: "SECURITY", accountId: caller == account ? nil : account)
            ).alternateContact
            entry.securityContact = [contact?.name, contact?.emailAddress, contact?.phoneNumber].compactMap { $0 }
                .joined(separator: ", ")
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            entry.securityContact = nil
        } catch {
            entry.unreadable.append("SECURITY contact of \(account): \(error)")
        }
        return entry
    }
}

/// Resumes a continuation with the first answer only.
private final class FirstAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<AccountDirectory.Entry?, Never>?

    init(_ continuation: CheckedContinuation<AccountDirectory.Entry?, Never>) { self.continuation = continuation }

    func resume(_ entry: AccountDirectory.Entry?) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: entry)
    }
}
