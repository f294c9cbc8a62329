import Foundation
import RootGuardTesting
import Testing

@testable import RootGuardAWS

/// Every operation of the client, against a real moto server (plus rootguard's root-user plugin).
@Suite("Against moto", .motoServer, .serialized)
struct MotoTests {}

/// The account moto files requests under, for keys it does not know.
let motoAccount = MotoServer.defaultAccount

extension MotoTests {
    @Suite("IAM") struct IAMOperations {
        @Test func rootFactsComeBackThroughThePlugin() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.setRoot(
                account: motoAccount,
                [
                    "password": ["enabled": true, "lastUsed": "2026-11-01T10:00:00+00:00"],
                    "mfaDevices": [
                        ["serial": "arn:aws:iam::\(motoAccount):mfa/root-account-mfa-device", "type": "virtual"],
                        ["serial": "GAHT12345678", "type": "hardware"],
                    ],
                    "accessKeys": [["id": "AKIAROOTKEY1", "active": false, "lastUsed": "2026-10-01T00:00:00+00:00"]],
                ])
            try await moto.client().using { client in
                let iam = client.iam()
                let summary = try await iam.getAccountSummary().summaryMap ?? [:]
                #expect(summary["AccountMFAEnabled"] == 1)
                #expect(summary["AccountPasswordPresent"] == 1)
                #expect(summary["AccountAccessKeysPresent"] == 1)
                #expect(summary["AccountSigningCertificatesPresent"] == 0)

                var state = try await iam.generateCredentialReport().state
                for _ in 0..<10 where state != "COMPLETE" { state = try await iam.generateCredentialReport().state }
                #expect(state == "COMPLETE")
                let report = try await iam.getCredentialReport()
                let csv = String(decoding: try #require(report.content), as: UTF8.self)
                let rows = csv.split(separator: "\n")
                #expect(rows.first?.hasPrefix("user,arn,user_creation_time,password_enabled") == true)
                let root = try #require(rows.first { $0.hasPrefix("<root_account>,") })
                #expect(root.contains("arn:aws:iam::\(motoAccount):root,"))
                #expect(report.reportFormat == "text/csv")

                // Three virtual devices, one page at a time: the root's one is among them, by exact ARN.
                for name in ["alice", "bob"] {
                    _ = try await iam.createVirtualMFADevice(.init(virtualMFADeviceName: name))
                }
                let pages = try await iam.listVirtualMFADevicesPaginator(.init(maxItems: 1)).collect()
                #expect(pages.count == 3)
                let devices = pages.flatMap { $0.virtualMFADevices ?? [] }
                #expect(devices.count == 3)
                #expect(
                    devices.filter { $0.user?.arn == "arn:aws:iam::\(motoAccount):root" }.map(\.serialNumber) == [
                        "arn:aws:iam::\(motoAccount):mfa/root-account-mfa-device"
                    ])
            }
        }

        @Test func usersKeysDevicesPoliciesAndAuthorizationDetails() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let iam = client.iam()
                _ = try await iam.createUser(.init(userName: "alice"))
                #expect(try await iam.getUser(.init(userName: "alice")).user?.userName == "alice")
                let key = try #require(try await iam.createAccessKey(.init(userName: "alice")).accessKey)
                _ = try await iam.updateAccessKey(
                    .init(userName: "alice", accessKeyId: key.accessKeyId, status: "Inactive"))
                let keys = try await iam.listAccessKeys(.init(userName: "alice")).accessKeyMetadata ?? []
                #expect(keys.map(\.status) == ["Inactive"])
                _ = try await iam.getAccessKeyLastUsed(.init(accessKeyId: key.accessKeyId))
                _ = try await iam.createLoginProfile(.init(userName: "alice", password: "Correct-Horse-9-Battery"))
                #expect(try await iam.getLoginProfile(.init(userName: "alice")).loginProfile?.userName == "alice")

