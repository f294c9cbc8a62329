import Foundation

/// What no API can see, attested by people, with evidence: who, when, how verified, until when.
/// Read from `--attestations FILE` (YAML); see `Examples/attestations.yaml`.
public struct Attestations: Codable, Sendable, Hashable {
    public var attestations: [Attestation]
    public var custody: CustodyPlan?
    public var runbook: Runbook?

    public init(attestations: [Attestation] = [], custody: CustodyPlan? = nil, runbook: Runbook? = nil) {
        self.attestations = attestations
        self.custody = custody
        self.runbook = runbook
    }

    enum CodingKeys: String, CodingKey { case attestations, custody, runbook }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attestations = try container.decodeIfPresent([Attestation].self, forKey: .attestations) ?? []
        custody = try container.decodeIfPresent(CustodyPlan.self, forKey: .custody)
        runbook = try container.decodeIfPresent(Runbook.self, forKey: .runbook)
    }

    /// The newest attestation for a ROOT-BP practice (`"06"`).
    public func latest(practice: String) -> Attestation? {
        attestations.filter { $0.practice == practice }.max { $0.attestedAt < $1.attestedAt }
    }
}

/// Who attested, when, how it was verified, and until when it holds. In the file these four keys sit beside the
/// attested item's own keys, so the containing types decode and encode it from their own decoder and encoder.
public struct Evidence: Codable, Sendable, Hashable {
    public var attestedBy: String
    public var attestedAt: Date
    /// How it was verified (e.g. "second person checked the vault entry's length and history").
    public var verification: String
    public var expires: Date

    public init(attestedBy: String, attestedAt: Date, verification: String, expires: Date) {
        self.attestedBy = attestedBy
        self.attestedAt = attestedAt
        self.verification = verification
        self.expires = expires
    }
}

public struct Attestation: Codable, Sendable, Hashable {
    /// The ROOT-BP id it attests (`06`, `07`, `11`, `21`).
    public var practice: String
    /// What is attested; `satisfied: false` records a known failure.
    public var statement: String
    public var satisfied: Bool
    public var evidence: Evidence

    public init(practice: String, statement: String, satisfied: Bool = true, evidence: Evidence) {
        self.practice = practice
        self.statement = statement
        self.satisfied = satisfied
        self.evidence = evidence
    }

    public var attestedAt: Date { evidence.attestedAt }

    enum CodingKeys: String, CodingKey {
        case practice, statement, satisfied, attestedBy, attestedAt, verification, expires
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        practice = try Self.practiceID(container.decode(String.self, forKey: .practice))
        statement = try container.decode(String.self, forKey: .statement)
        satisfied = try container.decodeIfPresent(Bool.self, forKey: .satisfied) ?? true
        evidence = try Evidence(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(practice, forKey: .practice)
        try container.encode(statement, forKey: .statement)
        try container.encode(satisfied, forKey: .satisfied)
        try evidence.encode(to: encoder)
    }

    /// `6`, `06`, `ROOT-BP 06`, `ROOT-BP-06` → `06`.
    static func practiceID(_ text: String) throws -> String {
        let digits = text.filter(\.isNumber)
        guard let number = Int(digits), (1...21).contains(number) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "practice '\(text)' is not a ROOT-BP id 01–21"))
        }
        return number < 10 ? "0\(number)" : "\(number)"
    }
}

/// Who holds each root recovery factor (ROOT-BP 11, 12).
public struct CustodyPlan: Codable, Sendable, Hashable {
    public struct Device: Codable, Sendable, Hashable {
        public var name: String
        /// `hardware`, `passkey`, `virtual`.
        public var type: String
        public var holders: [String]

        public init(name: String, type: String, holders: [String]) {
            self.name = name
            self.type = type
            self.holders = holders
        }
    }

    public struct Channel: Codable, Sendable, Hashable {
        /// The team that controls it (e.g. `secops-distribution-list`).
        public var group: String
        public var holders: [String]

        public init(group: String, holders: [String]) {
            self.group = group
            self.holders = holders
        }
    }

    public var passwordHolders: [String]
    public var mfaDevices: [Device]
    public var emailInbox: Channel
    public var phone: Channel
    /// Security questions set (or deliberately not used since AWS retired them).
    public var securityQuestions: Bool?
    public var evidence: Evidence

    enum CodingKeys: String, CodingKey {
        case passwordHolders, mfaDevices, emailInbox, phone, securityQuestions, attestedBy, attestedAt, verification,
            expires
    }

    public init(
        passwordHolders: [String], mfaDevices: [Device], emailInbox: Channel, phone: Channel, securityQuestions: Bool?,
        evidence: Evidence
    ) {
        self.passwordHolders = passwordHolders
        self.mfaDevices = mfaDevices
        self.emailInbox = emailInbox
        self.phone = phone
        self.securityQuestions = securityQuestions
        self.evidence = evidence
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        passwordHolders = try container.decode([String].self, forKey: .passwordHolders)
        mfaDevices = try container.decode([Device].self, forKey: .mfaDevices)
        emailInbox = try container.decode(Channel.self, forKey: .emailInbox)
        phone = try container.decode(Channel.self, forKey: .phone)
        securityQuestions = try container.decodeIfPresent(Bool.self, forKey: .securityQuestions)
        evidence = try Evidence(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(passwordHolders, forKey: .passwordHolders)
        try container.encode(mfaDevices, forKey: .mfaDevices)
        try container.encode(emailInbox, forKey: .emailInbox)
        try container.encode(phone, forKey: .phone)
        try container.encodeIfPresent(securityQuestions, forKey: .securityQuestions)
        try evidence.encode(to: encoder)
    }
}

/// The response procedure for root alerts (ROOT-BP 21).
public struct Runbook: Codable, Sendable, Hashable {
    /// Where the runbook lives (URL or path).
    public var location: String
    /// Who validates that a root alert was expected.
    public var validators: [String]
    /// Escalation path when it was not.
    public var escalation: String
    /// The approvals file `rootguard trail --approvals` uses for break-glass windows.
    public var approvalsFile: String?
    public var evidence: Evidence

    enum CodingKeys: String, CodingKey {
        case location, validators, escalation, approvalsFile
    }

    public init(location: String, validators: [String], escalation: String, approvalsFile: String?, evidence: Evidence)
    {
        self.location = location
        self.validators = validators
        self.escalation = escalation
        self.approvalsFile = approvalsFile
        self.evidence = evidence
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        location = try container.decode(String.self, forKey: .location)
        validators = try container.decode([String].self, forKey: .validators)
        escalation = try container.decode(String.self, forKey: .escalation)
        approvalsFile = try container.decodeIfPresent(String.self, forKey: .approvalsFile)
        evidence = try Evidence(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(location, forKey: .location)
        try container.encode(validators, forKey: .validators)
        try container.encode(escalation, forKey: .escalation)
        try container.encodeIfPresent(approvalsFile, forKey: .approvalsFile)
        try evidence.encode(to: encoder)
    }
}
