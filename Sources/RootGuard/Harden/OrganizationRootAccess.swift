import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardModel

/// `harden org-root-access`: IAM trusted access in Organizations, then centralised root access
/// (`RootCredentialsManagement`, `RootSessions`): ROOT-BP 13. Each step only when it is not on yet.
public enum OrganizationRootAccess {
    public static let requiredActions = [
        "organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization",
        "organizations:EnableAWSServiceAccess", "iam:ListOrganizationsFeatures",
        "iam:EnableOrganizationsRootCredentialsManagement", "iam:EnableOrganizationsRootSessions",
    ]

    public static func plan(client: AWSClient) async throws -> HardenPlan {
        let trusted =
            try await client.organizations().listAWSServiceAccessForOrganization()
            .enabledServicePrincipals?.compactMap(\.servicePrincipal) ?? []
        let features = (try? await client.iam().listOrganizationsFeatures().enabledFeatures) ?? []
        let why = "centralized-root-access (ROOT-BP 13)"
        var changes: [PlannedChange] = []
        if !trusted.contains("iam.amazonaws.com") {
            changes.append(
                .init(
                    service: "organizations", action: "EnableAWSServiceAccess", resource: "iam.amazonaws.com", why: why)
            )
        }
        if !features.contains("RootCredentialsManagement") {
            changes.append(
                .init(
                    service: "iam", action: "EnableOrganizationsRootCredentialsManagement", resource: "organization",
                    why: why))
        }
        if !features.contains("RootSessions") {
            changes.append(
                .init(service: "iam", action: "EnableOrganizationsRootSessions", resource: "organization", why: why))
        }
        return HardenPlan(subcommand: "org-root-access", changes: changes)
    }

    public static func apply(_ plan: HardenPlan, client: AWSClient) async -> [AppliedChange] {
        var applied: [AppliedChange] = []
        for change in plan.changes {
            do {
                switch change.action {
                case "EnableAWSServiceAccess":
                    _ = try await client.organizations().enableAWSServiceAccess(
                        .init(servicePrincipal: "iam.amazonaws.com"))
                case "EnableOrganizationsRootCredentialsManagement":
                    _ = try await client.iam().enableOrganizationsRootCredentialsManagement()
                case "EnableOrganizationsRootSessions":
                    _ = try await client.iam().enableOrganizationsRootSessions()
                default:
                    throw DenyRootSCP.Failure(description: "unknown change \(change.action)")
                }
                applied.append(.init(change: change, error: nil))
            } catch {
                applied.append(.init(change: change, error: "\(error)"))
                break
            }
        }
        return applied
    }

    /// The check ROOT-BP 13 runs, on facts collected afresh.
    public static func reaudit(client: AWSClient) async throws -> [Finding] {
        let snapshot = try await Auditor.collect(client: client, reportWait: .seconds(30), monitoring: false)
        return CentralizedRootAccessEnabled().evaluate(snapshot, .init(now: Date()))
    }
}

/// `harden contacts --contacts FILE`: the SECURITY, OPERATIONS and BILLING alternate contacts (ROOT-BP 10), in this
/// account or, from the management account, in members (`--account`).
public enum AlternateContacts {
    public static let requiredActions = ["account:GetAlternateContact", "account:PutAlternateContact"]

    public struct Contact: Codable, Sendable, Hashable {
        public var name: String
        public var title: String
        public var email: String
        public var phone: String

        public init(name: String, title: String, email: String, phone: String) {
            self.name = name
            self.title = title
            self.email = email
            self.phone = phone
        }
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    static let keys = YAMLKeys.map(
        Dictionary(
            uniqueKeysWithValues: ["security", "operations", "billing"].map {
                ($0, YAMLKeys.map(["name": .scalar, "title": .scalar, "email": .scalar, "phone": .scalar]))
            }))

    /// Type (`SECURITY`, …) → contact, from the YAML file (`security: {name, title, email, phone}`, …).
    public static func load(_ path: String) throws -> [String: Contact] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the contacts file")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            try keys.check(text, name: path)
        } catch let violation as YAMLKeys.Violation {
            throw LoadError(description: violation.description)
        }
        let decoded: [String: Contact]
        do {
            decoded = try YAMLDecoderBridge.decode([String: Contact].self, text)
        } catch let error as DecodingError {
            throw LoadError(description: "\(path): \(SnapshotFile.describe(error))")
        }
        guard !decoded.isEmpty else {
            throw LoadError(description: "\(path): no contact (security, operations, billing)")
        }
        for (type, contact) in decoded {
            guard contact.email.contains("@"), !contact.name.isEmpty, !contact.phone.isEmpty else {
                throw LoadError(description: "\(path): \(type): name, email and phone must all be set")
            }
        }
        return Dictionary(uniqueKeysWithValues: decoded.map { ($0.key.uppercased(), $0.value) })
    }

    public static func plan(
        client: AWSClient, contacts: [String: Contact], accounts: [AccountID]
    ) async throws
        -> HardenPlan
    {
        var changes: [PlannedChange] = []
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
                changes.append(
                    .init(
                        service: "account", action: "PutAlternateContact",
                        resource: "\(type) of \(account?.rawValue ?? "this account") → \(wanted.email)",
                        why: type == "SECURITY"
                            ? "security-contact-registered (ROOT-BP 10)" : "alternate-contacts-complete (ROOT-BP 10)"))
            }
        }
        return HardenPlan(subcommand: "contacts", changes: changes)
    }

    public static func apply(
        _ plan: HardenPlan, client: AWSClient, contacts: [String: Contact]
    ) async -> [AppliedChange] {
        var applied: [AppliedChange] = []
        for change in plan.changes {
            let words = change.resource.split(separator: " ")
            let type = String(words[0])
            let account = words.count > 2 && words[2] != "this" ? String(words[2]) : nil
            guard let contact = contacts[type] else { continue }
            do {
                _ = try await client.account().putAlternateContact(
                    .init(
                        name: contact.name, title: contact.title, emailAddress: contact.email,
                        phoneNumber: contact.phone, alternateContactType: type, accountId: account))
                applied.append(.init(change: change, error: nil))
            } catch {
                applied.append(.init(change: change, error: "\(error)"))
            }
        }
        return applied
    }

    /// The contacts read back: each wanted one present and equal is a PASS of security-contact-registered
    /// (SECURITY) or alternate-contacts-complete (the others).
    public static func reaudit(
        client: AWSClient, contacts: [String: Contact], accounts: [AccountID], self own: AccountID,
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
    /// Terraform (AWS provider `aws_account_alternate_contact`), one resource per contact and account.
    public static func terraform(_ contacts: [String: Contact], accounts: [AccountID]) -> String {
        var out = "# rootguard: alternate contacts (ROOT-BP 10).\n"
        for account in accounts.isEmpty ? [nil] : accounts.map(Optional.some) {
            for (type, contact) in contacts.sorted(by: { $0.key < $1.key }) {
                let name = "rootguard_\(type.lowercased())" + (account.map { "_\($0)" } ?? "")
                out += """

                    resource "aws_account_alternate_contact" "\(name)" {
                    \(account.map { "  account_id             = \"\($0)\"\n" } ?? "")  alternate_contact_type = "\(type)"
                      name                   = \(hcl(contact.name))
                      title                  = \(hcl(contact.title))
                      email_address          = \(hcl(contact.email))
                      phone_number           = \(hcl(contact.phone))
                    }

                    """
            }
        }
        return out
    }

    /// A quoted HCL string.
    static func hcl(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "$": out += "$$"
            case "%": out += "%%"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
