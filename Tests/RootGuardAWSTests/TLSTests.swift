import Foundation
import RootGuardTesting
import Testing

@testable import RootGuardAWS

@Suite("TLS: certificates are always verified; AWS_CA_BUNDLE adds trust")
struct TLSTests {
    /// A self-signed certificate for localhost, made with the openssl command line.
    static func certificate() throws -> (FaultServer.TLS, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("key.pem").path
        let cert = folder.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            key,
            "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl could not make a test certificate")
        return (FaultServer.TLS(certificatePath: cert, privateKeyPath: key), cert)
    }

    static let identity = FaultServer.Behaviour.respond(
        status: 200,
        body:
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
    )

    func client(_ server: FaultServer, transport: any HTTPTransport) -> AWSClient {
        AWSClient(
            configuration: .init(
                region: .usEast1, endpoints: .init(explicit: server.tlsEndpoint), retry: .init(maxAttempts: 1),
                timeout: .seconds(5)),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: transport)
    }

    @Test func anUntrustedCertificateIsRejectedAndTheCABundleTrustsIt() async throws {
        let (tls, cert) = try Self.certificate()
        let server = try await FaultServer.start(script: [Self.identity, Self.identity], tls: tls)
        let untrusted = client(server, transport: try AsyncHTTPClientTransport())
        let error = await #expect(throws: AWSError.self) { try await untrusted.sts().getCallerIdentity() }
        try await untrusted.shutdown()
        // async-http-client reports a failed handshake as a connection error, or, when it keeps retrying the
        // connection until the deadline, as a timeout; either way no request got through.
        #expect(error?.kind == .transport || error?.kind == .timeout)
        #expect(server.received.isEmpty)
        let settings = try AWSSettings.load(
            options: .init(endpointURL: server.tlsEndpoint),
            environment: [
                "HOME": "/nonexistent", "AWS_CA_BUNDLE": cert, "AWS_ACCESS_KEY_ID": "AKID",
                "AWS_SECRET_ACCESS_KEY": "s",
            ])
        #expect(settings.caBundle == cert)
        let trusted = try settings.makeClient()
        let identity = try await trusted.sts().getCallerIdentity()
        try await trusted.shutdown()
        await server.stop()
        #expect(identity.account == "123456789012")
        #expect(server.received.count == 1)
    }
}
