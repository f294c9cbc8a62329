import Foundation
import RootGuardAWS

/// Two reference accounts built through the real API (plus the plugin's root state), used by end-to-end tests
/// and to produce the bundled example snapshots.
public enum MotoScenarios {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Root with a password used 3 days ago, no MFA, two access keys (one active, used yesterday; one inactive), a
    /// signing certificate; no other administrator; no contacts; standalone account.
    public static func insecure(_ moto: MotoServer, now: Date = Date()) async throws {
        let account = MotoServer.defaultAccount
        try await moto.setRoot(
            account: account,
            [
                "created": "2019-03-01T09:00:00+00:00",
                "password": ["enabled": true, "lastUsed": iso(now.addingTimeInterval(-3 * 86_400))],
                "mfaDevices": [] as [Any],
                "accessKeys": [
                    [
                        "id": "AKIAROOTEXAMPLE00001", "active": true, "created": "2019-03-02T10:00:00+00:00",
                        "lastUsed": iso(now.addingTimeInterval(-86_400)), "lastUsedRegion": "us-east-1",
                        "lastUsedService": "s3",
                    ],
                    ["id": "AKIAROOTEXAMPLE00002", "active": false, "created": "2020-06-01T10:00:00+00:00"],
                ],
                "signingCertificates": [
                    ["id": "ROOTCERTEXAMPLE", "active": true, "uploaded": "2019-03-02T10:00:00+00:00"]
                ],
            ])
        try await moto.client().using { client in
            _ = try await client.iam().createUser(.init(userName: "developer"))
            _ = try await client.iam().putUserPolicy(
                .init(
                    userName: "developer", policyName: "s3-read",
                    policyDocument: .init(
                        json:
                            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}"#
                    )))
        }
    }

    /// Organization management account; root with a password last used 200 days ago, hardware MFA only, no keys,
    /// no certificates; an admin role and a billing role; all contacts set and distinct.
    public static func hardened(_ moto: MotoServer, now: Date = Date()) async throws {
        let account = MotoServer.defaultAccount
        try await moto.client().using { client in
            try await hardenedAccount(moto, client: client, account: account, now: now)
        }
    }

    static func hardenedAccount(_ moto: MotoServer, client: AWSClient, account: String, now: Date) async throws {
        _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
        _ = try await client.organizations().createAccount(
            .init(email: "aws-workload-prod-root@example.com", accountName: "workload-prod"))
        _ = try await client.organizations().enableAWSServiceAccess(.init(servicePrincipal: "iam.amazonaws.com"))
        _ = try await client.iam().enableOrganizationsRootCredentialsManagement()
        _ = try await client.iam().enableOrganizationsRootSessions()
        try await moto.setRoot(
            account: account,
            [
                "created": "2019-03-01T09:00:00+00:00",
                "password": ["enabled": true, "lastUsed": iso(now.addingTimeInterval(-200 * 86_400))],
                "mfaDevices": [
                    ["serial": "arn:aws:iam::\(account):u2f/root/YubiKey-A", "type": "hardware"],
                    ["serial": "arn:aws:iam::\(account):u2f/root/YubiKey-B", "type": "hardware"],
                ],
                "accessKeys": [] as [Any], "signingCertificates": [] as [Any],
            ])
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::\#(account):saml-provider/IdentityCenter"},"Action":"sts:AssumeRoleWithSAML"}]}"#
        let admin = try await client.iam().createPolicy(
            .init(
                policyName: "Administrator",
                policyDocument: .init(
                    json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)))
        _ = try await client.iam().createRole(
            .init(
                roleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                assumeRolePolicyDocument: .init(json: trust)))
        _ = try await client.iam().attachRolePolicy(
            .init(roleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef", policyArn: admin.policy?.arn))
        // Administrators may not start privileged root sessions; one break-glass role may, for named tasks, with
        // MFA, in a named member account (assume-root-callers-restricted).
        _ = try await client.iam().putRolePolicyCompatible(
            roleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Sid":"NoPrivilegedRootSessions","Effect":"Deny","Action":"sts:AssumeRoot","Resource":"*"}]}"#
        )
        _ = try await client.iam().createRole(
            .init(roleName: "RootTaskBreakGlass", assumeRolePolicyDocument: .init(json: trust)))
        _ = try await client.iam().putRolePolicyCompatible(
            roleName: "RootTaskBreakGlass",
            document: """
                {"Version":"2012-10-17","Statement":[{"Sid":"UnlockAndAuditOnly","Effect":"Allow",\
                "Action":"sts:AssumeRoot","Resource":"arn:aws:iam::222233334444:root","Condition":{"StringEquals":\
                {"sts:TaskPolicyArn":["arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",\
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"]},\
                "Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}
                """)
        _ = try await client.iam().createRole(.init(roleName: "Billing", assumeRolePolicyDocument: .init(json: trust)))
        _ = try await client.iam().putRolePolicyCompatible(
            roleName: "Billing",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-portal:*","billing:*","ce:*"],"Resource":"*"}]}"#
        )
        let contacts = [
            ("SECURITY", "Security Operations", "aws-security@example.com", "+1-206-555-0101"),
            ("OPERATIONS", "Cloud Platform", "aws-operations@example.com", "+1-206-555-0102"),
            ("BILLING", "Finance", "aws-billing@example.com", "+1-206-555-0103"),
        ]
        for (type, name, email, phone) in contacts {
            _ = try await client.account().putAlternateContact(
                .init(name: name, title: name, emailAddress: email, phoneNumber: phone, alternateContactType: type))
        }
        try await moto.setContactInformation(
            account: account,
            [
                "FullName": "Example Corp Cloud", "CompanyName": "Example Corp", "AddressLine1": "1 Main Street",
                "City": "Seattle", "PostalCode": "98101", "CountryCode": "US", "PhoneNumber": "+1-206-555-0100",
            ])
    }
}

extension IAM.Client {
    /// A role policy through a customer-managed policy (the generated client carries no PutRolePolicy).
    func putRolePolicyCompatible(roleName: String, document: String) async throws {
        let policy = try await createPolicy(
            .init(policyName: "\(roleName)-policy", policyDocument: .init(json: document)))
        _ = try await attachRolePolicy(.init(roleName: roleName, policyArn: policy.policy?.arn))
    }
}
