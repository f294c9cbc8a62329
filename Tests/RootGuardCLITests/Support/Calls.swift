import NIOConcurrencyHelpers
import RootGuardAWS

/// The IAM actions an observed client called (`client.with(observer:)`), for the policy tests.
final class Calls: Sendable {
    private let box = NIOLockedValueBox<Set<String>>([])
    func add(_ call: String) { box.withLockedValue { _ = $0.insert(call) } }
    var all: Set<String> { box.withLockedValue { $0 } }
}

extension AWSError {
    /// The IAM prefix of a botocore service name (what `iamAction` uses).
    static func iamPrefixForTests(_ service: String) -> String {
        AWSError(kind: .client, code: "", message: "", service: service, operation: "X").iamAction.dropLast(2)
            .description
    }
}
