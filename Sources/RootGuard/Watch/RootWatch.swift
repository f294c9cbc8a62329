import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `rootguard watch`: long-polls an SQS queue fed by EventBridge, runs `trail`'s detections on each CloudTrail
/// record (`StreamingAnalysis`: the same detector, AssumeRoot join, bursts and approvals), and delivers each alert to
/// every sink. At-least-once: a message is deleted only after every sink accepted every alert of it; a failing sink
/// is retried with backoff while the message stays invisible, and after `maxReceives` the message is left for the
/// queue's dead-letter queue. What was delivered is remembered (`WatchState`), so a redelivered message is alerted
/// once per sink.
public final class RootWatch: @unchecked Sendable {
    public struct Options: Sendable {
        public var queueURL: String
        public var approvalsPath: String?
        public var onlyUnexpected = false
        public var includeServiceEvents = false
        public var statePath: String?
        public var maxReceives = 5
        public var keepBad = false
        /// A short long poll: a stop lets the poll in flight finish (at most this long) instead of abandoning it, so
        /// SQS never hands a message to a request nobody reads. Above `finishingPollLimit` the poll is cancelled.
        public var waitSeconds = 5
        /// Attempts of one delivery before the message is given back to the queue.
        public var deliveryAttempts = 3
        /// First backoff of a failing sink or queue call (doubled each time).
        public var backoff: Duration = .milliseconds(500)
        /// Failed receives in a row before `watch` gives up (queue gone, access denied).
        public var receiveAttempts = 5
        public var statsEvery: Duration?
        /// How long one sink may take to accept one alert before the attempt counts as failed.
        public var sinkTimeout: Duration = .seconds(10)
        /// While a message's alerts are being delivered, its visibility is extended every `heartbeat` to
        /// `visibilityExtension` seconds, so a slow sink does not hand it to another consumer meanwhile.
        public var heartbeat: Duration = .seconds(10)
        public var visibilityExtension = 45
        /// Messages whose alerts may be under delivery at once; receiving pauses while this many are.
        public var maxInFlight = 20
        /// After a stop, how long deliveries under way may take before they are cancelled and their messages
        /// released.
        public var stopGrace: Duration = .seconds(3)
        /// Each alert carries its account's root e-mail address and name (read once per account) and the
        /// `rootguard respond` command for it, as the practices ask of root alerts.
        public var accountFacts = true
        /// How long one alert waits for its account's facts before it goes out with the e-mail `unknown`.
        public var accountFactsWait: Duration = .seconds(3)
        /// `--respond plan|apply`: respond for each member account with unapproved root use.
        public var respond: WatchResponder.Options?

        public init(queueURL: String) { self.queueURL = queueURL }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let options: Options
    let client: AWSClient
    let sinks: [any AlertSink]
    let log: @Sendable (String) -> Void
    let directory: AccountDirectory
    let responder: WatchResponder?
    private let lock = NSLock()
    /// The longest long poll a stop waits for; a longer one is cancelled (`docker stop` allows 10 s).
    public static let finishingPollLimit = 5
    /// Sinks failing now (name → failed attempts since they last worked): one line when a sink starts failing and one
    /// when it recovers.
    private var failingSinks: [String: Int] = [:]
    /// Alerts counted as alerted (delivered to at least one sink), each once.
    private var counted = Set<String>()
    /// Accounts whose facts could not be read, said once each.
    private var unreadableAccounts = Set<String>()
    private var stopRequested = false
    private var _stats = WatchStats()
    private var analysis: StreamingAnalysis
    private var state: WatchState
    private var approvalsStamp: Date?
    /// The receive in flight, cancelled by `stop()`.
    private var receiving: Task<[SQS.Message], any Error>?
    /// Messages whose alerts are being delivered, and those done with (to be deleted).
    private var inFlight: [Int: Task<Void, Never>] = [:]
    private var serial = 0
    private var finished: [SQS.Message] = []
    private var flushing = false

