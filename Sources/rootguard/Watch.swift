import ArgumentParser
import Dispatch
import Foundation
import RootGuard
import RootGuardFiles
import RootGuardModel
import RootGuardReport

/// `rootguard watch`: continuous root-activity alerting from an SQS queue fed by EventBridge.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Alert on root activity as it happens: EventBridge → SQS → trail's detections → stdout, webhooks, SNS.",
        discussion: """
            Long-polls the queue (rootguard harden watch creates it and its rules), decodes each message (an EventBridge \
            envelope whose detail is a CloudTrail record, raw or wrapped by SNS), runs the detections of `trail` \
            (AssumeRoot sessions joined, bursts, approvals re-read when the file changes) and sends every detection to \
            every sink, each on its own (a hanging sink delays no other). A message is deleted only after every sink \
            accepted its alerts; a failing sink is retried with backoff, and after --max-receives the message is left for the queue's dead-letter queue. Alerts already \
            delivered are not sent again (--state keeps them across restarts). SIGTERM or SIGINT: \
            let the poll in flight finish (a poll of more than 5 s is cancelled) and release what it brought, give deliveries under way 3 s, release every message not done with, exit 0. SIGUSR1: print the counters on stderr. \
            Exit codes: 0 stopped by SIGTERM or SIGINT, 1 error (the queue cannot be read five times in a row, a bad \
            approvals or state file), 64 usage.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The SQS queue URL.")
    var queueUrl: String

    @Option(help: "Approved break-glass windows (YAML, as for trail); re-read when it changes.")
    var approvals: String?

    @Option(
        name: .customLong("webhook"),
        help: "POST each alert as JSON to this https URL (repeatable; Slack-compatible; http only to loopback).")
    var webhooks: [String] = []

    @Option(name: .customLong("sns-topic"), help: "Publish each alert to this SNS topic ARN (repeatable).")
    var snsTopics: [String] = []

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case jsonl, table }

    @Option(help: "jsonl (default) or table, on standard output.")
    var output: OutputFormat = .jsonl

    @Option(help: "A file remembering delivered alerts across restarts (created when missing).")
    var state: String?

    @Flag(help: "Only detections no approval covers (info-level service events never alert).")
    var onlyUnexpected = false

    @Flag(help: "Also alert on AWS service events and calls services make on root's behalf.")
    var includeServiceEvents = false

    @Option(help: "Receives of one message before it is left for the dead-letter queue.")
    var maxReceives = 5

    @Flag(help: "Leave undecodable messages for the dead-letter queue instead of deleting them.")
    var keepBad = false

    @Option(
        help:
            "Long-poll wait of each receive, 1–20 seconds (default 5: a stop lets the poll finish; above 5 it is cancelled)."
    )
    var waitSeconds = 5

    @Option(help: "Print the counters on stderr every N minutes (also on SIGUSR1).")
    var statsEvery: Double?

    @Option(
        help:
            "For unapproved root use in a member account: plan (send respond's plan) or apply (contain it); needs --approvals."
    )
    var respond: WatchResponder.Mode?

    @Option(help: "With --respond apply: the folder that gets one evidence folder per containment.")
    var respondEvidence: String?

    @Option(help: "With --respond apply: containments an hour across accounts (beyond it, plans only).")
    var respondPerHour = 5

    @Option(help: "With --respond: the role assumed in a member account.")
    var memberRole = "OrganizationAccountAccessRole"

    func validate() throws {
        guard let url = URL(string: queueUrl), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            throw ValidationError("--queue-url must be the queue's URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
        }
        for webhook in webhooks { try ValueArguments.checkWebhook(webhook, flag: "--webhook") }
        for topic in snsTopics {
            guard let arn = ARN(rawValue: topic), arn.isSNSTopic else {
                throw ValidationError("--sns-topic must be a topic ARN, not '\(TerminalSafe.escape(topic))'")
            }
        }
        guard (1...20).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be 1–20") }
        guard maxReceives >= 1 else { throw ValidationError("--max-receives must be at least 1") }
        if let statsEvery, statsEvery <= 0 { throw ValidationError("--stats-every must be positive") }
        if let respond {
            // Approved break-glass use must never be contained, and respond's own privileged sessions are approved
            // in the file first (so they never alert as unapproved use).
            guard let approvals else {
                throw ValidationError(
                    "--respond \(respond.rawValue) needs --approvals FILE: approved root use is never contained, and respond's own privileged sessions are approved there first"
                )
            }
            try ApprovalRecorder.validate(approvals)
            if respond == .apply {
                guard let respondEvidence else {
                    throw ValidationError(
                        "--respond apply needs --respond-evidence DIR (one evidence folder per containment)")
                }
                do { try EvidenceFolder.probeWritable(respondEvidence) } catch {
                    throw ValidationError("--respond-evidence: \(error)")
                }
            }
            guard respondPerHour >= 1 else { throw ValidationError("--respond-per-hour must be at least 1") }
        } else if respondEvidence != nil {
            throw ValidationError("--respond-evidence goes with --respond apply")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            try await global.withClient { client in
                var options = RootWatch.Options(queueURL: queueUrl)
                options.approvalsPath = approvals
                options.onlyUnexpected = onlyUnexpected
                options.includeServiceEvents = includeServiceEvents
                options.statePath = state
                options.maxReceives = maxReceives
                options.keepBad = keepBad
                options.waitSeconds = waitSeconds
                options.statsEvery = statsEvery.map { .milliseconds(Int($0 * 60_000)) }
                if let respond, let approvals {
                    var responding = WatchResponder.Options(mode: respond, approvalsPath: approvals)
                    responding.evidenceFolder = respondEvidence
                    responding.perHour = respondPerHour
                    responding.memberRole = memberRole
                    options.respond = responding
                }
                var sinks: [any AlertSink] = [OutputSink(table: output == .table) { try Output.stdout($0) }]
                sinks += webhooks.map { WebhookSink(url: $0) }
                sinks += snsTopics.map { SNSSink(topicARN: $0, client: client) }
                let watch = try RootWatch(options: options, client: client, sinks: sinks) {
                    Output.stderr(TerminalSafe.escape($0) + "\n")
                }
                let signals = SignalHandlers(watch: watch)
                defer { signals.cancel() }
                try await watch.run()
                Output.stderr(AlertRenderer.stats(watch.stats))
            }
        }
    }
}

/// SIGTERM and SIGINT stop the watch; SIGUSR1 prints its counters.
final class SignalHandlers: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(watch: RootWatch) {
        for (number, stop) in [(SIGTERM, true), (SIGINT, true), (SIGUSR1, false)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop {
                    watch.stop()
                } else {
                    Output.stderr(AlertRenderer.stats(watch.stats))
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

extension WatchResponder.Mode: ExpressibleByArgument {}
