import Foundation
import RootGuardAWS
import RootGuardModel

/// `harden contacts --contacts FILE`: the SECURITY, OPERATIONS and BILLING alternate contacts (ROOT-BP 10), in this
/// account or, from the management account, in members (`--account`).
public struct AlternateContacts: Hardener {
    public static let subcommand = "contacts"
    public static let formats: Set<HardenFormat> = [.plan, .json, .terraform]
    public static let codeNeedsClient = false
    public static func unsupported(_ format: HardenFormat) -> String {
        format == .cloudformation
            ? "CloudFormation has no alternate-contact resource; use --format terraform or --apply"
            : "harden contacts has no --format \(format.rawValue)"
    }
    public static let requiredActions = [
        "account:GetAlternateContact", "account:PutAlternateContact", "organizations:DescribeAccount",
        "sts:GetCallerIdentity",
    ]

    /// Type (`SECURITY`, `OPERATIONS`, `BILLING`) → the wanted contact.
    public var contacts: [String: ContactDetails]
    /// Member accounts to set them in (empty: this account).
    public var accounts: [AccountID]

    public init(contacts: [String: ContactDetails], accounts: [AccountID] = []) {
        self.contacts = contacts
        self.accounts = accounts
    }

    /// One contact of one account.
    public struct Step: Sendable, Hashable {
        public var type: String
        /// nil: this account.
        public var account: AccountID?
    }

    public struct Plan: OneChangePerStepPlan {
        public typealias Step = AlternateContacts.Step
        public var plan: HardenPlan
        public var steps: [Step]
    }

    /// This account (the caller's); contacts are read per step in `plan`.
    public struct State: Sendable {
        public var identity: CallerIdentity?
    }

    public func read(client: AWSClient) async throws -> State { State(identity: nil) }

