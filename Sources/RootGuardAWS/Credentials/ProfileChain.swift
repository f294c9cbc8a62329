/// How the selected profile's credentials are obtained: a base source, then zero or more role assumptions.
/// Resolved exactly as the cross-SDK assume-role tests describe.
public struct ProfileChain: Sendable, Hashable {
    public enum Base: Sendable, Hashable {
        case accessKey(accessKeyID: String, secretAccessKey: String, sessionToken: String?, accountID: String?)
        /// `credential_source`: `Environment`, `Ec2InstanceMetadata`, `EcsContainer`.
        case namedSource(String)
        case webIdentity(roleARN: String, tokenFile: String, sessionName: String?)
        case sso(SSOSettings)
        case process(command: String)
    }

    public struct SSOSettings: Sendable, Hashable {
        public var session: String?
        public var startURL: String
        public var region: String
        public var accountID: String?
        public var roleName: String?
    }

    public struct AssumeRoleStep: Sendable, Hashable {
        public var profile: String
        public var roleARN: String
        public var externalID: String?
        public var sessionName: String?
        public var durationSeconds: Int?
        public var mfaSerial: String?

        public init(
            profile: String, roleARN: String, externalID: String? = nil, sessionName: String? = nil,
            durationSeconds: Int? = nil, mfaSerial: String? = nil
        ) {
            self.profile = profile
            self.roleARN = roleARN
            self.externalID = externalID
            self.sessionName = sessionName
            self.durationSeconds = durationSeconds
            self.mfaSerial = mfaSerial
        }
    }

    public var base: Base
    /// Applied in order after the base (the first one assumes from the base credentials).
    public var roles: [AssumeRoleStep]

    /// The longest role chain followed (`source_profile` → … → static keys).
    public static let maxRoles = 32

    public static func resolve(
        profile selected: String, in files: AWSConfigFiles
    ) throws -> ProfileChain {
        let profiles = files.profiles
        guard !profiles.isEmpty else { throw CredentialError("No profiles were defined") }
        var visited: Set<String> = []
        var roles: [AssumeRoleStep] = []
        var name = selected
        while true {
            guard let profile = profiles[name] else {
                if name == selected { throw CredentialError("profile `\(name)` was not found") }
                throw CredentialError(
                    "could not find source profile \(name) referenced from \(roles.last?.profile ?? selected)")
            }
            guard visited.insert(name).inserted else { throw CredentialError("profile formed an infinite loop") }
            // The SDKs stop long chains too; each role is an STS call, and nobody chains more than a handful.
            guard roles.count < Self.maxRoles else {
                throw CredentialError(
                    "profile `\(selected)`: the source_profile chain is longer than \(Self.maxRoles) roles; shorten it")
            }
            let isSource = !roles.isEmpty

            // A source profile with static keys is used as-is, even if it also names a role.
            if isSource, profile["aws_access_key_id"] != nil || profile["aws_secret_access_key"] != nil {
                return ProfileChain(base: try staticKeys(profile, name: name), roles: roles.reversed())
            }
            if let tokenFile = profile["web_identity_token_file"] {
                guard let roleARN = profile["role_arn"] else { throw CredentialError("`role_arn` was missing") }
                return ProfileChain(
                    base: .webIdentity(
                        roleARN: roleARN, tokenFile: tokenFile, sessionName: profile["role_session_name"]),
                    roles: roles.reversed())
            }
            if let roleARN = profile["role_arn"] {
                roles.append(
                    AssumeRoleStep(
                        profile: name, roleARN: roleARN, externalID: profile["external_id"],
                        sessionName: profile["role_session_name"],
                        durationSeconds: profile["duration_seconds"].flatMap { Int($0) },
                        mfaSerial: profile["mfa_serial"]))
                switch (profile["source_profile"], profile["credential_source"]) {
                case (let source?, nil):
                    if source == name {
                        // Self-reference: its own static keys are the base.
                        return ProfileChain(base: try staticKeys(profile, name: name), roles: roles.reversed())
                    }
                    name = source
                    continue
                case (nil, let credentialSource?):
                    guard ["Environment", "Ec2InstanceMetadata", "EcsContainer"].contains(credentialSource) else {
                        throw CredentialError("profile `\(name)`: unknown credential_source `\(credentialSource)`")
                    }
                    return ProfileChain(base: .namedSource(credentialSource), roles: roles.reversed())
                case (.some, .some):
                    throw CredentialError("profile `\(name)` contained both source_profile and credential_source")
                case (nil, nil):
                    throw CredentialError("profile `\(name)` has role_arn; profile must contain `source_profile`")
                }
            }
            if let sso = try ssoSettings(profile, name: name, files: files) {
                return ProfileChain(base: .sso(sso), roles: roles.reversed())
            }
            if let command = profile["credential_process"] {
                return ProfileChain(base: .process(command: command), roles: roles.reversed())
            }
            if profile["aws_access_key_id"] != nil || profile["aws_secret_access_key"] != nil {
                return ProfileChain(base: try staticKeys(profile, name: name), roles: roles.reversed())
            }
            throw CredentialError("profile `\(name)` did not contain credential information")
        }
    }

    static func staticKeys(_ profile: [String: String], name: String) throws -> Base {
        guard let id = profile["aws_access_key_id"] else {
            throw CredentialError("profile `\(name)`: profile missing aws_access_key_id")
        }
        guard let secret = profile["aws_secret_access_key"] else {
            throw CredentialError("profile `\(name)`: profile missing aws_secret_access_key")
        }
        return .accessKey(
            accessKeyID: id, secretAccessKey: secret, sessionToken: profile["aws_session_token"],
            accountID: profile["aws_account_id"])
    }

    static func ssoSettings(_ profile: [String: String], name: String, files: AWSConfigFiles) throws -> SSOSettings? {
        let account = profile["sso_account_id"]
        let role = profile["sso_role_name"]
        if let sessionName = profile["sso_session"] {
            guard let session = files.ssoSessions[sessionName] else {
                throw CredentialError(
                    "sso-session named `\(sessionName)` (referenced by profile `\(name)`) was not found")
            }
            if let profileRegion = profile["sso_region"], profileRegion != session["sso_region"] {
                throw CredentialError(
                    "`sso_region` can only be specified in the [sso-session] config when a session name is given")
            }
            if let profileURL = profile["sso_start_url"], profileURL != session["sso_start_url"] {
                throw CredentialError("profile `\(name)`: sso_start_url differs from sso-session `\(sessionName)`")
            }
            guard let region = session["sso_region"], let url = session["sso_start_url"] else {
                throw CredentialError("sso-session `\(sessionName)` needs sso_region and sso_start_url")
            }
            try checkPair(account: account, role: role)
            return SSOSettings(session: sessionName, startURL: url, region: region, accountID: account, roleName: role)
        }
        guard profile["sso_start_url"] != nil || account != nil || role != nil || profile["sso_region"] != nil else {
            return nil
        }
        try checkPair(account: account, role: role)
        guard let url = profile["sso_start_url"], let region = profile["sso_region"] else {
            throw CredentialError("profile `\(name)`: legacy SSO needs sso_start_url and sso_region")
        }
        return SSOSettings(session: nil, startURL: url, region: region, accountID: account, roleName: role)
    }

    static func checkPair(account: String?, role: String?) throws {
        if role != nil && account == nil {
            throw CredentialError("if `sso_role_name` is set, then `sso_account_id` must also be set")
        }
        if account != nil && role == nil {
            throw CredentialError("if `sso_account_id` is set, then `sso_role_name` must also be set")
        }
    }
}
