import RootGuardAWS
import RootGuardModel

extension Unavailable {
    /// An AWS failure as a missing fact: the kind, one line, the code and the IAM action that was called.
    public init(_ error: AWSError) {
        let kind: Kind =
            switch error.kind {
            case .accessDenied: .accessDenied
            case .throttling: .throttling
            case .notImplemented: .notImplemented
            case .notFound: .notEnabled
            case .authentication: .authentication
            case .timeout: .timeout
            default: .error
            }
        self.init(kind: kind, reason: error.description, code: error.code, action: error.iamAction)
    }
}

extension Unavailable {
    /// Any failure of a step, with what could not be read: an AWS error keeps its kind, code and IAM action.
    init(_ error: any Error, operation: String, context: String) {
        switch error {
        case let error as AWSError:
            var reason = Unavailable(error)
            reason.reason = "\(context): \(error.description)"
            self = reason
        case let error as CredentialError:
            self.init(kind: .credentials, reason: "\(context): \(error.message)", action: operation)
        default:
            self.init(kind: .error, reason: "\(context): \(error)", action: operation)
        }
    }
}

/// Runs one collection step; any failure becomes `.unavailable` with its reason.
func gather<T: Codable & Sendable>(_ body: () async throws -> T) async -> Collected<T> {
    do {
        return .value(try await body())
    } catch let error as AWSError {
        return .unavailable(Unavailable(error))
    } catch let error as CredentialError {
        return .unavailable(Unavailable(kind: .credentials, reason: error.message))
    } catch {
        return .unavailable(Unavailable(kind: .error, reason: "\(error)"))
    }
}