    /// `log` receives each stderr line (bad messages, delivery failures, stats), unescaped: it may hold text from
    /// messages and AWS, so whoever prints it escapes it (the command line does, with `TerminalSafe`).
    public init(
        options: Options, client: AWSClient, sinks: [any AlertSink], log: @escaping @Sendable (String) -> Void
    ) throws {
        self.options = options
        self.client = client
        self.sinks = sinks
        self.log = log
        self.directory = AccountDirectory(client: client, includeContacts: false)
        self.responder = options.respond.map { WatchResponder(options: $0, client: client, sinks: sinks, log: log) }
        var analysisOptions = TrailAnalysisOptions()
        analysisOptions.includeServiceEvents = options.includeServiceEvents
        if let path = options.approvalsPath {
            analysisOptions.approvals = try ApprovalsFile.load(path)
            approvalsStamp = Self.modified(path)
        }
        analysis = StreamingAnalysis(options: analysisOptions)
        state = try options.statePath.map(WatchState.load) ?? WatchState()
    }

    public var stats: WatchStats { lock.withLock { _stats } }

    /// Stops receiving (SIGTERM, SIGINT): a long poll of at most `finishingPollLimit` seconds is let finish (its
    /// messages are released at once), a longer one is cancelled (`docker stop` allows 10 s); deliveries under way
    /// finish without further retries, and every message not done with is released (visibility 0) for the next
    /// consumer.
    public func stop() {
        let finishing = lock.withLock {
            stopRequested = true
            if options.waitSeconds > Self.finishingPollLimit { receiving?.cancel() }
            return options.waitSeconds <= Self.finishingPollLimit
        }
        guard finishing else { return }
        // A poll held up past its wait (a network that does not answer, retries with backoff) is cancelled after
        // all, so the stop still ends inside `docker stop`'s 10 s.
        let limit = Duration.seconds(options.waitSeconds + 2)
        Task { [weak self] in
            try? await Task.sleep(for: limit)
            self?.lock.withLock { self?.receiving?.cancel() }
        }
    }

    var stopped: Bool { lock.withLock { stopRequested } }

    func count(_ change: (inout WatchStats) -> Void) { lock.withLock { change(&_stats) } }

