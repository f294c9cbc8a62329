import Foundation
import RootGuardModel
import RootGuardTrail

/// One incident as `rootguard respond` reports it (Markdown, HTML and JSON render this one model): the sessions, what
/// they left behind, the containment of each item with its state before and after, what remains for a person, whom to
/// call, and the integrity of the log files the records came from.
public struct IncidentReport: Sendable, Encodable {
    /// Facts about the account read from AWS (each nil when it could not be read; `unreadable` says why).
    public struct Context: Sendable, Encodable {
        public var rootEmail: String?
        public var accountName: String?
        /// The SECURITY alternate contact ("name, e-mail, phone").
        public var securityContact: String?
        /// The custody attestations on record (one line each).
        public var custody: [String]
        /// Whether the account is a member whose root credentials rootguard can remove (centralised root access).
        public var memberWithRootSessions: Bool
        public var generatedAt: Date
        /// What could not be read, one line each.
        public var unreadable: [String]

        public init(
            rootEmail: String?, accountName: String? = nil, securityContact: String?, custody: [String] = [],
            memberWithRootSessions: Bool, generatedAt: Date, unreadable: [String] = []
        ) {
            self.rootEmail = rootEmail
            self.accountName = accountName
            self.securityContact = securityContact
            self.custody = custody
            self.memberWithRootSessions = memberWithRootSessions
            self.generatedAt = generatedAt
            self.unreadable = unreadable
        }
    }

    /// One item of the containment: what it is, the state before, the step and its outcome, the state after.
    public struct Containment: Sendable, Encodable, Hashable {
        public var title: String
        public var before: String
        /// `planned`, `done`, `FAILED: …`, `not needed`, or `not confirmed`.
        public var step: String
        public var after: String?

        public init(title: String, before: String, step: String, after: String?) {
            self.title = title
            self.before = before
            self.step = step
            self.after = after
        }

        /// Still open: its latest known state (after the step, else before) is open or unknown.
        public var isOpen: Bool {
            let state = after ?? before
            return state.hasPrefix("open") || state.hasPrefix("unknown") || state.hasPrefix("not read")
        }
    }

    public var incident: Incidents.Incident
    /// What the unapproved sessions left behind.
    public var artifacts: [SessionAftermath.Artifact]
    public var containment: [Containment]
    public var forPeople: [String]
    public var context: Context
    public var integrity: [LogFileIntegrity.Result]
    /// What existed before the session and that containment deletes, detaches or quarantines instead, with its
    /// version before containment and how to restore it.
    public var collateral: [Collateral] = []
    /// `plan` (dry run), `applied`, or `offline` (planned from the records alone, nothing read from the account).
    public var mode: String
    /// The commands that go on from here.
    public var commands: [String]

    public init(
        incident: Incidents.Incident, artifacts: [SessionAftermath.Artifact], containment: [Containment] = [],
        forPeople: [String] = [], context: Context, integrity: [LogFileIntegrity.Result] = [], mode: String = "plan",
        commands: [String] = []
    ) {
        self.incident = incident
        self.artifacts = artifacts
        self.containment = containment
        self.forPeople = forPeople
        self.context = context
        self.integrity = integrity
        self.mode = mode
        self.commands = commands
    }

    /// Where the evidence stands: what the integrity check found, in one status and one line.
    public struct Evidence: Sendable, Encodable, Hashable {
        /// `failed` (tampered with, or expected and missing), `incomplete` (gaps, files nothing vouches for),
        /// `verified`, or `not-checked`.
        public var status: String
        public var failures: Int
        public var gaps: Int
        public var unverifiable: Int
        public var verified: Int
        /// The line every report format starts with.
        public var headline: String

        public init(_ results: [LogFileIntegrity.Result]) {
            failures = results.filter(\.failed).count
            gaps = results.filter { $0.verdict == .gap }.count
            unverifiable = results.filter { $0.verdict == .unverifiable }.count
            verified = results.filter { $0.verdict == .verified }.count
            if failures > 0 {
                status = "failed"
                headline =
                    "EVIDENCE FAILED INTEGRITY: \(failures) \(failures == 1 ? "log file, digest or event" : "log files, digests or events") tampered with or missing (exit 5); see Log file integrity"
            } else if gaps + unverifiable > 0 {
                status = "incomplete"
                let parts = [
                    gaps > 0 ? "\(plural(gaps, "period")) whose activity is unknown" : nil,
                    unverifiable > 0 ? "\(plural(unverifiable, "file")) nothing vouches for" : nil,
                ].compactMap { $0 }
                headline =
                    "Evidence not verified: \(parts.joined(separator: ", ")); what happened there is unknown (see Log file integrity)"
            } else if verified > 0 {
                status = "verified"
                headline = "Evidence verified: \(verified) digests and log files, signature, chain and hash"
            } else {
                status = "not-checked"
                headline = "Evidence not checked: no log file of the incident was read from S3"
            }
        }
    }