    /// Each contact is independent: one that fails does not stop the others, and the re-audit reads them all back.
    public func laterStepsDepend(on step: Step) -> Bool { false }
    public var reauditsAfterFailure: Bool { true }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        var changes: [PlannedChange] = []
        var steps: [Step] = []
        try await Self.checkMembers(accounts, client: client)
        for account in accounts.isEmpty ? [nil] : accounts.map(Optional.some) {
            for (type, wanted) in contacts.sorted(by: { $0.key < $1.key }) {
                let current: Account.AlternateContact?
                do {
                    current = try await client.account().getAlternateContact(
                        .init(alternateContactType: type, accountId: account?.rawValue)
                    ).alternateContact
                } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                    current = nil
                }
                if current?.emailAddress == wanted.email && current?.name == wanted.name
                    && current?.phoneNumber == wanted.phone && current?.title == wanted.title
                {
                    continue
                }
                steps.append(Step(type: type, account: account))
                changes.append(
                    .init(
                        service: "account", action: "PutAlternateContact",
                        resource: "\(type) of \(account?.rawValue ?? "this account") → \(wanted.email)",
                        why: type == "SECURITY"
                            ? "security-contact-registered (ROOT-BP 10)" : "alternate-contacts-complete (ROOT-BP 10)"))
            }
        }
        return Plan(plan: HardenPlan(subcommand: Self.subcommand, changes: changes), steps: steps)
    }

    /// Every `--account` must be an active member of the caller's organization: the Account API takes an AccountId
    /// only for members (a stand-in like moto takes any, and the run had said "done" for an account it cannot reach).
    static func checkMembers(_ accounts: [AccountID], client: AWSClient) async throws {
        guard !accounts.isEmpty else { return }
        let caller = try await client.callerIdentity().account
        for account in accounts where account != caller {
            do {
                let described = try await client.organizations().describeAccount(.init(accountId: account.rawValue))
                let state = described.account?.state ?? described.account?.status
                if let state, state != "ACTIVE" {
                    throw HardenFailure("--account \(account) is \(state) in the organization, not an active member")
                }
            } catch let error as AWSError where error.code == "AccountNotFoundException" {
                throw HardenFailure(
                    "--account \(account) is not a member of the caller's organization: its contacts can only be set with its own credentials or from its own organization's management account"
                )
            } catch let error as AWSError where error.code == "AWSOrganizationsNotInUseException" {
                throw HardenFailure(
                    "--account \(account): the caller's account (\(caller)) is in no organization, so no other account's contacts can be set from it"
                )
            } catch let error as AWSError where error.kind == .accessDenied {
                // Membership cannot be read (a delegated administrator of the Account API may lack it): the contact
                // calls answer for themselves.
                continue
            }
        }
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        guard let contact = contacts[step.type] else { return }
        _ = try await client.account().putAlternateContact(
            .init(
                name: contact.name, title: contact.title, emailAddress: contact.email, phoneNumber: contact.phone,
                alternateContactType: step.type, accountId: step.account?.rawValue))
    }

    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let identity = try await client.callerIdentity()
        state.identity = identity
        return await Self.reaudit(
            client: client, contacts: contacts, accounts: accounts, self: identity.account,
            partition: identity.partition)
    }

    /// The contacts read back: each wanted one present and equal is a PASS of security-contact-registered
    /// (SECURITY) or alternate-contacts-complete (the others).
    public static func reaudit(
        client: AWSClient, contacts: [String: ContactDetails], accounts: [AccountID], self own: AccountID,
        partition: String = "aws"
    )
        async -> [Finding]
    {
        var findings: [Finding] = []
        for account in accounts.isEmpty ? [own] : accounts {
            for (type, wanted) in contacts.sorted(by: { $0.key < $1.key }) {
                let id: CheckID = type == "SECURITY" ? "security-contact-registered" : "alternate-contacts-complete"
                // A contact that cannot be read back is NOT_EVALUATED with the reason, never taken for a FAIL or PASS.
                let status: Status
                let message: String
                do {
                    let current = try await client.account().getAlternateContact(
                        .init(alternateContactType: type, accountId: account == own ? nil : account.rawValue)
                    ).alternateContact
                    status = current?.emailAddress == wanted.email ? .pass : .fail
                    message =
                        status == .pass
                        ? "\(type) contact: \(wanted.email)." : "\(type) contact is not \(wanted.email)."
                } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                    (status, message) = (.fail, "\(type) contact is not set.")
                } catch {
                    (status, message) = (
                        .notEvaluated, "Not evaluated: the \(type) contact could not be read back: \(error)."
                    )
                }
                findings.append(
                    Finding(
                        checkId: id, status: status, severity: .medium, accountId: account,
                        resource: account.rootARN(partition: partition), message: message,
                        compliance: ["ROOT-BP": ["10"]], remediation: "rootguard harden contacts --apply"))
            }
        }
        return findings
    }
}

extension AlternateContacts {
    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        HardenCode(
            Self.terraform(contacts, accounts: accounts),
            notes: [
                "alternate contacts always exist as account settings: `terraform apply` takes them over and sets them as written"
            ])
    }

    /// Terraform (AWS provider `aws_account_alternate_contact`), one resource per contact and account.
    public static func terraform(_ contacts: [String: ContactDetails], accounts: [AccountID]) -> String {
        var out = "# rootguard: alternate contacts (ROOT-BP 10).\n"
        for account in accounts.isEmpty ? [nil] : accounts.map(Optional.some) {
            for (type, contact) in contacts.sorted(by: { $0.key < $1.key }) {
                let name = "rootguard_\(type.lowercased())" + (account.map { "_\($0)" } ?? "")
                out += """

                    resource "aws_account_alternate_contact" "\(name)" {
                    \(account.map { "  account_id             = \"\($0)\"\n" } ?? "")  alternate_contact_type = "\(type)"
                      name                   = \(HCL.string(contact.name))
                      title                  = \(HCL.string(contact.title))
                      email_address          = \(HCL.string(contact.email))
                      phone_number           = \(HCL.string(contact.phone))
                    }

                    """
            }
        }
        return out
    }
}
