import Foundation
import RootGuardTesting
import Testing

@testable import RootGuardAWS

@Suite("Standard retry mode, timeouts and malformed responses against a fault-injecting server")
struct RetryTests {
    static let throttled = FaultServer.Behaviour.respond(
        status: 400, headers: [("Content-Type", "text/xml")],
        body:
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
    )
    static let identity = FaultServer.Behaviour.respond(
        status: 200, headers: [("Content-Type", "text/xml")],
        body: """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
            <Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>
            </GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
            </GetCallerIdentityResponse>
            """)

    func client(
        // Generous: a loaded machine (the whole suite runs in parallel) must not turn a scripted answer into a timeout;
        // the timeout tests set their own.
        _ server: FaultServer, attempts: Int = 3, timeout: Duration = .seconds(30), quota: AWSRetryQuota = .init(),
        mode: AWSRetryPolicy.Mode = .standard
    )
        throws -> AWSClient
    {
        AWSClient(
            configuration: .init(
                region: .usEast1, endpoints: .init(explicit: server.endpoint),
                retry: .init(maxAttempts: attempts, baseDelay: 0.01, mode: mode), timeout: timeout),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: try AsyncHTTPClientTransport(), quota: quota)
    }

    func withServer<T>(_ script: [FaultServer.Behaviour], _ body: (FaultServer) async throws -> T) async throws -> T {
        let server = try await FaultServer.start(script: script)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test func twoThrottlesThenSuccessSucceedsOnTheThirdAttempt() async throws {
        let quota = AWSRetryQuota()
        try await withServer([Self.throttled, Self.throttled, Self.identity]) { server in
            let client = try client(server, quota: quota)
            let identity = try await client.sts().getCallerIdentity()
            try await client.shutdown()
            #expect(identity.account == "123456789012")
            #expect(server.received.count == 3)
            #expect(
                server.received.map { $0.header("amz-sdk-request") } == [
                    "attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3",
                ])
            // One invocation id for all attempts of the call.
            #expect(Set(server.received.compactMap { $0.header("amz-sdk-invocation-id") }).count == 1)
        }
        // Two retries took 5 each; the success gave back the last retry's cost.
        #expect(await quota.available == 500 - 10 + 5)
    }

    @Test func persistentServerErrorsFailAfterTheConfiguredAttempts() async throws {
        let failure = FaultServer.Behaviour.respond(
            status: 500,
            body: "<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>")
        try await withServer(Array(repeating: failure, count: 10)) { server in
            let client = try client(server, attempts: 4)
            let error = await #expect(throws: AWSError.self) { try await client.sts().getCallerIdentity() }
            try await client.shutdown()
            #expect(error?.kind == .server)
            #expect(error?.code == "InternalFailure")
            #expect(error?.httpStatus == 500)
            #expect(server.received.count == 4)
        }
    }

    @Test func aHungServerIsATimeout() async throws {
        try await withServer([.hang, .hang]) { server in
            let client = try client(server, attempts: 2, timeout: .milliseconds(300))
            let started = ContinuousClock.now
            let error = await #expect(throws: AWSError.self) { try await client.sts().getCallerIdentity() }
            try await client.shutdown()
            #expect(error?.kind == .timeout)
            #expect(error?.description.hasPrefix("sts GetCallerIdentity: Timeout") == true)
            #expect(server.received.count == 2)
            // Not a speed test: without a working per-attempt timeout this would hang for good. The bound is loose
            // because the whole suite shares two cores, and CLI tests that wait for the binary synchronously can hold
            // the cooperative pool's threads for half a minute (seen: 35 s for these two 300 ms attempts).
            #expect(ContinuousClock.now - started < .seconds(120))
        }
    }

    @Test func accessDeniedIsNotRetried() async throws {
        let denied = FaultServer.Behaviour.respond(
            status: 403,
            body:
                "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/a is not authorized to perform: iam:GetAccountSummary</Message></Error></ErrorResponse>"
        )
        try await withServer([denied, Self.identity]) { server in
            let client = try client(server)
            let error = await #expect(throws: AWSError.self) { try await client.iam().getAccountSummary() }
            try await client.shutdown()
            #expect(error?.kind == .accessDenied)
            #expect(error?.iamAction == "iam:GetAccountSummary")
            #expect(server.received.count == 1)
        }
    }

