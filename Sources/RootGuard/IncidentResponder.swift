import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardHarden
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `rootguard respond`'s containment half, for the command line and for `watch --respond`: the accounts contained
/// concurrently, and one report per incident.
public enum IncidentResponder {
    /// What to contain and how.
    public struct Request: Sendable {
        public var scope: IncidentResponse.Scope
        /// The log sources the scope was read from (S3 ones are checked against their digests).
        public var sources: [TrailSource]
        public var quarantine: Bool
        public var allowPrincipals: [String]
        public var members: MemberClients
        public var approver: (any RootSessions.Approver)?
        public var apply: Bool
        public var concurrency: Int
        public var custody: [String]
        public var now: Date
        /// The organization when the caller read it already (`watch --respond`); nil: read once here.
        public var organization: IncidentContainment.Organization?

        public init(
            scope: IncidentResponse.Scope, sources: [TrailSource], quarantine: Bool = false,
            allowPrincipals: [String] = [], members: MemberClients, approver: (any RootSessions.Approver)?,
            apply: Bool, concurrency: Int = 16, custody: [String] = [], now: Date
        ) {
            self.scope = scope
            self.sources = sources
            self.quarantine = quarantine
            self.allowPrincipals = allowPrincipals
            self.members = members
            self.approver = approver
            self.apply = apply
            self.concurrency = concurrency
            self.custody = custody
            self.now = now
        }
    }

    /// The reports, the outcome, the containment's exit code, the evidence checks and the accounts not reachable.
    public struct Result: Sendable {
        public var reports: [IncidentReport]
        public var outcome: HardenOutcome
        public var code: Int32
        public var integrity: [LogFileIntegrity.Result]
        public var unreachable: [String]
        public var run: HardenRun<IncidentContainment>
    }

    /// Contains every incident of the scope: each account read, contained and re-checked on its own (up to
    /// `concurrency` at once), while the evidence is checked (the S3 logs against their digests, the records against
    /// each account's event history).
    public static func contain(
        _ request: Request, client: AWSClient, command: @escaping @Sendable (Incidents.Incident) -> String,
        progress: @escaping IncidentContainment.Progress = { _, _ in }
    ) async throws -> Result {
        let scope = request.scope
        var containment = IncidentContainment(
            targets: scope.incidents.compactMap { incident in
                AccountID(rawValue: incident.account).map {
                    .init(account: $0, artifacts: scope.artifacts[incident.account] ?? [])
                }
            }, quarantine: request.quarantine, allowPrincipals: request.allowPrincipals,
            memberRole: request.members.role, approver: request.approver, now: request.now, members: request.members)
        containment.organization = request.organization
        // Containment does not wait on the evidence: the integrity check reads attacker-writable objects (bounded)
        // while the account is read and contained.
        let s3Sources = request.sources.compactMap { source -> (bucket: String, prefix: String)? in
            if case .s3(let bucket, let prefix) = source { return (bucket, prefix) }
            return nil
        }
        let window = integrityWindow(scope, now: request.now)
        async let checked = IncidentIntegrity.check(
            records: scope.records, sources: s3Sources, accounts: scope.incidents.map(\.account), client: client,
            now: request.now, window: window)
        // The second source: the files' root records against each account's event history.
        let fromFiles = request.sources.contains { if case .lookup = $0 { false } else { true } }
        async let reconciled = reconcile(
            scope, window: window, fromFiles: fromFiles, client: client, members: request.members, now: request.now)
        let run = try await containment.runConcurrently(
            client: client, apply: request.apply, concurrency: request.concurrency, progress: progress)
        let integrity = await checked + reconciled
        let directory = AccountDirectory(client: client)
        let entries = await scope.incidents.concurrentMap(maxConcurrency: request.concurrency) {
            await directory.entry($0.account)
        }
        let reports = zip(scope.incidents, entries).map { incident, entry in
            report(
                incident, scope: scope, run: run, entry: entry, custody: request.custody, applying: request.apply,
                now: request.now, command: command(incident))
        }
        return Result(
            reports: reports, outcome: run.outcome, code: containment.exitCode(run, applying: request.apply),
            integrity: integrity, unreachable: run.state.unreachable, run: run)
    }