    /// Runs until `stop()`; throws when the queue cannot be read `receiveAttempts` times in a row.
    public func run() async throws {
        let sqs = client.sqs(region: Self.region(ofQueue: options.queueURL))
        var failures = 0
        var lastStats = ContinuousClock.now
        while !stopped {
            if let every = options.statsEvery, ContinuousClock.now - lastStats >= every {
                log(AlertRenderer.stats(stats))
                lastStats = .now
            }
            await flush(sqs: sqs)
            // Deliveries run beside the receives; a slow sink holds at most `maxInFlight` messages.
            while lock.withLock({ inFlight.count }) >= options.maxInFlight, !stopped {
                try? await Task.sleep(for: .milliseconds(50))
                await flush(sqs: sqs)
            }
            if stopped { break }
            reloadApprovalsIfChanged()
            let request = SQS.ReceiveMessageRequest(
                queueUrl: options.queueURL, messageSystemAttributeNames: ["ApproximateReceiveCount"],
                maxNumberOfMessages: 10, waitTimeSeconds: options.waitSeconds)
            let messages: [SQS.Message]
            do {
                let task = Task { try await sqs.receiveMessage(request).messages ?? [] }
                let stopping = lock.withLock {
                    receiving = task
                    return stopRequested
                }
                if stopping && options.waitSeconds > Self.finishingPollLimit { task.cancel() }
                defer { lock.withLock { receiving = nil } }
                messages = try await task.value
                failures = 0
            } catch {
                if stopped { break }
                failures += 1
                if failures >= options.receiveAttempts {
                    throw Failure(
                        description:
                            "sqs ReceiveMessage \(options.queueURL): \(error) (\(failures) attempts in a row; giving up)"
                    )
                }
                log("watch: sqs ReceiveMessage failed (\(error)); retrying")
                try? await Task.sleep(for: options.backoff * (1 << min(failures - 1, 6)))
                continue
            }
            if stopped {
                // Received as the stop came: back to the queue at once for the next consumer.
                await release(messages, sqs: sqs)
                break
            }
            // Records are analysed in the order received (bursts and sessions span messages); then each message's
            // alerts are delivered on their own task, each sink on its own, so a slow sink delays neither the others
            // nor other messages, and the next receive does not wait for them.
            for message in messages { start(message, prepare(message), sqs: sqs) }
        }
        // Stopping: deliveries under way get a short grace, then are cancelled; their messages are released.
        let deadline = ContinuousClock.now + options.stopGrace
        while lock.withLock({ !inFlight.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let remaining = lock.withLock { Array(inFlight.values) }
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
        await responder?.finish(grace: options.stopGrace)
        await flush(sqs: sqs)
        if let path = options.statePath { try? state.save(path) }
    }

    /// Delivers one prepared message on a task of its own; when done with, it joins `finished` for deletion.
    func start(_ message: SQS.Message, _ work: Work, sqs: SQS.Client) {
        lock.withLock {
            let number = serial
            serial += 1
            // The task's last step takes the lock, so it cannot finish before it is registered here.
            inFlight[number] = Task {
                let done = await self.finish(message, work, sqs: sqs)
                if done {
                    // Deleted as soon as its deliveries are done, not after the next poll returns.
                    self.lock.withLock { self.finished.append(message) }
                    await self.flush(sqs: sqs)
                }
                // Registered until its deletion is under way, so a stop waits for it.
                self.lock.withLock { self.inFlight[number] = nil }
            }
        }
    }

    /// Saves the state, then deletes the messages done with (what was delivered is on disk before the messages go:
    /// a crash in between alerts nothing twice), ten per DeleteMessageBatch.
    /// One flush at a time (a state file saved out of order could drop newer deliveries): a caller finding one
    /// under way leaves its messages to it, since it runs until nothing is left.
    func flush(sqs: SQS.Client) async {
        while true {
            let done: [SQS.Message]? = lock.withLock {
                guard !flushing, !finished.isEmpty else { return nil }
                flushing = true
                defer { finished = [] }
                return finished
            }
            guard let done else { return }
            saveState()
            for start in stride(from: 0, to: done.count, by: 10) {
                await delete(Array(done[start..<min(start + 10, done.count)]), sqs: sqs)
            }
            lock.withLock { flushing = false }
        }
    }

    /// What one message asks for: nothing more (a bad message, true to delete it, false to leave it), or alerts to
    /// deliver, each with the sinks that have not had it yet.
    enum Work {
        case done(Bool)
        case deliver([(detection: Detection, key: String, sinks: [any AlertSink])])
    }

    /// Decodes a message and runs the detections on its records (in order: the analysis keeps state).
    func prepare(_ message: SQS.Message) -> Work {
        count { $0.received += 1 }
        let id = message.messageId ?? "?"
        let events: [CloudTrailEvent]
        do {
            events = try Self.decode(message.body ?? "", id: id)
        } catch {
            count { $0.bad += 1 }
            log(
                "watch: message \(id): \(error); "
                    + (options.keepBad ? "left for the dead-letter queue (--keep-bad)" : "deleted"))
            return .done(!options.keepBad)
        }
        let detections = lock.withLock { events.flatMap { analysis.analyse($0) } }
        if let responder {
            responder.observe(events, detections)
            for detection in detections { responder.trigger(detection) }
        }
        var alerts: [(detection: Detection, key: String, sinks: [any AlertSink])] = []
        for detection in detections {
            if options.onlyUnexpected && (detection.expected || detection.severity <= .info) {
                if detection.expected { count { $0.expected += 1 } }
                continue
            }
            let key = "\(detection.accountId)/\(detection.eventID)/\(detection.detection)"
            let pending = sinks.filter { sink in !lock.withLock { state.delivered(key, to: sink.name) } }
            if pending.isEmpty {
                count { $0.duplicates += 1 }
                continue
            }
            alerts.append((detection, key, pending))
        }
        return .deliver(alerts)
    }

    /// Delivers a prepared message's alerts: every sink concurrently, each sink its alerts in order, while the
    /// message's visibility is extended. True when it is done with (to be deleted), false when it goes back.
    func finish(_ message: SQS.Message, _ work: Work, sqs: SQS.Client) async -> Bool {
        guard case .deliver(let prepared) = work else {
            if case .done(let delete) = work { return delete }
            return false
        }
        guard !prepared.isEmpty else { return true }
        var alerts = prepared
        if options.accountFacts {
            for index in alerts.indices { alerts[index].detection = await withAccountFacts(alerts[index].detection) }
        }
        let id = message.messageId ?? "?"
        let receives = Int(message.attributes?["ApproximateReceiveCount"] ?? "") ?? 1
        let heartbeat = Task { await keepInvisible(message, sqs: sqs) }
        defer { heartbeat.cancel() }
        let failed: [String] = await withTaskGroup(of: [String].self) { group in
            for sink in sinks {
                let mine = alerts.filter { alert in alert.sinks.contains { $0.name == sink.name } }
                guard !mine.isEmpty else { continue }
                group.addTask {
                    var errors: [String] = []
                    for alert in mine {
                        if let error = await self.deliver(alert.detection, to: sink) {
                            errors.append(error)
                        } else {
                            self.lock.withLock {
                                self.state.record(alert.key, sink: sink.name, now: Date())
                                // An alert counts as alerted once it reached a sink (standard output included).
                                if self.counted.insert(alert.key).inserted { self._stats.alerted += 1 }
                            }
                        }
                    }
                    return errors
                }
            }
            var all: [String] = []
            for await errors in group { all += errors }
            return all
        }
        heartbeat.cancel()
        guard failed.isEmpty else {
            count { $0.deliveryFailures += 1 }
            if stopped {
                log("watch: message \(id): \(failed[0]); released for the next consumer (stopping)")
                // Its own task: this one may be cancelled (the stop's grace ended), the release must still go out.
                let queue = options.queueURL
                await Task {
                    _ = try? await sqs.changeMessageVisibility(
                        .init(queueUrl: queue, receiptHandle: message.receiptHandle, visibilityTimeout: 0))
                }.value
            } else if receives >= options.maxReceives {
                count { $0.leftForDeadLetterQueue += 1 }
                log(
                    "watch: message \(id): delivery failed \(receives) times (\(failed[0])); left for the queue's dead-letter queue"
                )
            } else {
                // Seen again after a backoff that grows with each receive.
                let delay = min(Int(options.backoff.inSeconds * Double(1 << min(receives, 10))) + 1, 900)
                log(
                    "watch: message \(id): \(failed[0]); retried in \(delay) s (receive \(receives) of \(options.maxReceives))"
                )
                _ = try? await sqs.changeMessageVisibility(
                    .init(queueUrl: options.queueURL, receiptHandle: message.receiptHandle, visibilityTimeout: delay))
            }
            return false
        }
        return true
    }

    /// The detection with `rootEmail`, `accountName` and `respond` in its details. The account's facts are waited
    /// for at most `accountFactsWait` (an alert is not held up by a slow Organizations; later alerts get them once
    /// read); the e-mail is `unknown` when it cannot be read, said once per account.
    func withAccountFacts(_ detection: Detection) async -> Detection {
        var detection = detection
        let account = detection.details["targetAccount"] ?? detection.accountId
        detection.details["respond"] = AlertRenderer.respondCommand(detection)
        guard let entry = await directory.entry(account, within: options.accountFactsWait) else {
            detection.details["rootEmail"] = "unknown"
            return detection
        }
        detection.details["rootEmail"] = entry.rootEmail ?? "unknown"
        if let name = entry.name { detection.details["accountName"] = name }
        if !entry.unreadable.isEmpty, lock.withLock({ unreadableAccounts.insert(account).inserted }) {
            log("watch: \(entry.unreadable.joined(separator: "; ")) (alerts for \(account) say 'unknown')")
        }
        return detection
    }

    /// Extends a message's visibility every `heartbeat` until cancelled (its deliveries are done).
    func keepInvisible(_ message: SQS.Message, sqs: SQS.Client) async {
        while true {
            do { try await Task.sleep(for: options.heartbeat) } catch { return }
            _ = try? await sqs.changeMessageVisibility(
                .init(
                    queueUrl: options.queueURL, receiptHandle: message.receiptHandle,
                    visibilityTimeout: options.visibilityExtension))
        }
    }

    /// Tries one sink `deliveryAttempts` times with backoff, each attempt bounded by `sinkTimeout`; nil when it
    /// accepted.
    func deliver(_ detection: Detection, to sink: any AlertSink) async -> String? {
        var delay = options.backoff
        var last = ""
        let name = (sink as? WebhookSink)?.displayName ?? sink.name
        for attempt in 1...max(1, options.deliveryAttempts) {
            do {
                try await Self.withTimeout(options.sinkTimeout, sink: sink) { try await sink.send(detection) }
                let failures = lock.withLock { failingSinks.removeValue(forKey: sink.name) }
                if let failures {
                    log("watch: \(name) recovered after \(plural(failures, "failed attempt"))")
                }
                return nil
            } catch {
                // A stop cancels deliveries under way: said in words, never as a raw error name.
                last =
                    error is CancellationError || Task.isCancelled
                    ? "\(name): not delivered before watch stopped" : "\(error)"
                if !(error is CancellationError || Task.isCancelled) {
                    let first = lock.withLock {
                        defer { failingSinks[sink.name, default: 0] += 1 }
                        return failingSinks[sink.name] == nil
                    }
                    if first { log("watch: \(name) is failing (\(last)); its alerts are retried, other sinks go on") }
                }
                guard attempt < options.deliveryAttempts, !stopped else { break }
                try? await Task.sleep(for: delay)
                // A stop during the backoff: no further attempt (the message is released for the next consumer).
                if stopped || Task.isCancelled { break }
                delay *= 2
            }
        }
        return last
    }

    /// Runs `work`, failing with a delivery error when it takes longer than `limit` (the attempt is cancelled).
    static func withTimeout(
        _ limit: Duration, sink: any AlertSink, _ work: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await work()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard let finished = try await group.next(), finished else {
                let name = (sink as? WebhookSink)?.displayName ?? sink.name
                throw DeliveryError(description: "\(name): no answer within \(limit.inSeconds) s")
            }
        }
    }

    /// Deletes the handled messages of one receive (at most ten: one DeleteMessageBatch). One that cannot be deleted
    /// is redelivered later; the state file keeps it from being alerted twice.
    func delete(_ messages: [SQS.Message], sqs: SQS.Client) async {
        guard !messages.isEmpty else { return }
        let entries = messages.enumerated().map {
            SQS.DeleteMessageBatchRequestEntry(id: String($0.offset), receiptHandle: $0.element.receiptHandle)
        }
        do {
            let result = try await sqs.deleteMessageBatch(.init(queueUrl: options.queueURL, entries: entries))
            for failure in result.failed ?? [] {
                let message = Int(failure.id ?? "").flatMap { messages.indices.contains($0) ? messages[$0] : nil }
                log(
                    "watch: message \(message?.messageId ?? "?"): sqs DeleteMessageBatch failed: \(failure.code ?? "") \(failure.message ?? "")"
                )
            }
        } catch {
            log("watch: sqs DeleteMessageBatch of \(plural(messages.count, "message")) failed: \(error)")
        }
    }

    func release(_ messages: [SQS.Message], sqs: SQS.Client) async {
        for message in messages {
            _ = try? await sqs.changeMessageVisibility(
                .init(queueUrl: options.queueURL, receiptHandle: message.receiptHandle, visibilityTimeout: 0))
        }
    }

    func saveState() {
        guard let path = options.statePath else { return }
        let snapshot = lock.withLock {
            state.prune(now: Date())
            return state
        }
        do { try snapshot.save(path) } catch { log("watch: cannot write the state file \(path): \(error)") }
    }

    func reloadApprovalsIfChanged() {
        guard let path = options.approvalsPath else { return }
        let stamp = Self.modified(path)
        guard stamp != approvalsStamp else { return }
        approvalsStamp = stamp
        do {
            let approvals = try ApprovalsFile.load(path)
            lock.withLock { analysis.setApprovals(approvals) }
            log("watch: approvals reloaded from \(path) (\(plural(approvals.count, "approval")))")
        } catch {
            log("watch: \(error); keeping the approvals read before")
        }
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The queue's region, from its URL (`https://sqs.eu-west-1.amazonaws.com/…`); nil for other hosts (a local
    /// endpoint), which then use the configured region.
    static func region(ofQueue url: String) -> AWSRegion? {
        guard let host = URL(string: url)?.host else { return nil }
        let labels = host.split(separator: ".")
        guard labels.count >= 3, labels[0] == "sqs" else { return nil }
        return AWSRegion(String(labels[1]))
    }

    public typealias BadMessage = WatchMessage.BadMessage

    /// The CloudTrail records in a message body (`WatchMessage.decode`).
    public static func decode(_ body: String, id: String) throws -> [CloudTrailEvent] {
        try WatchMessage.decode(body, id: id)
    }
}
