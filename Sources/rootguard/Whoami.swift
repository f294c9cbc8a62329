import ArgumentParser
import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardReport

/// `rootguard whoami`: who the configured credentials belong to (STS GetCallerIdentity).
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the account and identity the configured credentials belong to (STS GetCallerIdentity).",
        discussion: "Exit codes: 0 shown, 1 error (no credentials, or STS refused them), 64 usage.")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        try await runReportingErrors {
            let (identity, credentials) = try await global.withClient { client in
                (try await client.callerIdentity(), try await client.credentialProvider?.credentials())
            }
            switch output {
            case .json:
                try Output.stdout(
                    try IdentityRenderer.json(
                        account: identity.account.rawValue, arn: identity.arn.rawValue, userId: identity.userID))
            case .text:
                try Output.stdout(
                    IdentityRenderer.text(
                        account: identity.account.rawValue, arn: identity.arn.rawValue, userId: identity.userID,
                        credentialSource: credentials?.source))
            }
        }
    }
}
