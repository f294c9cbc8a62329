/// What a pattern does with the canonical root events: proven, or which events it misses or wrongly matches.
public struct PatternVerdict: Sendable, Hashable {
    /// The pattern could not be parsed.
    public var error: String?
    /// Required root events it does not match.
    public var missed: [CanonicalEvent]
    /// Non-root events it matches.
    public var wronglyMatched: [CanonicalEvent]
    /// Root events made by AWS services that it matches (CIS excludes them: alarms on them are noise).
    public var noisy: [CanonicalEvent]
    /// Whether it catches 2016–2020 console actions (`invokedBy: signin.amazonaws.com`).
    public var catchesLegacyConsoleActions: Bool

    public var isProven: Bool { error == nil && missed.isEmpty && wronglyMatched.isEmpty }

    /// One sentence for a finding.
    public var summary: String {
        if let error { return "the pattern does not parse: \(error)" }
        var parts: [String] = []
        if !missed.isEmpty { parts.append("misses \(missed.map(\.title).joined(separator: ", "))") }
        if !wronglyMatched.isEmpty {
            parts.append("also matches \(wronglyMatched.map(\.title).joined(separator: ", "))")
        }
        if parts.isEmpty { parts.append("matches every canonical root event and no ordinary one") }
        if !noisy.isEmpty { parts.append("noisy: also fires on \(noisy.map(\.title).joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }
}

/// Judges root-activity patterns by what they match, not by their text.
public enum RootPatternVerdicts {
    /// A CloudWatch Logs metric filter on the trail's log group: must match every root sign-in and root API event.
    public static func metricFilter(_ pattern: String) -> PatternVerdict {
        let parsed: LogFilterPattern
        do { parsed = try LogFilterPattern.parse(pattern) } catch {
            return PatternVerdict(
                error: "\(error)", missed: [], wronglyMatched: [], noisy: [], catchesLegacyConsoleActions: false)
        }
        return verdict(required: [.rootSignIn, .rootAPI]) { parsed.matches($0.record) }
    }

    /// An EventBridge rule pattern, for the categories it is meant to cover (root sign-in and/or root API calls).
    public static func eventRule(_ pattern: String, covering required: Set<CanonicalEvent.Category>) -> PatternVerdict {
        let parsed: EventPattern
        do { parsed = try EventPattern.parse(pattern) } catch {
            return PatternVerdict(
                error: "\(error)", missed: [], wronglyMatched: [], noisy: [], catchesLegacyConsoleActions: false)
        }
        return verdict(required: required) { event in
            event.eventBridgeEnvelopeValue.map(parsed.matches) ?? false
        }
    }

    /// Which categories an EventBridge pattern fully covers.
    public static func coveredCategories(ofEventRule pattern: String) -> Set<CanonicalEvent.Category> {
        var covered: Set<CanonicalEvent.Category> = []
        for category in [CanonicalEvent.Category.rootSignIn, .rootAPI] {
            let result = eventRule(pattern, covering: [category])
            if result.isProven { covered.insert(category) }
        }
        return covered
    }

    static func verdict(required: Set<CanonicalEvent.Category>, _ matches: (CanonicalEvent) -> Bool) -> PatternVerdict {
        var result = PatternVerdict(
            error: nil, missed: [], wronglyMatched: [], noisy: [], catchesLegacyConsoleActions: false)
        for event in CanonicalEvent.all {
            let matched = matches(event)
            switch event.category {
            case .nonRoot where matched: result.wronglyMatched.append(event)
            case .rootServiceInvoked where matched: result.noisy.append(event)
            case .rootLegacyConsole: result.catchesLegacyConsoleActions = matched
            case let category where required.contains(category) && !matched: result.missed.append(event)
            default: break
            }
        }
        return result
    }
}
