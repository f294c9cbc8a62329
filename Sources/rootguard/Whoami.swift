import ArgumentParser
import Foundation
import RootGuardAWS

/// `rootguard whoami`: who the configured credentials belong to (STS GetCallerIdentity).
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the account and identity the configured credentials belong to (STS GetCallerIdentity).")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        try await runReportingErrors {
            let (identity, credentials) = try await global.withClient { client in
                (try await client.sts().getCallerIdentity(), try await client.credentialProvider?.credentials())
            }
            switch output {
            case .json:
                let object: [String: String] = [
                    "Account": identity.account ?? "", "Arn": identity.arn ?? "", "UserId": identity.userId ?? "",
                ]
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            case .text:
                print("Account      \(identity.account ?? "-")")
                print("Arn          \(identity.arn ?? "-")")
                print("UserId       \(identity.userId ?? "-")")
                if let arn = identity.arn, arn.hasSuffix(":root") {
                    print("Warning      these are ROOT USER credentials; use an IAM role for daily work")
                }
                if let source = credentials?.source { print("Credentials  \(source)") }
            }
        }
    }
}