    public var evidence: Evidence { Evidence(integrity) }

    /// Every session was approved: a review of planned root use, not an incident.
    public var isReview: Bool { !incident.sessions.isEmpty && incident.sessions.allSatisfy(\.approved) }

    /// Nothing left for `--apply`: no containment step is planned or failed.
    public var nothingToApply: Bool {
        !containment.contains { $0.step.hasPrefix("planned") || $0.step.hasPrefix("FAILED") }
    }

    /// The AWS Support case text, lines (values escaped for the terminal); none for a review.
    public var supportCase: [String] {
        guard !isReview else { return [] }
        let addresses = Set(incident.sessions.flatMap(\.sourceIPs)).sorted()
        let time = { (date: Date) in TimeArgument.format(date) }
        let changes =
            artifacts.isEmpty
            ? ["Changes made as root: none found in the records read."]
            : ["Changes made as root:"]
                + artifacts.map { "- \(TerminalSafe.escape($0.eventTime)) \(TerminalSafe.escape($0.summary))" }
        return [
            "Subject: Suspected unauthorised root user activity in account \(incident.account)",
            "Account: \(incident.account)" + (context.accountName.map { " (\(TerminalSafe.escape($0)))" } ?? ""),
            "Root e-mail: \(TerminalSafe.escape(context.rootEmail ?? "(not known)"))",
            "Activity: \(time(incident.first)) to \(time(incident.last)) (UTC)",
            "Source addresses: "
                + (addresses.isEmpty ? "(none recorded)" : TerminalSafe.escape(addresses.joined(separator: ", "))),
        ] + changes + [
            "We believe the root user's credentials were used without authorisation. Please help us secure",
            "the account and review its activity.",
        ]
    }

    /// What a person must do, in order (the containment's leftovers first), specific to this incident: what each
    /// credential and role the sessions created did on its own, and how long root's sessions stay valid.
    public var personSteps: [String] {
        var steps = forPeople
        if isReview {
            steps.append(
                "Review the approved session's changes against its ticket; rootguard contains nothing an approval covers."
            )
        }
        for artifact in artifacts {
            let region = artifact.region.isEmpty ? "us-east-1" : artifact.region
            let since = artifact.eventTime
            let attribute: String? =
                switch artifact.kind {
                case .accessKey: "AccessKeyId,AttributeValue=\(artifact.resource)"
                case .user: "Username,AttributeValue=\(artifact.resource)"
                case .role: "ResourceName,AttributeValue=\(artifact.resource)"
                default: nil
                }
            guard let attribute else { continue }
            steps.append(
                "Review what \(artifact.summary) did on its own since \(since) (rootguard's trail hunts root only): `aws cloudtrail lookup-events --region \(region) --lookup-attributes AttributeKey=\(attribute) --start-time \(since)` in account \(incident.account), and the same in its other regions."
            )
        }
        for session in incident.sessions where !session.approved {
            let started = TimeArgument.format(session.first)
            let validity: String? =
                switch session.kind {
                case .console:
                    "Root's console session signed in at \(started) is not ended by changing the password; until it expires, only an SCP (`--quarantine`, members only) or AWS Support stops it."
                case .temporary:
                    "Root's temporary credentials \(session.key) stay valid up to an hour after they were issued (before \(started) + 1 h); an SCP (`--quarantine`, members only) denies them now."
                case .assumeRoot:
                    "The privileged session \(session.key) ends at most 15 minutes after it began (\(started))."
                case .accessKey:
                    "Root's access key \(session.key) works until it is deleted, and temporary credentials it issued stay valid up to an hour."
                case .other: nil
                }
            if let validity, !steps.contains(validity) { steps.append(validity) }
        }
        if !context.memberWithRootSessions && !steps.contains(where: { $0.lowercased().contains("sign in as root") }) {
            steps.append(
                "Sign in as root (this account's root cannot be reached through a privileged session): change the password, review every MFA device, delete root access keys and signing certificates."
            )
        }
        steps.append("Audit again: `rootguard audit` (and `rootguard trail` over the same window).")
        steps.append("Open an AWS Support case (Account and billing → Security) with the text below.")
        return steps
    }

    /// The questions the practices ask before anyone calls the activity expected.
    public static let validationQuestions = [
        "Was this root use planned, and by whom? Is there a ticket or an approval for this window?",
        "Do the addresses and user agents belong to your people and networks?",
        "Was MFA used, with a device your custodians hold?",
        "Does every change above have an owner who meant to make it?",
    ]
}
