/// Something that existed before a root session and that containment deletes, detaches or works around: its
/// version as it was just before rootguard acted (kept in the evidence and the JSON), and how a person restores it
/// if it was legitimate access.
public struct Collateral: Sendable, Codable, Hashable {
    public var account: String
    /// What it is: "inline policy ops of user alice", "AdministratorAccess attached to role deploy", …
    public var what: String
    /// Why rootguard acts on it and what it does instead of or before the change.
    public var step: String
    /// Its version before containment: a policy document, an ARN, a description.
    public var current: String
    /// The command (or document) that restores it.
    public var restore: String
    /// The evidence file holding `current` (`collateral-…json`).
    public var file: String

    public init(account: String, what: String, step: String, current: String, restore: String, file: String) {
        self.account = account
        self.what = what
        self.step = step
        self.current = current
        self.restore = restore
        self.file = file
    }

    /// An evidence file name from its account and parts: letters, digits, `-`, `_` and `.` only.
    public static func fileName(account: String, _ parts: String...) -> String {
        let raw = ([account] + parts).joined(separator: "-")
        let safe = String(raw.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        return "collateral-" + String(safe.prefix(120)) + ".json"
    }
}
