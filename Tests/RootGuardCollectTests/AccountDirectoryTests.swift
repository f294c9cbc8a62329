import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardTesting
import Testing

/// The account facts watch adds to alerts: an Organizations that does not answer holds an alert up for the bounded
/// wait only, and what could not be read is said, never guessed.
@Suite("account directory")
struct AccountDirectoryTests {
    func client(_ server: FaultServer, timeout: Duration) throws -> AWSClient {
        AWSClient(
            configuration: .init(
                region: .usEast1, endpoints: .init(explicit: server.endpoint),
                retry: .init(maxAttempts: 1, baseDelay: 0.01), timeout: timeout),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: try AsyncHTTPClientTransport())
    }

    /// Organizations answers only after 20 seconds: the alert's wait of 200 ms ends while that first read is still
    /// outstanding (the server has seen one request, not the fallback read that follows its refusal), and the read goes
    /// on, cached, to an entry that says what could not be read.
    @Test(.timeLimit(.minutes(1)))
    func aSlowOrganizationsHoldsAnAlertUpOnlyForTheWait() async throws {
        let refusal: [(String, String)] = [
            ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "AccessDeniedException"),
        ]
        let server = try await FaultServer.start(
            script: [.delayed(seconds: 20, status: 400, headers: refusal, body: #"{"message":"denied"}"#)],
            fallback: .respond(status: 400, headers: refusal, body: #"{"message":"denied"}"#))
        let client = try client(server, timeout: .seconds(600))
        let directory = AccountDirectory(client: client, includeContacts: false)
        let quick = await directory.entry("222233334444", within: .milliseconds(200))
        #expect(quick == nil)
        #expect(server.received.count == 1, "the alert waited for the read")
        let entry = await directory.entry("222233334444")
        #expect(server.received.count == 2)
        #expect(entry.rootEmail == nil && entry.name == nil)
        #expect(entry.unreadable.count == 1 && entry.unreadable[0].hasPrefix("root e-mail of 222233334444: "))
        try await client.shutdown()
        await server.stop()
    }
}
