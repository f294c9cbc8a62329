import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `watch --respond plan|apply`: for an unapproved root detection in a member account, `respond` for that account,
/// from the records `watch` itself analysed. The guardrails: only member accounts of the caller's organization (never
/// the management account, never an account outside it); only what unapproved sessions left behind; at most one
/// response per account at a time (a detection arriving meanwhile runs it once more afterwards); at most
/// `perHour` containments an hour across accounts (beyond it, plans only, said in the notice); `apply` needs the
/// approvals file, where respond's own privileged sessions are approved first (so they never alert as unapproved
/// use, and approved break-glass use is never contained). Every response is one notice to every sink (standard
/// output: one line on standard error) with the plan or what was done and, for `apply`, its evidence folder.
public final class WatchResponder: @unchecked Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case plan, apply
    }

    public struct Options: Sendable {
        public var mode: Mode
        public var approvalsPath: String
        /// A folder holding one evidence folder per containment (`apply`).
        public var evidenceFolder: String?
        public var perHour = 5
        public var memberRole = "OrganizationAccountAccessRole"
        /// Records kept per account (the newest), and how long.
        public var recordsPerAccount = 5_000
        public var keep: TimeInterval = 6 * 3600

        public init(mode: Mode, approvalsPath: String) {
            self.mode = mode
            self.approvalsPath = approvalsPath
        }
    }

    let options: Options
    let client: AWSClient
    let sinks: [any AlertSink]
    let log: @Sendable (String) -> Void
    let members: MemberClients
    private let lock = NSLock()
    private var records: [String: [CloudTrailEvent]] = [:]
    private var detections: [String: [Detection]] = [:]
    /// Accounts with a response under way (true: run once more when it ends).
    private var running: [String: Bool] = [:]
    private var containments: [Date] = []
    private var organization: (IncidentContainment.Organization, Date)?
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var serial = 0

    public init(
        options: Options, client: AWSClient, sinks: [any AlertSink], log: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.client = client
        self.sinks = sinks
        self.log = log
        self.members = MemberClients(role: options.memberRole)
    }

    /// Remembers what `watch` analysed (bounded per account: the newest records of the last hours).
    func observe(_ events: [CloudTrailEvent], _ found: [Detection]) {
        let now = Date()
        lock.withLock {
            for event in events {
                records[event.accountId] = kept(records[event.accountId, default: []] + [event], now: now) {
                    $0.eventTime ?? now
                }
            }
            for detection in found {
                let account = detection.details["targetAccount"] ?? detection.accountId
                detections[account] = kept(detections[account, default: []] + [detection], now: now) { $0.eventTime }
            }
        }
    }

    /// The newest `recordsPerAccount` of the last `keep` seconds.
    func kept<T>(_ items: [T], now: Date, time: (T) -> Date) -> [T] {
        var items = items
        if let first = items.first, now.timeIntervalSince(time(first)) > options.keep {
            items.removeAll { now.timeIntervalSince(time($0)) > options.keep }
        }
        if items.count > options.recordsPerAccount { items.removeFirst(items.count - options.recordsPerAccount) }
        return items
    }

    /// An unapproved detection: a response for its account, unless one is under way (then once more after it).
    func trigger(_ detection: Detection) {
        guard detection.isUnexpected else { return }
        let account = detection.details["targetAccount"] ?? detection.accountId
        guard AccountID(rawValue: account) != nil else { return }
        let start = lock.withLock {
            if running[account] != nil {
                running[account] = true
                return false
            }
            running[account] = false
            return true
        }
        guard start else { return }
        lock.withLock {
            let number = serial
            serial += 1
            tasks[number] = Task {
                var again = true
                while again {
                    await self.respond(account)
                    again = self.lock.withLock {
                        let more = self.running[account] == true
                        self.running[account] = more ? false : nil
                        return more
                    }
                }
                _ = self.lock.withLock { self.tasks.removeValue(forKey: number) }
            }
        }
    }

    /// On a stop: responses under way get `grace`, then are cancelled (each step only tightens; the next run
    /// picks up what is still open).
    func finish(grace: Duration) async {
        let deadline = ContinuousClock.now + grace
        while lock.withLock({ !tasks.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let remaining = lock.withLock { Array(tasks.values) }
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
    }

    /// The organization, read at most once an hour (again after a failure): the features that let root be reached
    /// can be switched on or off while watch runs.
    func readOrganization() async throws -> IncidentContainment.Organization {
        if let (known, at) = lock.withLock({ organization }), Date().timeIntervalSince(at) < 3600 { return known }
        let read = try await IncidentContainment(targets: [], members: members).readOrganization(client: client)
        lock.withLock { organization = (read, Date()) }
        return read
    }

    func respond(_ account: String) async {
        guard let id = AccountID(rawValue: account) else { return }
        let now = Date()
        let organization: IncidentContainment.Organization
        do { organization = try await readOrganization() } catch {
            await notice(account, "not contained automatically: the organization could not be read (\(error))")
            return
        }
        guard let management = organization.management else {
            await notice(
                account,
                "not contained automatically: the caller's account is in no organization, and watch contains only member accounts; run \(Self.command(account, since: now))"
            )
            return
        }
        if id == management {
            await notice(
                account,
                "not contained automatically: \(account) is the organization's management account (watch contains only members); run \(Self.command(account, since: now))"
            )
            return
        }
        var mode = options.mode
        var limited = false
        if mode == .apply {
            limited = lock.withLock {
                containments.removeAll { now.timeIntervalSince($0) > 3600 }
                if containments.count >= options.perHour { return true }
                containments.append(now)
                return false
            }
            if limited { mode = .plan }
        }
        let (mine, found) = lock.withLock { (records[account] ?? [], detections[account] ?? []) }
        let scope = IncidentResponse.assemble(
            detections: found, records: mine, inScope: [account], problems: [], sources: ["watch"])
        guard !scope.incidents.isEmpty, scope.incidents.contains(where: { $0.sessions.contains { !$0.approved } })
        else { return }
        let recorder = ApprovalRecorder(
            path: options.approvalsPath,
            reason: "rootguard watch --respond \(mode.rawValue): unapproved root use in \(account)", ticket: nil,
            log: { [log] in log("watch: " + $0) })
        var request = IncidentResponder.Request(
            scope: scope, sources: [], members: members, approver: recorder, apply: mode == .apply, concurrency: 1,
            now: now)
        request.organization = organization
        let result: IncidentResponder.Result
        do {
            result = try await IncidentResponder.contain(request, client: client) { incident in
                Self.command(incident.account, since: incident.first)
            }
        } catch {
            await notice(account, "respond \(mode.rawValue) failed: \(error)")
            return
        }
        if !result.unreachable.isEmpty {
            // Not contained, and said so in the notice (never a notice that reads like a clean containment).
            await notice(account, "not contained: " + result.unreachable.joined(separator: "; "))
            return
        }
        var folder: String?
        if mode == .apply, let base = options.evidenceFolder {
            // One folder per containment: a second one within the same second gets a suffix.
            let stem = URL(fileURLWithPath: base).appendingPathComponent(
                "\(account)-" + TimeArgument.format(now).filter { $0 != ":" && $0 != "-" }
            ).path
            var path = stem
            var suffix = 2
            while FileManager.default.fileExists(atPath: path) {
                path = "\(stem)-\(suffix)"
                suffix += 1
            }
            do {
                let markdown = result.reports.map(IncidentMarkdown.render).joined(separator: "\n---\n\n")
                try EvidenceFolder.write(
                    to: path, records: scope.records.map(\.record), detections: scope.detections,
                    documents: [
                        "incident.json": Array(
                            try IncidentPlanText.json(result.reports, outcome: result.outcome, problems: []).utf8),
                        "report.md": Array(markdown.utf8),
                    ], tool: "rootguard \(RootGuardVersion.current) watch", now: now)
                folder = path
            } catch {
                log("watch: respond \(account): the evidence could not be written to \(path): \(error)")
            }
        }
        for report in result.reports {
            var text = IncidentNotice.text(report)
            if limited {
                text += "; planned only: \(options.perHour) containments in the last hour (--respond-per-hour)"
            }
            if mode == .apply {
                let done = result.outcome.applied.filter { $0.error == nil }.count
                let failed = result.outcome.applied.count - done
                let passed = result.outcome.reaudit.filter { $0.status == .pass }.count
                text +=
                    "; applied \(plural(done, "change"))"
                    + (failed > 0 ? ", \(failed) FAILED" : "")
                    + ", re-check \(passed)/\(result.outcome.reaudit.count) contained"
                    + (folder.map { "; evidence in \($0)" } ?? "")
            }
            await deliver(account, text: text, report: report, outcome: result.outcome)
        }
    }

    /// The command a person runs for `account`.
    static func command(_ account: String, since: Date) -> String {
        "rootguard respond --account \(account) --since \(TimeArgument.format(since.addingTimeInterval(-3600))) --logs lookup"
    }

    func notice(_ account: String, _ text: String) async {
        await deliver(
            account, text: "[CRITICAL] root incident in account \(account): \(text)", report: nil, outcome: nil)
    }

    /// One line on standard error, and the notice to every sink that takes one (webhooks, SNS).
    func deliver(_ account: String, text: String, report: IncidentReport?, outcome: HardenOutcome?) async {
        log("watch: respond \(options.mode.rawValue) \(account): \(text)")
        struct Body: Encodable {
            var text: String
            var incident: IncidentReport?
            var outcome: HardenOutcome?
        }
        let body =
            (try? JSONText.data(
                Body(text: ChannelText.slack(text), incident: report, outcome: outcome), .compact)) ?? Data()
        await withTaskGroup(of: Void.self) { group in
            for sink in sinks {
                group.addTask {
                    do { try await sink.notify(text: text, body: body) } catch {
                        self.log("watch: respond \(account): the notice to \(sink.name) failed: \(error)")
                    }
                }
            }
        }
    }
}
