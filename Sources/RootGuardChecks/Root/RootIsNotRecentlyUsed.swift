import Foundation
import RootGuardModel

/// ROOT-BP 05: the newest of the password and both key dates (not the first one found, as Prowler does; not
/// inverted for keys, as Steampipe does), in a configurable window, saying which credential, when and where.
public struct RootIsNotRecentlyUsed: Check {
    public static let metadata = CheckMetadata(
        id: "root-not-recently-used", title: "Root is not used for everyday work", practices: ["05"], severity: .high,
        risk: "Every root sign-in or API call exposes the one identity no policy restrains.",
        remediation:
            "Find what root was used for (rootguard trail), move that work to an IAM role, and keep root for the few tasks only root can do."
    )

    public init() {}

    struct Use {
        var credential: String
        var date: Date
        var region: String?
        var service: String?
    }

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let report = try need(snapshot.credentialReport)
            guard let root = report.root else {
                return [
                    m.notEvaluated(
                        snapshot, Unavailable(kind: .missing, reason: "the credential report has no <root_account> row")
                    )
                ]
            }
            var uses: [Use] = []
            if let date = root.passwordLastUsed.date {
                uses.append(Use(credential: "password (console sign-in)", date: date))
            }
            for key in root.accessKeys {
                if let date = key.lastUsed.date {
                    uses.append(
                        Use(
                            credential: "access key \(key.slot)", date: date, region: key.lastUsedRegion,
                            service: key.lastUsedService))
                }
            }
            let window = context.rootUsageWindowDays
            var evidence: [String: JSONValue] = [
                "windowDays": .number(Double(window)), "passwordLastUsed": Describe.timestamp(root.passwordLastUsed),
                "accessKeysLastUsed": .array(root.accessKeys.map { Describe.timestamp($0.lastUsed) }),
            ]
            if let generated = report.generatedAt {
                evidence["reportGeneratedAt"] = .string(Describe.timestamp(generated))
            }
            guard let newest = uses.max(by: { $0.date < $1.date }) else {
                return [
                    m.finding(
                        snapshot, .pass,
                        "No recorded root use (password never used or no information; keys never used).",
                        evidence: evidence)
                ]
            }
            let age = Describe.days(from: newest.date, to: context.now)
            evidence["lastUse"] = .object([
                "credential": .string(newest.credential), "at": .string(Describe.timestamp(newest.date)),
                "region": JSONValue(newest.region), "service": JSONValue(newest.service),
                "daysAgo": .number(Double(age)),
            ])
            var place = ""
            if let service = newest.service, let region = newest.region { place = " (\(service) in \(region))" }
            let when = "\(Describe.day(newest.date)), \(age) day\(age == 1 ? "" : "s") ago"
            if age < window {
                return [
                    m.finding(
                        snapshot, .fail,
                        "Root was used within the last \(window) days: \(newest.credential) on \(when)\(place).",
                        evidence: evidence)
                ]
            }
            return [
                m.finding(
                    snapshot, .pass,
                    "Root was last used \(age) days ago (\(newest.credential) on \(Describe.day(newest.date))), outside the \(window)-day window.",
                    evidence: evidence)
            ]
        }
    }
}
