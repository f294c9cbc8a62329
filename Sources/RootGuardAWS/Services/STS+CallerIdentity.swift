import NIOConcurrencyHelpers
import RootGuardModel

/// Who the client's credentials are, parsed once: the account, the caller's ARN and the partition it names.
/// Every command that needs "this account" or "this partition" asks here instead of splitting ARNs itself.
public struct CallerIdentity: Sendable, Hashable {
    public var account: AccountID
    public var arn: ARN
    public var userID: String

    public init(account: AccountID, arn: ARN, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }

    /// The caller's partition (`aws`, `aws-cn`, `aws-us-gov`), from its ARN.
    public var partition: String { arn.partition }

    /// `arn:<partition>:iam::<account>:root`.
    public var rootARN: String { account.rootARN(partition: partition) }
}

extension AWSClient {
    /// `sts:GetCallerIdentity`, checked: a 12-digit account and an ARN, or `AWSError` (malformedResponse).
    public func callerIdentity() async throws -> CallerIdentity {
        // The same credentials are the same caller: read once per client (a run asks from several places).
        if let known = knownIdentity.withLockedValue({ $0 }) { return known }
        let answer = try await sts().getCallerIdentity()
        func malformed(_ what: String) -> AWSError {
            AWSError(
                kind: .malformedResponse, code: "NoIdentity", message: "GetCallerIdentity returned \(what)",
                service: "sts", operation: "GetCallerIdentity")
        }
        guard let text = answer.account, let account = AccountID(rawValue: text) else {
            throw malformed("no 12-digit account")
        }
        guard let arnText = answer.arn, let arn = ARN(rawValue: arnText) else { throw malformed("no caller ARN") }
        let identity = CallerIdentity(account: account, arn: arn, userID: answer.userId ?? "")
        knownIdentity.withLockedValue { $0 = identity }
        return identity
    }
}
