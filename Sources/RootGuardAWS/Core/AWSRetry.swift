import Foundation

/// The SDKs' "standard" retry mode (research §C): attempts, backoff with full jitter, retry quota.
public struct AWSRetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included (AWS_MAX_ATTEMPTS, `--max-attempts`). Default 3.
    public var maxAttempts: Int
    /// Backoff base `b` in seconds (1 s in the SDKs).
    public var baseDelay: Double
    /// Backoff cap in seconds (20 s).
    public var maxBackoff: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 1, maxBackoff: Double = 20) {
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
