import Foundation
import RootGuardModel

/// Root activity grouped as a responder reads it: per account, the root sessions — each sign-in with the console
/// actions that followed it from the same address, each access key, each temporary session, each AssumeRoot session
/// with its task policy — with their window, addresses, user agents, MFA and whether an approval covered all of it.
/// (`rootguard respond` scopes an incident from these; the detections come from `trail`, `trail athena` or `watch`.)
public enum Incidents {
    public struct Session: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// A console sign-in and the console actions after it.
            case console
            /// A long-term root access key (`AKIA…`).
            case accessKey
            /// Temporary root credentials (`ASIA…`, e.g. GetSessionToken).
            case temporary
            /// A privileged session from `sts:AssumeRoot` (the call and the actions in the member account).
            case assumeRoot
            /// Anything else (password recovery, e-mail changes, service events).
            case other
        }

        public var kind: Kind
        /// The access key, the sign-in's event id, or the AssumeRoot call's issued key.
        public var key: String
        public var first: Date
        public var last: Date
        public var sourceIPs: [String]
        public var userAgents: [String]
        /// False when any event says MFA was not used; nil when none says.
        public var mfa: Bool?
        /// The task policy and caller of an AssumeRoot session.
        public var taskPolicy: String?
        public var caller: String?
        /// Every detection was covered by an approval.
        public var approved: Bool
        public var eventIDs: [String]
        public var eventNames: [String]

        public init(
            kind: Kind, key: String, first: Date, last: Date, sourceIPs: [String], userAgents: [String], mfa: Bool?,
            taskPolicy: String?, caller: String?, approved: Bool, eventIDs: [String], eventNames: [String]
        ) {
            self.kind = kind
            self.key = key
            self.first = first
            self.last = last
            self.sourceIPs = sourceIPs
            self.userAgents = userAgents
            self.mfa = mfa
            self.taskPolicy = taskPolicy
            self.caller = caller
            self.approved = approved
            self.eventIDs = eventIDs
            self.eventNames = eventNames
        }
    }

    public struct Incident: Sendable, Hashable, Codable {
        public var account: String
        public var first: Date
        public var last: Date
        public var sessions: [Session]
        /// Detections no approval covered.
        public var unexpected: Int

        public init(account: String, first: Date, last: Date, sessions: [Session], unexpected: Int) {
            self.account = account
            self.first = first
            self.last = last
            self.sessions = sessions
            self.unexpected = unexpected
        }
    }

    /// Console actions belong to the latest sign-in before them from the same address within this time.
    public static let consoleSessionLength: TimeInterval = 12 * 3600

    /// The incidents of these detections: one per account with root activity, sessions in time order.
    public static func scope(_ detections: [Detection]) -> [Incident] {
        let byAccount = Dictionary(grouping: detections) { detection in
            detection.detection == DetectionCatalog.assumeRootRequested.id
                ? detection.details["targetAccount"] ?? detection.accountId : detection.accountId
        }
        return byAccount.keys.sorted().compactMap { account in
            let list = byAccount[account]!.filter { $0.detection != DetectionCatalog.consoleLoginFailureBurst.id }
                .sorted { ($0.eventTime, $0.eventID) < ($1.eventTime, $1.eventID) }
            guard let first = list.first, let last = list.last else { return nil }
            return Incident(
                account: account, first: first.eventTime, last: last.eventTime, sessions: sessions(list),
                unexpected: list.filter(\.isUnexpected).count)
        }
    }

    /// Sessions of one account's detections (sorted by time).
    static func sessions(_ detections: [Detection]) -> [Session] {
        var groups: [String: [Detection]] = [:]
        var order: [String] = []
        var kinds: [String: Session.Kind] = [:]
        // Sign-ins open console sessions: (group key, address, time).
        var signIns: [(key: String, address: String?, time: Date)] = []
        func add(_ key: String, _ kind: Session.Kind, _ detection: Detection) {
            if groups[key] == nil {
                order.append(key)
                kinds[key] = kind
            }
            groups[key, default: []].append(detection)
        }
        for detection in detections {
            switch detection.credential {
            case .assumeRootSession:
                add(
                    "assume-root:\(detection.accessKeyId ?? detection.details["assumeRootEventID"] ?? "?")",
                    .assumeRoot, detection)
            case _ where detection.detection == DetectionCatalog.assumeRootRequested.id:
                add(
                    "assume-root:\(detection.details["issuedAccessKeyId"] ?? detection.eventID)", .assumeRoot, detection
                )
            case .accessKey:
                add("key:\(detection.accessKeyId ?? "?")", .accessKey, detection)
            case .session:
                add("temporary:\(detection.accessKeyId ?? "?")", .temporary, detection)
            case .signIn where detection.eventName == "ConsoleLogin":
                let key = "console:\(detection.eventID)"
                signIns.append((key, detection.sourceIPAddress, detection.eventTime))
                add(key, .console, detection)
            case .consoleSession:
                let opener = signIns.last {
                    $0.address == detection.sourceIPAddress
                        && detection.eventTime.timeIntervalSince($0.time) <= consoleSessionLength
                }
                add(opener?.key ?? "console:unknown-sign-in", .console, detection)
            default:
                add("other:\(detection.eventName)", .other, detection)
            }
        }
        return order.map { key in
            let list = groups[key]!
            let call = list.first { $0.detection == DetectionCatalog.assumeRootRequested.id }
            let mfaValues = list.compactMap(\.mfaUsed)
            // A record gives several detections (the credential, what it did…): each record once.
            var seen = Set<String>()
            let records = list.filter { seen.insert($0.eventID).inserted }
            return Session(
                kind: kinds[key]!, key: String(key.drop { $0 != ":" }.dropFirst()), first: list.first!.eventTime,
                last: list.last!.eventTime, sourceIPs: unique(list.compactMap(\.sourceIPAddress)),
                userAgents: unique(list.compactMap(\.userAgent)),
                mfa: mfaValues.isEmpty ? nil : mfaValues.allSatisfy { $0 },
                taskPolicy: (call ?? list.first)?.details["taskPolicy"],
                caller: (call ?? list.first)?.details["caller"],
                approved: list.allSatisfy(\.expected), eventIDs: records.map(\.eventID),
                eventNames: records.map(\.eventName))
        }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
