import RootGuardModel

/// The ROOT-BP practices (docs/PRACTICES.md): the project's own framework.
public enum Practices {
    public struct Practice: Sendable, Hashable {
        public let id: PracticeID
        public let title: String
    }

    public static let all: [Practice] = [
        .init(id: "01", title: "Root has MFA"),
        .init(id: "02", title: "Hardware MFA, and more than one MFA device"),
        .init(id: "03", title: "No root access keys (inactive ones count too)"),
        .init(id: "04", title: "No root X.509 signing certificates"),
        .init(id: "05", title: "Root is not used for everyday work"),
        .init(id: "06", title: "Strong root password"),
        .init(id: "07", title: "Password kept in a password manager independent of this account"),
        .init(id: "08", title: "An administrative identity exists for daily work; billing access delegated"),
        .init(id: "09", title: "Root e-mail: company domain, group address, unique, single-purpose"),
        .init(id: "10", title: "Security, operations and billing contacts and primary phone current"),
        .init(id: "11", title: "Recovery channels locked down and held by different groups"),
        .init(id: "12", title: "Multi-person custody of the root password and MFA devices"),
        .init(id: "13", title: "Organizations: centralised root access enabled"),
        .init(id: "14", title: "Member-account root credentials removed"),
        .init(id: "15", title: "An SCP denies root actions in every member account"),
        .init(id: "16", title: "CloudTrail: multi-region trail logging management events"),
        .init(id: "17", title: "Root-usage metric filter, alarm and confirmed subscriber"),
        .init(id: "18", title: "EventBridge rule for root sign-in and root API calls"),
        .init(id: "19", title: "GuardDuty on everywhere; root findings not suppressed"),
        .init(id: "20", title: "AWS Config root rules and Security Hub root controls enabled"),
        .init(id: "21", title: "A response procedure for root alerts"),
    ]

    public static func title(_ id: PracticeID) -> String { all.first { $0.id == id }?.title ?? "ROOT-BP \(id)" }
}
