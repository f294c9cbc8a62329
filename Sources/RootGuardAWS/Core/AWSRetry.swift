import Foundation
import NIOConcurrencyHelpers

/// The SDKs' "standard" retry mode (research §C): attempts, backoff with full jitter, retry quota.
public struct AWSRetryPolicy: Sendable, Hashable {
    /// `standard`, or `adaptive` (the default here): the standard mode plus a client-side rate limit per service that
    /// starts at the first throttling error (AWS_RETRY_MODE, the profile's `retry_mode`).
    public enum Mode: String, Sendable, Hashable {
        case standard, adaptive
    }

    /// Total attempts, the first included (AWS_MAX_ATTEMPTS, `--max-attempts`). Default 3.
    public var maxAttempts: Int
    public var mode: Mode = .adaptive
    /// Backoff base `b` in seconds (1 s in the SDKs).
    public var baseDelay: Double
    /// Backoff cap in seconds (20 s).
    public var maxBackoff: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 1, maxBackoff: Double = 20, mode: Mode = .adaptive) {
        self.mode = mode
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
    }

    /// `random(0,1) × min(b × 2^(retry-1), cap)`, retry counting from 1.
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0...1)) -> Double {
        random * min(baseDelay * pow(2, Double(retry - 1)), maxBackoff)
    }
}

/// The retry quota (token bucket): 500 tokens; a retry costs 5 (10 after a timeout or connection error);
/// a success gives back what its last retry cost, or 1 if it needed none. An empty bucket stops retries.
public actor AWSRetryQuota {
    public static let capacity = 500
    public static let retryCost = 5
    public static let timeoutRetryCost = 10
    public static let noRetryIncrement = 1

    public private(set) var available: Int

    public init(available: Int = AWSRetryQuota.capacity) { self.available = available }

    /// Takes the cost of one retry, or returns false (do not retry).
    public func acquire(afterTimeout: Bool) -> Int? {
        let cost = afterTimeout ? Self.timeoutRetryCost : Self.retryCost
        guard available >= cost else { return nil }
        available -= cost
        return cost
    }

    /// Records a successful attempt; `lastRetryCost` is nil when the call needed no retry.
    public func release(lastRetryCost: Int?) {
        available = min(Self.capacity, available + (lastRetryCost ?? Self.noRetryIncrement))
    }
}

/// The client side of the "adaptive" retry mode: per service, a send rate that is limited only once AWS has
/// throttled. A throttling error sets the rate to 0.9 × the rate of successful answers in the last second (the best
/// estimate of AWS's limit; 0.7 × the sending rate before any success, as the SDKs' CUBIC limiter decreases), at
/// most once per half second since the requests in flight were sent at the old rate; every success adds 0.05
/// request a second (additive increase, where the SDKs grow along a cubic). Requests then wait for their turn instead of being throttled and spending the retry
/// quota: an organization's thousands of AssumeRoot calls from one account keep going at the rate AWS allows.
public final class AWSAdaptiveRateLimiter: Sendable {
    static let minimumRate = 0.5
    static let decrease = 0.7
    static let increase = 0.05

    struct Service {
        var limited = false
        var rate = 0.0
        /// A token bucket holding up to one second's worth of requests.
        var tokens = 0.0
        var refilled = ContinuousClock.now
        /// The last decrease: the throttling errors of requests already in flight then do not decrease again.
        var decreased = ContinuousClock.now
        var windowStart = ContinuousClock.now
        var windowCount = 0
        var measured = 0.0
        /// Successful answers of the last whole second and of the current one: the rate AWS accepts.
        var acceptedStart = ContinuousClock.now
        var acceptedCount = 0
        var accepted = 0.0
    }

    /// The rate of successful answers lately (the last whole second's, or the current one's once it is higher).
    static func accepted(_ state: inout Service, now: ContinuousClock.Instant) -> Double {
        let elapsed = (now - state.acceptedStart).inSeconds
        if elapsed >= 1 {
            state.accepted = Double(state.acceptedCount) / elapsed
            state.acceptedStart = now
            state.acceptedCount = 0
            return state.accepted
        }
        return max(state.accepted, Double(state.acceptedCount) / max(elapsed, 0.25))
    }

    private let services = NIOLockedValueBox<[String: Service]>([:])

    public init() {}

    /// The rate requests were sent at lately (a one-second window, smoothed; the current window while the first runs).
    static func measured(_ state: inout Service, now: ContinuousClock.Instant) -> Double {
        let elapsed = (now - state.windowStart).inSeconds
        if elapsed >= 1 {
            state.measured = 0.5 * state.measured + 0.5 * Double(state.windowCount) / elapsed
            state.windowStart = now
            state.windowCount = 0
            return state.measured
        }
        return max(state.measured, Double(state.windowCount) / max(elapsed, 0.05))
    }

    /// Waits for a token when the service is rate-limited; returns the seconds waited. Waiters check again after
    /// each short sleep, so a rate that grows meanwhile is used at once.
    public func acquire(_ service: String) async throws -> Double {
        var waited = 0.0
        var counted = false
        while true {
            let now = ContinuousClock.now
            let wait: Double = services.withLockedValue { all in
                var state = all[service] ?? Service()
                defer { all[service] = state }
                if !counted {
                    _ = Self.measured(&state, now: now)
                    state.windowCount += 1
                    counted = true
                }
                guard state.limited else { return 0 }
                state.tokens = min(
                    max(1, state.rate), state.tokens + (now - state.refilled).inSeconds * state.rate)
                state.refilled = now
                if state.tokens >= 1 {
                    state.tokens -= 1
                    return 0
                }
                return (1 - state.tokens) / state.rate
            }
            if wait == 0 { return waited }
            try await Task.sleep(for: .milliseconds(Int64(wait * 1000) + 1))
            waited += wait
        }
    }

    /// Adjusts the service's rate after an answer.
    public func record(_ service: String, throttled: Bool) {
        let now = ContinuousClock.now
        services.withLockedValue { all in
            var state = all[service] ?? Service()
            defer { all[service] = state }
            if throttled {
                // Once per half second at most: the other requests in flight were sent at the old rate.
                guard !state.limited || (now - state.decreased).inSeconds >= 0.5 else { return }
                let sending = Self.measured(&state, now: now)
                let accepted = Self.accepted(&state, now: now)
                // What AWS accepted is the best estimate of its limit; without successes yet, 0.7 × the sending rate.
                let base = state.limited ? min(state.rate, sending) : sending
                state.rate = max(Self.minimumRate, accepted > 0 ? min(base, accepted) * 0.9 : base * Self.decrease)
                state.tokens = min(state.tokens, 1)
                state.limited = true
                state.decreased = now
            } else {
                _ = Self.accepted(&state, now: now)
                state.acceptedCount += 1
                if state.limited { state.rate += Self.increase }
            }
        }
    }

    /// The current limit of a service (nil: not limited).
    public func rate(_ service: String) -> Double? {
        services.withLockedValue { all in all[service].flatMap { $0.limited ? $0.rate : nil } }
    }
}

extension Duration {
    /// The duration in seconds, fractions included (the one conversion rootguard uses).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