    /// The incident's records from files reconciled with each account's event history (a member's through its role).
    static func reconcile(
        _ scope: IncidentResponse.Scope, window: LogFileIntegrity.Window?, fromFiles: Bool, client: AWSClient,
        members: MemberClients, now: Date
    ) async -> [LogFileIntegrity.Result] {
        guard fromFiles, let window, !scope.incidents.isEmpty else { return [] }
        let caller: AccountID
        do { caller = try await client.callerIdentity().account } catch {
            return [
                .init(
                    kind: .event, location: "event history", verdict: .unverifiable,
                    reason: "the caller cannot be identified, so no history was read: \(error)")
            ]
        }
        var regions: [String: Set<String>] = [:]
        for detection in scope.detections { regions[detection.accountId, default: []].insert(detection.region) }
        return await EventHistoryReconciliation.check(
            records: scope.records, accounts: scope.incidents.map(\.account), regions: regions, since: window.start,
            until: window.end, now: now
        ) { account in
            guard account != caller.rawValue, let id = AccountID(rawValue: account) else { return client }
            return members.client(id, base: client)
        }
    }

    /// The hours the evidence must cover: from the hour of the first detection or record to the end of the hour of
    /// the last (a deleted log file leaves no record, so the detections' times count too).
    public static func integrityWindow(_ scope: IncidentResponse.Scope, now: Date) -> LogFileIntegrity.Window? {
        IncidentIntegrity.window(
            times: scope.incidents.flatMap { [$0.first, $0.last] } + scope.records.compactMap(\.eventTime), now: now)
    }

    /// One account's report from the containment run.
    public static func report(
        _ incident: Incidents.Incident, scope: IncidentResponse.Scope, run: HardenRun<IncidentContainment>,
        entry: AccountDirectory.Entry, custody: [String], applying: Bool, now: Date, command: String
    ) -> IncidentReport {
        var stepOf: [Int: [AppliedChange]] = [:]
        var cursor = 0
        for (step, changes) in run.plan.stepChanges {
            let end = min(cursor + changes.count, run.outcome.applied.count)
            stepOf[step.index] = cursor < end ? Array(run.outcome.applied[cursor..<end]) : []
            cursor += changes.count
        }
        let planned = Set(run.plan.stepChanges.map(\.step.index))
        let lines = run.state.items.enumerated().filter { $0.element.account.rawValue == incident.account }.map {
            index, item in
            let step: String
            if planned.contains(index) {
                if !applying {
                    step = "planned"
                } else if let errors = stepOf[index]?.compactMap(\.error), !errors.isEmpty {
                    step = "FAILED: " + errors.joined(separator: "; ")
                } else {
                    step = stepOf[index]?.isEmpty == false ? "done" : "not attempted"
                }
            } else {
                step = item.before.isUnknown ? "not confirmed" : "not needed"
            }
            return IncidentReport.Containment(
                title: item.title, before: item.before.text, step: step, after: item.after?.text)
        }
        let member = run.state.items.contains {
            $0.account.rawValue == incident.account && $0.subject == .rootCredentials
        }
        let prefix = incident.account + ": "
        var report = IncidentReport(
            incident: incident, artifacts: scope.artifacts[incident.account] ?? [], containment: lines,
            forPeople: run.state.forPeople.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) },
            context: .init(
                rootEmail: entry.rootEmail, accountName: entry.name, securityContact: entry.securityContact,
                custody: custody, memberWithRootSessions: member, generatedAt: now, unreadable: entry.unreadable),
            mode: applying ? "applied" : "dry run",
            commands: applying ? ["rootguard audit"] : lines.contains { $0.step == "planned" } ? [command] : [])
        report.collateral = run.state.collateral.filter { $0.account == incident.account }
        return report
    }

}
