import NIOConcurrencyHelpers

/// Counts what a client and every client derived from it (`with(…)`: assumed roles, other regions) sent and got back,
/// for `--stats`: what bounded a run (requests, throttling, retries, the most requests in flight at once).
public final class AWSCallStatistics: Sendable {
    public struct Counts: Sendable, Equatable, Codable {
        /// Operations called (each counted once, however many attempts it took).
        public var calls = 0
        /// HTTP requests sent: every attempt.
        public var requests = 0
        public var retries = 0
        /// Answers with a throttling error code (each retried while the retry quota lasts).
        public var throttled = 0
        public var timeouts = 0
        public var connectionErrors = 0
        /// Retries refused because the retry quota (token bucket) was empty.
        public var quotaExhausted = 0
        /// Requests the adaptive rate limit held back after throttling, and for how long in all.
        public var paced = 0
        public var pacedSeconds = 0.0
        /// The most requests waiting for an answer at the same moment.
        public var peakInFlight = 0
        /// Requests per service (its endpoint prefix).
        public var byService: [String: Int] = [:]

        public init() {}
    }

    private let box = NIOLockedValueBox(State())

    private struct State {
        var counts = Counts()
        var inFlight = 0
    }

    public init() {}

    public var counts: Counts { box.withLockedValue { $0.counts } }

    func call() { box.withLockedValue { $0.counts.calls += 1 } }

    func requestStarted(service: String) {
        box.withLockedValue {
            $0.counts.requests += 1
            $0.counts.byService[service, default: 0] += 1
            $0.inFlight += 1
            $0.counts.peakInFlight = max($0.counts.peakInFlight, $0.inFlight)
        }
    }

    func requestEnded() { box.withLockedValue { $0.inFlight -= 1 } }

    func failed(_ error: AWSError) {
        box.withLockedValue {
            if AWSError.throttlingCodes.contains(error.code) { $0.counts.throttled += 1 }
            if error.kind == .timeout { $0.counts.timeouts += 1 }
            if error.kind == .transport { $0.counts.connectionErrors += 1 }
        }
    }

    func paced(seconds: Double) {
        box.withLockedValue {
            $0.counts.paced += 1
            $0.counts.pacedSeconds += seconds
        }
    }

    func retried() { box.withLockedValue { $0.counts.retries += 1 } }

    func quotaWasEmpty() { box.withLockedValue { $0.counts.quotaExhausted += 1 } }
}