                let device = try #require(
                    try await iam.createVirtualMFADevice(.init(virtualMFADeviceName: "alice")).virtualMFADevice)
                _ = try await iam.enableMFADevice(
                    .init(
                        userName: "alice", serialNumber: device.serialNumber, authenticationCode1: "123456",
                        authenticationCode2: "654321"))
                #expect(try await iam.listMFADevices(.init(userName: "alice")).mfaDevices?.count == 1)
                _ = try await iam.deactivateMFADevice(.init(userName: "alice", serialNumber: device.serialNumber))
                _ = try await iam.deleteVirtualMFADevice(.init(serialNumber: device.serialNumber))

                let certificate = try await iam.uploadSigningCertificate(
                    .init(userName: "alice", certificateBody: Self.certificate))
                let certificates = try await iam.listSigningCertificates(.init(userName: "alice")).certificates ?? []
                #expect(certificates.count == 1)
                _ = try await iam.deleteSigningCertificate(
                    .init(userName: "alice", certificateId: certificate.certificate?.certificateId))

                let document: IAMPolicyDocument =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                let policy = try #require(
                    try await iam.createPolicy(.init(policyName: "Admin", policyDocument: document)).policy)
                _ = try await iam.attachUserPolicy(.init(userName: "alice", policyArn: policy.arn))
                _ = try await iam.putUserPolicy(
                    .init(
                        userName: "alice", policyName: "billing",
                        policyDocument:
                            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-portal:*","Resource":"*"}]}"#
                    ))
                let trust: IAMPolicyDocument =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#
                _ = try await iam.createRole(.init(roleName: "Auditor", assumeRolePolicyDocument: trust))
                _ = try await iam.attachRolePolicy(.init(roleName: "Auditor", policyArn: policy.arn))

                let details = try await iam.getAccountAuthorizationDetailsPaginator(
                    .init(filter: ["User", "Role", "LocalManagedPolicy"])
                )
                .collect()
                let user = try #require(details.flatMap { $0.userDetailList ?? [] }.first { $0.userName == "alice" })
                #expect(user.attachedManagedPolicies?.map(\.policyArn) == [policy.arn])
                // Documents are URL-encoded on the wire; the client hands back JSON.
                let inline = try #require(user.userPolicyList?.first?.policyDocument)
                #expect(inline.object?["Version"] as? String == "2012-10-17")
                #expect(inline.json.contains("aws-portal:*"))
                let role = try #require(details.flatMap { $0.roleDetailList ?? [] }.first { $0.roleName == "Auditor" })
                #expect(role.assumeRolePolicyDocument?.json.contains("arn:aws:iam::111122223333:root") == true)
                // moto omits PolicyName in this list: match by ARN.
                let managed = details.flatMap { $0.policies ?? [] }.first { $0.arn == policy.arn }
                #expect(managed?.policyVersionList?.first?.document?.object?["Statement"] != nil)

                _ = try await iam.createAccountAlias(.init(accountAlias: "rootguard-test"))
                #expect(try await iam.listAccountAliases().accountAliases == ["rootguard-test"])
                _ = try await iam.updateAccountPasswordPolicy(.init(minimumPasswordLength: 14, requireSymbols: true))
                #expect(try await iam.getAccountPasswordPolicy().passwordPolicy?.minimumPasswordLength == 14)

                _ = try await iam.deleteLoginProfile(.init(userName: "alice"))
                _ = try await iam.deleteAccessKey(.init(userName: "alice", accessKeyId: key.accessKeyId))
                let missing = await #expect(throws: AWSError.self) {
                    try await iam.getLoginProfile(.init(userName: "alice"))
                }
                #expect(missing?.code == "NoSuchEntity")
                #expect(missing?.kind == .notFound)
            }
        }

        static let certificate = """
            -----BEGIN CERTIFICATE-----
            MIIBtjCCAVugAwIBAgITBmyf1XSXNmY/Owua2eiedgPySjAKBggqhkjOPQQDAjA5MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1h
            em9uMRkwFwYDVQQDExBBbWF6b24gUm9vdCBDQSAzMB4XDTE1MDUyNjAwMDAwMFoXDTQwMDUyNjAwMDAwMFowOTELMAkGA1UEBhMC
            VVMxDzANBgNVBAoTBkFtYXpvbjEZMBcGA1UEAxMQQW1hem9uIFJvb3QgQ0EgMzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCmX
            p8ZBf8ANm+gBG1bG8lKlui2yEujSLtf6ycXYqm0fc4E7O5hrOXwzpcVOho6AF2hiRVd9RFgdszflZwjrZt6jQjBAMA8GA1UdEwEB
            /wQFMAMBAf8wDgYDVR0PAQH/BAQDAgGGMB0GA1UdDgQWBBSrttvXBp43rDCGB5Fwx5zEGbF4wDAKBggqhkjOPQQDAgNJADBGAiEA
            4IWSoxe3jfkrBqWTrBqYaGFy+uGh0PsceGCmQ5nFuMQCIQCcAu/xlJyzlvnrxir4tiz+OpAUFteMYyRIHN8wfdVoOw==
            -----END CERTIFICATE-----
            """
    }

    @Suite("STS and the credential chain") struct STSOperations {
        @Test func signaturesAreCheckedForRealWithMotoIssuedKeys() async throws {
            let moto = try await MotoServer.fresh()
            let (keyID, secret) = try await moto.client().using { client in
                _ = try await client.iam().createUser(.init(userName: "auditor"))
                let key = try #require(try await client.iam().createAccessKey(.init(userName: "auditor")).accessKey)
                return (try #require(key.accessKeyId), try #require(key.secretAccessKey))
            }
            try await moto.setAuthentication(true)
            let identity = try await moto.client(accessKey: keyID, secret: secret).using {
                try await $0.sts().getCallerIdentity()
            }
            #expect(identity.arn == "arn:aws:iam::\(motoAccount):user/auditor")
            let wrong = await #expect(throws: AWSError.self) {
                try await moto.client(accessKey: keyID, secret: secret + "x").using {
                    try await $0.sts().getCallerIdentity()
                }
            }
            #expect(wrong?.code == "SignatureDoesNotMatch")
            #expect(wrong?.kind == .authentication)
            let unknown = await #expect(throws: AWSError.self) {
                try await moto.client(accessKey: "AKIAUNKNOWNKEY000000").using {
                    try await $0.sts().getCallerIdentity()
                }
            }
            #expect(unknown?.code == "InvalidClientTokenId")
            try await moto.setAuthentication(false)
        }

        @Test func assumeRoleThroughAProfileChain() async throws {
            let moto = try await MotoServer.fresh()
            let trust =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#
            let (keyID, secret) = try await moto.client().using { client in
                _ = try await client.iam().createRole(
                    .init(roleName: "Auditor", assumeRolePolicyDocument: .init(json: trust)))
                _ = try await client.iam().createUser(.init(userName: "base"))
                let key = try #require(try await client.iam().createAccessKey(.init(userName: "base")).accessKey)
                return (key.accessKeyId!, key.secretAccessKey!)
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rg-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try """
            [profile audit]
            role_arn = arn:aws:iam::\(motoAccount):role/Auditor
            source_profile = base
            role_session_name = rootguard-test
            external_id = ext-1
            duration_seconds = 900
            """.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
            try "[base]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n"
                .write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
            let settings = try AWSSettings.load(
                options: .init(profile: "audit", endpointURL: moto.endpoint),
                environment: [
                    "HOME": directory.path, "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
                    "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
                    "AWS_ACCESS_KEY_ID": "AKIAIGNOREDBECAUSEPROFILE", "AWS_SECRET_ACCESS_KEY": "ignored",
                ])
            try await settings.makeClient().using { client in
                let identity = try await client.sts().getCallerIdentity()
                #expect(
                    identity.arn?.hasPrefix("arn:aws:sts::\(motoAccount):assumed-role/Auditor/rootguard-test") == true)
                let credentials = try await client.credentialProvider!.credentials()
                #expect(credentials.source.contains("assume role arn:aws:iam::\(motoAccount):role/Auditor"))
                #expect(credentials.sessionToken != nil && credentials.expiration != nil)
            }
        }

        @Test func webIdentityIsExchangedUnsigned() async throws {
            let moto = try await MotoServer.fresh()
            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent(
                "rg-token-\(UUID().uuidString)")
            try "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb290Z3VhcmQifQ.c2ln".write(
                to: tokenFile, atomically: true, encoding: .utf8)
            try await moto.client().using { client in
                let provider = WebIdentityCredentialProvider(
                    roleARN: "arn:aws:iam::\(motoAccount):role/ci", tokenFile: tokenFile.path, sessionName: "ci",
                    client: client)
                let credentials = try await provider.credentials()
                #expect(!credentials.accessKeyID.isEmpty && credentials.sessionToken != nil)
                let missing = WebIdentityCredentialProvider(
                    roleARN: "arn:aws:iam::\(motoAccount):role/ci", tokenFile: "/nonexistent/token", sessionName: nil,
                    client: client)
                let error = await #expect(throws: CredentialError.self) { try await missing.credentials() }
                #expect(error?.message.contains("/nonexistent/token") == true)
            }
        }

        @Test func assumeRootOpensATaskScopedSessionInAMember() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
                let member = try #require(
                    try await client.organizations().createAccount(
                        .init(email: "member@example.com", accountName: "member")
                    )
                    .createAccountStatus?.accountId)
                try await moto.setRoot(
                    account: member, ["accessKeys": [["id": "AKIAMEMBERROOTKEY001", "active": true]]])
                let request = STS.AssumeRootRequest(
                    targetPrincipal: member,
                    taskPolicyArn: .init(arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"))
                let disabled = await #expect(throws: AWSError.self) { try await client.sts().assumeRoot(request) }
                #expect(disabled?.kind == .accessDenied)
                let features = try await client.iam().enableOrganizationsRootSessions()
                #expect(features.enabledFeatures == ["RootSessions"])
                _ = try await client.iam().enableOrganizationsRootCredentialsManagement()
                #expect(
                    Set(try await client.iam().listOrganizationsFeatures().enabledFeatures ?? []) == [
                        "RootSessions", "RootCredentialsManagement",
                    ])
                let output = try await client.sts().assumeRoot(request)
                let credentials = try AssumeRoleCredentialProvider.credentials(
                    output.credentials, source: "assume-root")
                let session = client.with(credentialProvider: StaticCredentialProvider(credentials))
                #expect(try await session.sts().getCallerIdentity().arn == "arn:aws:iam::\(member):root")
                let keys = try await session.iam().listAccessKeys().accessKeyMetadata ?? []
                #expect(keys.map(\.accessKeyId) == ["AKIAMEMBERROOTKEY001"])
                // The audit task policy does not allow deleting.
                let denied = await #expect(throws: AWSError.self) {
                    try await session.iam().deleteAccessKey(.init(accessKeyId: "AKIAMEMBERROOTKEY001"))
                }
                #expect(denied?.kind == .accessDenied)
            }
        }
    }
}
