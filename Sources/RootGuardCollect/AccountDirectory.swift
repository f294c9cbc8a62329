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

    public init(client: AWSClient, includeContacts: Bool = true) {
        self.client = client
        self.includeContacts = includeContacts
    }

    public func entry(_ account: String) async -> Entry {
        if let task = cache[account] { return await task.value }
        let client = client
        let contacts = includeContacts
        let task = Task { await Self.read(account, client: client, contacts: contacts) }
        cache[account] = task
        return await task.value
    }

    static func read(_ account: String, client: AWSClient, contacts: Bool) async -> Entry {
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
        guard contacts else { return entry }
        do {
            let caller = try? await client.callerIdentity().account.rawValue
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
