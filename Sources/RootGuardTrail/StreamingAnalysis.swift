import Foundation
import RootGuardModel

/// `trail`'s analysis one record at a time, for `watch`: the same `Detector`, the same AssumeRoot join, burst
/// and approval triage as `TrailAnalysis`, with bounded memory.
///
/// AssumeRoot calls are remembered for `sessionMemory` of event time (a privileged root session lasts at most 15
/// minutes), failed sign-ins for the burst window; duplicates (the same record delivered twice) are the caller's
/// concern, since only it knows what was already alerted.
public struct StreamingAnalysis: Sendable {
    public var options: TrailAnalysisOptions
    public var sessionMemory: TimeInterval
    /// Issued access key → the AssumeRoot call.
    private var calls: [String: Detection] = [:]
    /// Account → recent failed root sign-ins (one run), and whether that run already raised its burst.
    private var failures: [String: (run: [Detection], reported: Bool)] = [:]

    public init(options: TrailAnalysisOptions, sessionMemory: TimeInterval = 3600) {
        self.options = options
        self.sessionMemory = sessionMemory
    }

    /// The detections of one record, joined, with any burst it completes, triaged against the approvals.
    public mutating func analyse(_ event: CloudTrailEvent) -> [Detection] {
        var detections = Detector.detections(for: event, includeServiceEvents: options.includeServiceEvents)
        guard !detections.isEmpty else { return [] }
        let now = detections[0].eventTime
        forget(before: now.addingTimeInterval(-sessionMemory))
        for detection in detections where detection.detection == DetectionCatalog.assumeRootRequested.id {
            if let key = detection.details["issuedAccessKeyId"] { calls[key] = detection }
        }
        var joined = false
        for index in detections.indices {
            guard detections[index].credential == .session, let key = detections[index].accessKeyId,
                let call = calls[key]
            else { continue }
            TrailAnalysis.join(&detections[index], call: call)
            joined = true
        }
        if joined { detections.removeAll { $0.detection == DetectionCatalog.unneededTask.id } }
        TrailAnalysis.triage(&detections, approvals: options.approvals)
        // A burst is expected only when every failure in it was (each was triaged when it arrived).
        for detection in detections where detection.detection == DetectionCatalog.consoleLoginFailure.id {
            if let burst = recordFailure(detection) { detections.append(burst) }
        }
        return detections
    }

    /// Replaces the approvals (the file changed) without forgetting sessions or failures.
    public mutating func setApprovals(_ approvals: [Approval]) { options.approvals = approvals }

    private mutating func forget(before cutoff: Date) {
        calls = calls.filter { $0.value.eventTime >= cutoff }
    }

    /// Adds a failed sign-in to its account's run; returns the burst when the run reaches the threshold (once per
    /// run; a gap longer than the window starts a new run).
    private mutating func recordFailure(_ failure: Detection) -> Detection? {
        var entry = failures[failure.accountId] ?? (run: [], reported: false)
        if let last = entry.run.last, failure.eventTime.timeIntervalSince(last.eventTime) > options.burstWindow {
            entry = (run: [], reported: false)
        }
        entry.run.append(failure)
        var burst: Detection?
        if entry.run.count >= options.burstThreshold && !entry.reported {
            burst = TrailAnalysis.burst(of: entry.run)
            burst?.expected = entry.run.allSatisfy(\.expected)
            if burst?.expected == false { burst?.approval = nil }
            entry.reported = true
        }
        // Only the run's last failure decides whether the next one continues it; the count needs the rest only
        // until the burst is reported.
        if entry.reported, let last = entry.run.last { entry.run = [last] }
        failures[failure.accountId] = entry
        return burst
    }
}