    @Test func garbageSuccessBodiesAreMalformedResponses() async throws {
        try await withServer([.respond(status: 200, body: "{{{{ not xml")]) { server in
            let client = try client(server)
            let error = await #expect(throws: AWSError.self) { try await client.sts().getCallerIdentity() }
            try await client.shutdown()
            #expect(error?.kind == .malformedResponse)
        }
        try await withServer([.respond(status: 200, body: #"{"trailList": "not a list"}"#)]) { server in
            let client = try client(server)
            let error = await #expect(throws: AWSError.self) { try await client.cloudTrail().describeTrails() }
            try await client.shutdown()
            #expect(error?.kind == .malformedResponse)
            #expect(error?.message.contains("trailList") == true)
        }
    }

    @Test func htmlErrorPagesAreNotImplementedAndNotRetried() async throws {
        let page = FaultServer.Behaviour.respond(
            status: 500, headers: [("Content-Type", "text/html")],
            body: "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n</html>")
        try await withServer([page, page, page]) { server in
            let client = try client(server)
            let error = await #expect(throws: AWSError.self) { try await client.iam().listOrganizationsFeatures() }
            try await client.shutdown()
            #expect(error?.kind == .notImplemented)
            #expect(server.received.count == 1)
        }
    }

    @Test func droppedConnectionsAreRetried() async throws {
        try await withServer([.close, Self.identity]) { server in
            let client = try client(server)
            let identity = try await client.sts().getCallerIdentity()
            try await client.shutdown()
            #expect(identity.arn == "arn:aws:iam::123456789012:user/Alice")
            #expect(server.received.count == 2)
        }
    }

    @Test func clockSkewIsCorrectedAndTheRequestResigned() async throws {
        let serverNow = Date().addingTimeInterval(3600)
        let skewed = FaultServer.Behaviour.respond(
            status: 403, headers: [("Date", HTTPDate.format(serverNow))],
            body:
                "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired</Message></Error></ErrorResponse>"
        )
        try await withServer([skewed, Self.identity]) { server in
            let client = try client(server)
            _ = try await client.sts().getCallerIdentity()
            try await client.shutdown()
            let dates = server.received.compactMap { $0.header("X-Amz-Date") }
            #expect(dates.count == 2)
            #expect(dates[0] != dates[1])
            let second = try #require(ISO8601DateFormatter.amz.date(from: dates[1]))
            #expect(abs(second.timeIntervalSince(serverNow)) < 30)
        }
    }

    @Test func anEmptyQuotaStopsRetries() async throws {
        let quota = AWSRetryQuota(available: 4)
        try await withServer([Self.throttled, Self.identity]) { server in
            let client = try client(server, quota: quota)
            let error = await #expect(throws: AWSError.self) { try await client.sts().getCallerIdentity() }
            try await client.shutdown()
            #expect(error?.kind == .throttling)
            #expect(server.received.count == 1)
        }
    }

    @Test func adaptiveModeThrottlingIsPacedNotChargedToTheRetryQuota() async throws {
        // A quota too small for even one standard retry: in the adaptive mode throttled retries wait for the rate
        // limit instead, and the call succeeds.
        let quota = AWSRetryQuota(available: 4)
        try await withServer([Self.throttled, Self.throttled, Self.identity]) { server in
            let client = try client(server, quota: quota, mode: .adaptive)
            let identity = try await client.sts().getCallerIdentity()
            try await client.shutdown()
            #expect(identity.account == "123456789012")
            #expect(server.received.count == 3)
            let counts = client.statistics.counts
            #expect(counts.throttled == 2 && counts.retries == 2 && counts.requests == 3 && counts.calls == 1)
            #expect(counts.quotaExhausted == 0)
        }
        #expect(await quota.available == 4)  // nothing taken, so the success gives nothing back
    }

    @Test func theAdaptiveLimitEngagesAtTheFirstThrottleFallsToWhatWasAcceptedAndGrowsWithSuccesses() async throws {
        let limiter = AWSAdaptiveRateLimiter()
        #expect(limiter.rate("sts") == nil)
        // Unthrottled: no waiting, however fast.
        for _ in 0..<50 { #expect(try await limiter.acquire("sts") == 0) }
        for _ in 0..<10 { limiter.record("sts", throttled: false) }
        limiter.record("sts", throttled: true)
        // 0.9 × the ten successes of this (partial) second, counted over at least a quarter second: at most 36/s.
        let rate = try #require(limiter.rate("sts"))
        #expect(rate > 0.4 && rate <= 36.01, "\(rate)")
        // A second throttle in the same half second does not lower it again (those requests were already in flight).
        limiter.record("sts", throttled: true)
        #expect(limiter.rate("sts") == rate)
        limiter.record("sts", throttled: false)
        #expect(abs((limiter.rate("sts") ?? 0) - (rate + 0.05)) < 1e-9)
        // Other services are not limited.
        #expect(limiter.rate("iam") == nil)
        #expect(try await limiter.acquire("iam") == 0)
        // Past the bucket's tokens, requests wait about 1/rate each.
        var waited = 0.0
        for _ in 0..<Int(rate) + 3 { waited += try await limiter.acquire("sts") }
        #expect(waited > 0)
    }

    @Test func backoffIsFullJitterCappedAtTwentySeconds() {
        let policy = AWSRetryPolicy()
        #expect(policy.delay(beforeRetry: 1, random: 1) == 1)
        #expect(policy.delay(beforeRetry: 2, random: 1) == 2)
        #expect(policy.delay(beforeRetry: 3, random: 0.5) == 2)
        #expect(policy.delay(beforeRetry: 10, random: 1) == 20)
        #expect(policy.delay(beforeRetry: 3, random: 0) == 0)
        for retry in 1...8 {
            let delay = policy.delay(beforeRetry: retry)
            #expect(delay >= 0 && delay <= min(pow(2, Double(retry - 1)), 20))
        }
    }

    @Test func quotaTakesFiveOrTenAndRefunds() async {
        let quota = AWSRetryQuota()
        #expect(await quota.acquire(afterTimeout: false) == 5)
        #expect(await quota.acquire(afterTimeout: true) == 10)
        #expect(await quota.available == 485)
        await quota.release(lastRetryCost: 10)
        await quota.release(lastRetryCost: nil)
        #expect(await quota.available == 496)
        await quota.release(lastRetryCost: 10)
        #expect(await quota.available == 500)
    }
}

extension ISO8601DateFormatter {
    static var amz: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return formatter
    }
}
