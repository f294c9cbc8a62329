/// Counters of a `watch` run.
public struct WatchStats: Sendable, Codable, Equatable {
    public var received = 0
    public var alerted = 0
    public var expected = 0
    public var duplicates = 0
    public var bad = 0
    public var deliveryFailures = 0
    public var leftForDeadLetterQueue = 0

    public init() {}
}
